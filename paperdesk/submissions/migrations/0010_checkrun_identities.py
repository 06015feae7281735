from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("submissions", "0009_authorship_confirmed_token")]

    operations = [
        migrations.AddField(model_name="checkrun", name="identities_digest", field=models.CharField(blank=True, max_length=64)),
        migrations.AddField(model_name="checkrun", name="recheck_reason", field=models.CharField(blank=True, max_length=20)),
        migrations.AddField(model_name="checkrun", name="leaks_before", field=models.PositiveIntegerField(blank=True, null=True)),
    ]
