"""The camera-ready reminder job moved with its app: its dotted path changed from
paperdesk.decisions.camera_ready to paperdesk.cameraready.services. A job queued before the
upgrade names the old path, which no longer imports, and the jobs page finds a job's venue
and label by its path; so the queued and past jobs (and their leases) take the new path."""

from django.db import migrations

OLD = "paperdesk.decisions.camera_ready.send_camera_ready_reminders"
NEW = "paperdesk.cameraready.services.send_camera_ready_reminders"


def _rename(apps, before: str, after: str) -> None:
    apps.get_model("django_tasks_database", "DBTaskResult").objects.filter(task_path=before).update(task_path=after)
    apps.get_model("jobs", "JobLease").objects.filter(task_path=before).update(task_path=after)


def forwards(apps, schema_editor):
    _rename(apps, OLD, NEW)


def backwards(apps, schema_editor):
    _rename(apps, NEW, OLD)


class Migration(migrations.Migration):

    dependencies = [
        ("cameraready", "0001_initial"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
        ("jobs", "0001_leases"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
