from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    name = "paperdesk.submissions"
    label = "submissions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from paperdesk.jobs import add_sweep

        add_sweep(_sweep_checks)


def _sweep_checks(live: set[str], now) -> int:
    """Check runs left "running" by a dead holder (the lease sweep calls it; see
    checking.sweep_checks)."""
    from .checking import sweep_checks

    return sweep_checks(live, now)
