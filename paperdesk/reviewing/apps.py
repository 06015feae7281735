from django.apps import AppConfig


class ReviewingConfig(AppConfig):
    name = "paperdesk.reviewing"
    label = "reviewing"
    default_auto_field = "django.db.models.BigAutoField"
