from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "paperdesk.decisions"
    label = "decisions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from paperdesk.venues.impact import register

        from .settings_checks import outcome_effects

        register(outcome_effects)
