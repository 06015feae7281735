"""Helpers shared by the API tests."""

from __future__ import annotations

ATTESTED = {"not-accepted-archival": True, "anonymized": True}


def submission_payload(**overrides) -> dict:
    data = {
        "title": "Sparse probes find planning in a small transformer",
        "abstract": "We look for implicit planning with sparse probes and report where it fails.",
        "track": "short",
        "primary_topic": "circuits",
        "contribution_type": "empirical",
        "authors": [{"email": "ada@uni.edu", "name": "Ada Lovelace", "affiliation": "Analytical Engine Lab"}],
        "secondary_topics": ["model-biology"],
        "attestations": dict(ATTESTED),
    }
    data.update(overrides)
    return data


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def finish_check(upload_public_id: str, report: dict | None = None, blocking: bool = False) -> None:
    """What the background checker leaves behind once it is done with an upload."""
    from django.utils import timezone

    from paperdesk.submissions.models import CheckRun

    report = report or {"status": "ok", "pages": {"main_content_end": 3, "limit": 4, "verdict": "ok"}, "findings": []}
    CheckRun.objects.filter(upload__public_id=upload_public_id).update(
        state=CheckRun.State.DONE, report=report, blocking=blocking, finished_at=timezone.now()
    )
