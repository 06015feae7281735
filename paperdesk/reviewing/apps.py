from django.apps import AppConfig


class ReviewingConfig(AppConfig):
    name = "paperdesk.reviewing"
    label = "reviewing"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the receivers of lower apps' events)
