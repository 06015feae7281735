"""Outbound e-mail: rendered from templates with the recipient's view of the data."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string


def send_templated(template: str, context: dict, to: list[str], reply_to: str | None = None) -> int:
    """Render `email/<template>.txt` (first line = subject) and send one message."""
    context = {"site_url": settings.SITE_URL.rstrip("/"), **context}
    text = render_to_string(f"email/{template}.txt", context).lstrip()
    subject, _, body = text.partition("\n")
    message = EmailMessage(
        subject=subject.strip(),
        body=body.lstrip("\n"),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
        reply_to=[reply_to] if reply_to else None,
    )
    return message.send()
