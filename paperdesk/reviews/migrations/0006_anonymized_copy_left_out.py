from django.db import migrations, models


class Migration(migrations.Migration):
    """What the cleaner left out of a reviewers' copy of a supplementary archive. Copies made
    before are left with null (not known), not with an empty list (nothing left out): the
    first download after this makes such a copy again and records it."""

    dependencies = [
        ('reviews', '0005_author_response'),
    ]

    operations = [
        migrations.AddField(
            model_name='anonymizedpdf',
            name='left_out',
            field=models.JSONField(blank=True, null=True, default=None),
        ),
        migrations.AlterField(
            model_name='anonymizedpdf',
            name='left_out',
            field=models.JSONField(blank=True, null=True, default=list),
        ),
    ]
