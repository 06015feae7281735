"""Invitation links' tokens are no longer stored (issue 8): rows written before hold the raw
token of a link already e-mailed; each is replaced by its SHA-256, which is what links are
looked up by now, so every link already sent keeps working. Reviewer invitations
(PoolMember.invite_token) and co-author invitations (Authorship.claim_token).

Safe to run again: a value that is already a digest (64 hex characters; the raw tokens were
43 or 32 URL-safe characters) is left alone. Not reversible: the raw tokens are gone, which
is the point (reversing leaves the digests, and the links stop working)."""

import hashlib
import re

from django.db import migrations

DIGEST = re.compile(r"^[0-9a-f]{64}$")


def _hash_column(model, field: str) -> None:
    for pk, value in model.objects.exclude(**{field: ""}).values_list("pk", field).iterator():
        if not DIGEST.match(value):
            model.objects.filter(pk=pk).update(**{field: hashlib.sha256(value.encode("utf-8")).hexdigest()})


def hash_tokens(apps, schema_editor):
    _hash_column(apps.get_model("reviewing", "PoolMember"), "invite_token")
    _hash_column(apps.get_model("submissions", "Authorship"), "claim_token")


class Migration(migrations.Migration):
    dependencies = [
        ("reviewing", "0004_chasing_reviews"),
        ("submissions", "0006_form_link_check"),
    ]

    operations = [
        migrations.RunPython(hash_tokens, migrations.RunPython.noop),
    ]
