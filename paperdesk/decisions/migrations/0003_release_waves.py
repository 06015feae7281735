"""Decisions are released in waves: a venue has several releases (wave 1, 2, ...), each
decision remembers the wave that released it, and each wave keeps its notice per outcome
kind (accept / reject). An existing release becomes wave 1 with its one notice for both."""

import django.db.models.deletion
from django.db import migrations, models


def existing_release_is_wave_one(apps, schema_editor):
    Release = apps.get_model("decisions", "Release")
    Decision = apps.get_model("decisions", "Decision")
    for release in Release.objects.all():
        released = Decision.objects.filter(submission__venue_id=release.venue_id, released_at__isnull=False)
        released.update(release=release)
        Release.objects.filter(pk=release.pk).update(
            reject_subject=release.accept_subject, reject_body=release.accept_body, decision_count=released.count())


class Migration(migrations.Migration):

    dependencies = [
        ("decisions", "0002_release_progress_notice_state"),
        ("venues", "0001_initial"),
    ]

    operations = [
        migrations.RenameField(model_name="release", old_name="subject_template", new_name="accept_subject"),
        migrations.RenameField(model_name="release", old_name="body_template", new_name="accept_body"),
        migrations.AddField(model_name="release", name="reject_subject", field=models.CharField(default="", max_length=300), preserve_default=False),
        migrations.AddField(model_name="release", name="reject_body", field=models.TextField(default=""), preserve_default=False),
        migrations.AddField(model_name="release", name="decision_count", field=models.PositiveIntegerField(default=0)),
        migrations.AddField(
            model_name="release", name="wave",
            field=models.PositiveIntegerField(default=1, help_text="1 for the first release of the venue, 2 for the next, ..."),
        ),
        migrations.AlterField(
            model_name="release", name="venue",
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="releases", to="venues.venue"),
        ),
        migrations.AlterModelOptions(name="release", options={"ordering": ["venue", "wave"]}),
        migrations.AddConstraint(model_name="release", constraint=models.UniqueConstraint(fields=("venue", "wave"), name="release_wave_unique")),
        migrations.AddField(
            model_name="decision", name="release",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="decisions", to="decisions.release"),
        ),
        migrations.RunPython(existing_release_is_wave_one, migrations.RunPython.noop),
    ]
