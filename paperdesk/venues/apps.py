from django.apps import AppConfig


class VenuesConfig(AppConfig):
    name = "paperdesk.venues"
    label = "venues"
    default_auto_field = "django.db.models.BigAutoField"
