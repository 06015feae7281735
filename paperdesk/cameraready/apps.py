from django.apps import AppConfig


class CameraReadyConfig(AppConfig):
    name = "paperdesk.cameraready"
    label = "cameraready"
    verbose_name = "Camera-ready and program"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Lower apps learn what this app knows only through the hooks they offer.
        from paperdesk.decisions.author_page import register_section
        from paperdesk.submissions.signals import answer_published_authors

        from .selectors import confirmed_author_names
        from .views import author_page_section

        answer_published_authors(confirmed_author_names)
        register_section(author_page_section)
