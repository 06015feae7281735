from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "paperdesk.accounts"
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import digest, signals  # noqa: F401  (connects the allauth receivers; held e-mail's delivery job)
