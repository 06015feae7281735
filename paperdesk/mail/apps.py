from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "paperdesk.mail"
    label = "mail"
    verbose_name = "Outbound e-mail"
    default_auto_field = "django.db.models.BigAutoField"
