"""Outbound e-mail: rendered from templates with the recipient's view of the data. Each
message sent is recorded in the audit log (`email.sent`: template, subject, recipients),
under its venue and, when it is about one paper, that paper (so that a chair conflicted
with the paper does not read it in the log)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string


class Email:
    """What an `email.sent` entry is about: the template that was sent."""

    def __init__(self, template: str):
        self.public_id = template[:64]


def record_sent(template: str, subject: str, to: list[str], *, venue=None, paper=None) -> None:
    from paperdesk.audit.services import record

    record("email.sent", Email(template), venue=venue, paper=paper, template=template, subject=subject[:300], to=list(to)[:50])


def _about(context: dict, venue, paper):
    submission = context.get("submission")
    if paper is None and type(submission).__name__ == "Submission":
        paper = submission
    if venue is None:
        candidate = context.get("venue")
        venue = candidate if type(candidate).__name__ == "Venue" else getattr(paper, "venue", None)
    return venue, paper


def send_templated(template: str, context: dict, to: list[str], reply_to: str | None = None, *, venue=None, paper=None) -> int:
    """Render `email/<template>.txt` (first line = subject) and send one message. `venue`
    and `paper` (a Submission or its id) say what the audit entry is about when the context
    does not (its "venue" and "submission")."""
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
    sent = message.send()
    if sent:
        venue, paper = _about(context, venue, paper)
        record_sent(template, subject.strip(), to, venue=venue, paper=paper)
    return sent
