from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("submissions", "0008_archival_status")]

    operations = [
        migrations.AddField(
            model_name="authorship",
            name="confirmed_token",
            field=models.CharField(blank=True, max_length=64),
        ),
    ]
