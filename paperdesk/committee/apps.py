from django.apps import AppConfig


class CommitteeConfig(AppConfig):
    name = "paperdesk.committee"
    # The package was called `reviewing`; its label stays so that its tables (reviewing_*) and
    # migration history carry over unchanged on every existing installation.
    label = "reviewing"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the receivers of lower apps' events)
