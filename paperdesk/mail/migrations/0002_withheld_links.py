"""The outbox keeps invitations without their personal links (paperdesk.mail.WITHHELD):
messages stored before this change still hold theirs, so they are withheld here too. The
links already sent keep working (the e-mails carry them); only the stored copies lose them.
Not reversible in data: the withheld tokens are gone, as intended."""

import re

from django.db import migrations, models

WITHHELD = "[personal link: sent in the e-mail only, not kept here]"
# The two kinds of message that carry a capability link, and where its token sits.
LINKS = {
    "reviewing_invitation": re.compile(r"\S*/reviewing/invitations/[A-Za-z0-9_-]{16,}\S*"),
    "author_invitation": re.compile(r"\S*/claim/[A-Za-z0-9_-]{16,}\S*"),
}


def withhold_links(apps, schema_editor):
    OutboundEmail = apps.get_model("mail", "OutboundEmail")
    for template, pattern in LINKS.items():
        for row in OutboundEmail.objects.filter(template=template, withheld_links=False).only("pk", "body").iterator():
            body = pattern.sub(WITHHELD, row.body)
            OutboundEmail.objects.filter(pk=row.pk).update(body=body, withheld_links=True)


class Migration(migrations.Migration):
    dependencies = [("mail", "0001_outbox")]

    operations = [
        migrations.AddField(model_name="outboundemail", name="withheld_links", field=models.BooleanField(default=False)),
        migrations.RunPython(withhold_links, migrations.RunPython.noop),
    ]
