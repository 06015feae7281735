"""The camera-ready models and the program publication, taken over from the decisions app
(whose migrations 0004 and 0005 created their tables). State only: the tables already exist
on every database that has decisions 0005 (a new database gets them from those migrations
too), so nothing is created, renamed or copied and the rows stay where they are; the models
keep the tables' names with db_table. decisions 0006 then drops them from its own state."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("decisions", "0005_program_publication"),
        ("submissions", "0003_backfill_check_summary"),
        ("venues", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="CameraReady",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("title", models.CharField(blank=True, max_length=300)),
                        ("abstract", models.TextField(blank=True, max_length=5000)),
                        ("code_url", models.URLField(blank=True, max_length=500)),
                        ("data_url", models.URLField(blank=True, max_length=500)),
                        ("confirmed_at", models.DateTimeField(blank=True, null=True)),
                        ("hosting_chosen_at", models.DateTimeField(blank=True, help_text="When the authors last chose whether the PDF is hosted", null=True)),
                        ("deadline_extension", models.DateTimeField(blank=True, help_text="Per-paper camera-ready deadline granted by a chair", null=True)),
                        ("confirmed_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                        ("submission", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name="camera_ready", to="submissions.submission")),
                    ],
                    options={"db_table": "decisions_cameraready"},
                ),
                migrations.CreateModel(
                    name="CameraReadyReminderRun",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("day", models.DateField()),
                        ("requested_at", models.DateTimeField()),
                        ("papers", models.PositiveIntegerField(default=0)),
                        ("sent", models.PositiveIntegerField(default=0)),
                        ("failed", models.PositiveIntegerField(default=0)),
                        ("finished_at", models.DateTimeField(blank=True, null=True)),
                        ("requested_by", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL)),
                        ("venue", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="venues.venue")),
                    ],
                    options={
                        "db_table": "decisions_camerareadyreminderrun",
                        "constraints": [models.UniqueConstraint(fields=("venue", "day"), name="camera_ready_reminder_once_a_day")],
                    },
                ),
                migrations.CreateModel(
                    name="CameraReadyReminder",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("email", models.EmailField(max_length=254)),
                        ("state", models.CharField(choices=[("sending", "Sending (not confirmed)"), ("sent", "Sent"), ("failed", "Failed")], default="sending", max_length=10)),
                        ("claimed_at", models.DateTimeField(auto_now_add=True)),
                        ("error", models.CharField(blank=True, max_length=500)),
                        ("submission", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="submissions.submission")),
                        ("run", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="reminders", to="cameraready.camerareadyreminderrun")),
                    ],
                    options={
                        "db_table": "decisions_camerareadyreminder",
                        "constraints": [models.UniqueConstraint(fields=("run", "submission", "email"), name="camera_ready_reminder_unique")],
                    },
                ),
                migrations.CreateModel(
                    name="CameraReadyAuthor",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("position", models.PositiveIntegerField()),
                        ("name", models.CharField(max_length=200)),
                        ("affiliation", models.CharField(blank=True, max_length=200)),
                        ("authorship", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="submissions.authorship")),
                        ("camera_ready", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="authors", to="cameraready.cameraready")),
                    ],
                    options={
                        "db_table": "decisions_camerareadyauthor",
                        "ordering": ["camera_ready", "position"],
                        "constraints": [
                            models.UniqueConstraint(fields=("camera_ready", "authorship"), name="camera_ready_author_unique"),
                            models.UniqueConstraint(fields=("camera_ready", "position"), name="camera_ready_author_position_unique"),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="ProgramPublication",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("published_at", models.DateTimeField(blank=True, null=True)),
                        ("unconfirmed", models.CharField(choices=[("omit", "Left out until their authors confirm their details"), ("tbc", "Listed as “to be confirmed” (submitted title only: no authors, abstract or PDF)")], default="omit", max_length=8)),
                        ("updated_at", models.DateTimeField()),
                        ("updated_by", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL)),
                        ("venue", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name="program_publication", to="venues.venue")),
                    ],
                    options={"db_table": "decisions_programpublication"},
                ),
            ],
        ),
    ]
