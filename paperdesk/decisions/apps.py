from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "paperdesk.decisions"
    label = "decisions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from paperdesk.submissions.signals import answer_published_authors

        from .camera_ready_selectors import confirmed_author_names

        answer_published_authors(confirmed_author_names)

        from paperdesk.venues.impact import register

        from .settings_checks import outcome_effects

        register(outcome_effects)
