from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "paperdesk.ops"
    label = "ops"
    verbose_name = "Operations"
