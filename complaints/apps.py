from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Super-complaints")

    def ready(self) -> None:
        from complaints.services import recompute_acknowledgement_dues
        from workflow.services import register_recomputer

        register_recomputer(recompute_acknowledgement_dues)
