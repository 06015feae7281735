from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "paperdesk.ops"
    label = "ops"
    verbose_name = "Operations"

    def ready(self) -> None:
        # The jobs page's catalog says what each app's jobs mean (venue, label, takeover,
        # give-up, retry); the lease layer below every app learns it only through this.
        from paperdesk.jobs import add_loader

        from . import jobs_catalog

        add_loader(jobs_catalog.load)

        # The outbox's API operations: the outbox lives above the API layer, so it adds its
        # router to the API rather than the API importing it.
        from paperdesk.api.api import api

        from .outbox_api import router

        api.add_router("", router)
