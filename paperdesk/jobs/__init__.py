"""Background jobs: Django's tasks framework (`django.tasks` on Django >= 6, the
`django_tasks` backport before), stored in the database by django-tasks-db."""

try:  # pragma: no cover - depends on the Django version
    from django.tasks import task  # type: ignore[import-not-found]
except ImportError:
    from django_tasks import task

__all__ = ["task"]
