from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecommendationsConfig(AppConfig):
    name = "recommendations"
    verbose_name = _("Recommendations and responses")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from recommendations.progress import register_sqlite_median

        # The dashboard's medians are counted by the database; SQLite has no median of its own.
        connection_created.connect(
            register_sqlite_median, dispatch_uid="recommendations.sqlite_median"
        )
