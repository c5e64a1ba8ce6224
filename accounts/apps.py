from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Organisations and users")

    def ready(self) -> None:
        # Connects the sign-in receiver that stamps the session's start, before any sign-in:
        # the middleware would import it only with the first request a process serves.
        from accounts import security  # noqa: F401
