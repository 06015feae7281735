from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "paperdesk.reviews"
    label = "reviews"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from paperdesk.venues.impact import register

        from .settings_checks import review_form_effects

        register(review_form_effects)
        from . import version_notices  # noqa: F401  (connects the receiver of submissions' new-version event)
