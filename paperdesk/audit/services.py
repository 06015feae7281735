from __future__ import annotations

from paperdesk.requestcontext import current_client_ip

from .models import AuditEntry


def submission_id_of(obj, data: dict | None = None) -> int | None:
    """The paper an entry is about: the submission itself, or an object of one paper (an
    upload, authorship, review, discussion post, meta-review, camera-ready...)."""
    if type(obj).__name__ == "Submission" and getattr(obj, "pk", None):
        return obj.pk
    submission_id = getattr(obj, "submission_id", None)
    if isinstance(submission_id, int):
        return submission_id
    assignment = getattr(obj, "assignment", None) if hasattr(obj, "assignment_id") else None
    if assignment is not None and isinstance(getattr(assignment, "submission_id", None), int):
        return assignment.submission_id
    return None


def record(action: str, obj, *, actor=None, venue=None, paper=None, **data) -> AuditEntry:
    """Write one audit entry; call inside the transaction that makes the change.
    `paper` (a Submission or its id) names the paper the entry is about when `obj` is not
    an object of one paper (it is found from `obj` otherwise)."""
    object_id = getattr(obj, "public_id", None) or getattr(obj, "pk", None) or ""
    if paper is not None:
        submission_id = paper if isinstance(paper, int) else getattr(paper, "pk", None)
    else:
        submission_id = submission_id_of(obj)
    return AuditEntry.objects.create(
        venue=venue,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type=type(obj).__name__.lower(),
        object_id=str(object_id),
        submission_id=submission_id,
        data=data,
        ip=current_client_ip(),
    )
