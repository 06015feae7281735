"""The camera-ready models and the program publication moved to the cameraready app
(paperdesk.cameraready). Only Django's idea of which app owns them changes: the tables,
their rows, constraints and sequences stay as they are (the new models keep the tables'
names with Meta.db_table). cameraready's 0001 takes them over first, so at every step of the
migration graph some app owns them."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("decisions", "0005_program_publication"),
        ("cameraready", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                # Children before parents, as a DeleteModel of a model still pointed at fails.
                migrations.DeleteModel(name="CameraReadyReminder"),
                migrations.DeleteModel(name="CameraReadyReminderRun"),
                migrations.DeleteModel(name="CameraReadyAuthor"),
                migrations.DeleteModel(name="CameraReady"),
                migrations.DeleteModel(name="ProgramPublication"),
            ],
            database_operations=[],
        ),
    ]
