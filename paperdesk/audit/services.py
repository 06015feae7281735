from __future__ import annotations

from paperdesk.requestcontext import current_client_ip

from .models import AuditEntry


def record(action: str, obj, *, actor=None, venue=None, **data) -> AuditEntry:
    """Write one audit entry; call inside the transaction that makes the change."""
    object_id = getattr(obj, "public_id", None) or getattr(obj, "pk", None) or ""
    return AuditEntry.objects.create(
        venue=venue,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type=type(obj).__name__.lower(),
        object_id=str(object_id),
        data=data,
        ip=current_client_ip(),
    )
