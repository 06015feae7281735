"""Outbound e-mail: rendered from templates with the recipient's view of the data. Every
message takes this path (`send_templated`) and gets a row in the outbox
(`mail.models.OutboundEmail`) with its state: queued -> sending -> sent / failed, or held
for the daily digest or for a short coalescing window. The row is committed ("sending")
before the mail server is called, so a job run again after its worker died skips what it
already sent and leaves a message caught in "sending" for a person to resend from the
chairs' outbox rather than sending it twice.

Each message sent is also recorded in the audit log (`email.sent`: template, subject,
recipients), under its venue and, when it is about one paper, that paper (so that a chair
conflicted with the paper reads it neither in the log nor in the outbox).

Preferences: essential mail (assignments, decisions, invitations, account and security
mail) always goes out immediately; every other kind follows each recipient's preference
for its event (immediately, in a daily digest, off)."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
from collections.abc import Callable
from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string

log = logging.getLogger("paperdesk.mail")

# Non-essential events a person chooses for: (key, label, help).
EVENTS: dict[str, tuple[str, str]] = {
    "reminders": ("Reminders", "Review, camera-ready and volunteering reminders, and chairs chasing late reviews."),
    "discussion": ("Discussion", "New posts in the discussion of a paper you review or chair."),
    "paper_updates": ("Changes to your papers", "A new PDF version or other change to a paper you co-author (one notice per change, several changes within a few minutes coalesced)."),
    "review_updates": ("Review updates", "A new PDF version of a paper you review or chair, reviews reverted by the chairs, reviewers giving back a paper, reviewer-pool answers."),
}
ESSENTIAL = "essential"
ESSENTIAL_HELP = ("Always sent immediately, whatever you choose below: assignment notices, decision notices, "
                  "invitations, account and security mail, and messages the chairs write to you.")

# The event of each template; a template not listed is essential.
TEMPLATE_EVENTS = {
    "review_reminder": "reminders",
    "review_chase": "reminders",
    "camera_ready_reminder": "reminders",
    "reviewing_first_author_reminder": "reminders",
    "discussion_post": "discussion",
    "submission_version_verdict": "paper_updates",
    "submission_change": "paper_updates",
    "author_declined": "paper_updates",
    "review_reverted": "review_updates",
    "review_given_back": "review_updates",
    "reviewing_pool_decision": "review_updates",
    "review_paper_new_version": "review_updates",
}

# How long a coalesced notice (co-authors told of a change to their paper) waits for more
# changes before it goes out.
COALESCE_WINDOW = dt.timedelta(minutes=10)

# Called with the moment a held message is due (accounts.digest schedules a delivery job).
HELD_LISTENERS: list[Callable[[dt.datetime], None]] = []


def event_of(template: str) -> str:
    return TEMPLATE_EVENTS.get(template, ESSENTIAL)


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


def _pk(value):
    return getattr(value, "pk", value)


def preferences_for(emails: list[str], event: str) -> dict[str, tuple[int | None, str]]:
    """{email: (user id, mode)} for the recipients (an address with no account: immediate)."""
    from django.contrib.auth import get_user_model
    from django.db.models.functions import Lower

    from .models import EmailPreference

    found = get_user_model().objects.annotate(address=Lower("email")).filter(address__in=[e.lower() for e in emails])
    users: dict[str, int] = {address: pk for address, pk in found.values_list("address", "pk")}
    modes = dict(EmailPreference.objects.filter(user_id__in=users.values(), event=event).values_list("user_id", "mode"))
    answer: dict[str, tuple[int | None, str]] = {}
    for address in emails:
        user_id = users.get(address.lower())
        answer[address] = (user_id, modes.get(user_id, "immediate") if user_id is not None else "immediate")
    return answer


def send_templated(template: str, context: dict, to: list[str], reply_to: str | None = None, *, venue=None, paper=None,
                   coalesce: str | None = None, withhold: tuple[str, ...] = ()) -> int:
    """Render `email/<template>.txt` (first line = subject) and send it (one message; a
    non-essential one is split by the recipients' preferences: held for the digest, or not
    sent). `venue` and `paper` (a Submission or its id) say what the message is about when
    the context does not (its "venue" and "submission"). `coalesce` names what changed
    (e.g. a paper): the first notice goes at once; one that follows within
    `COALESCE_WINDOW` waits for the end of the window, and later ones join it. `withhold`
    lists the secrets in the message (an invitation's token): the outbox keeps the message
    without them (`WITHHELD`), the e-mail alone carries them; such a message is sent now
    (never held for a digest, which is rendered from the outbox).
    Returns how many messages went to the mail server now."""
    from paperdesk import clock

    context = {"site_url": settings.SITE_URL.rstrip("/"), **context}
    text = render_to_string(f"email/{template}.txt", context).lstrip()
    subject, _, body = text.partition("\n")
    subject, body = subject.strip(), body.lstrip("\n")
    venue, paper = _about(context, venue, paper)
    event = event_of(template)
    to = [address for address in dict.fromkeys(to) if address]
    if not to:
        return 0
    now_to: list[str] = list(to)
    if event != ESSENTIAL and not withhold:
        prefs = preferences_for(to, event)
        recent = _recently_told(coalesce) if coalesce else {}
        now_to = []
        for address in to:
            user_id, mode = prefs[address]
            if mode == "off":
                continue
            if mode == "digest":
                _hold(template, event, subject, body, address, user_id, reply_to, venue, paper, coalesce=coalesce, due=None)
            elif coalesce and (address.lower() in recent or _held(coalesce, address)):
                # Told of a change to this paper a moment ago: this one waits for the rest of
                # the window, and later changes within it join the same notice.
                due = recent.get(address.lower(), clock.now()) + COALESCE_WINDOW
                _hold(template, event, subject, body, address, user_id, reply_to, venue, paper, coalesce=coalesce, due=due)
            else:
                now_to.append(address)
    if not now_to:
        return 0
    return deliver_new(template=template, event=event, subject=subject, body=body, to=now_to, reply_to=reply_to, venue=venue, paper=paper,
                       coalesce=coalesce, withhold=withhold)


# What the outbox keeps in place of a withheld secret: a personal link lives in the e-mail alone.
WITHHELD = "[personal link: sent in the e-mail only, not kept here]"


def withheld(body: str, secrets: tuple[str, ...]) -> str:
    """The body with every link (or other word) holding one of `secrets` replaced by WITHHELD."""
    for secret in secrets:
        if secret:
            body = re.sub(r"\S*" + re.escape(secret) + r"\S*", WITHHELD, body)
    return body


def _recently_told(coalesce: str) -> dict[str, dt.datetime]:
    """{address: when} of the notices of this change key sent within the window."""
    from paperdesk import clock

    from .models import OutboundEmail

    told: dict[str, dt.datetime] = {}
    rows = (OutboundEmail.objects.filter(coalesce_key=coalesce[:200], created_at__gt=clock.now() - COALESCE_WINDOW)
            .exclude(state=OutboundEmail.State.HELD).values_list("recipients", "created_at"))
    for recipients, created in rows:
        for address in recipients.split(","):
            told[address.lower()] = max(created, told.get(address.lower(), created))
    return told


def _held(coalesce: str, address: str) -> bool:
    from .models import OutboundEmail

    return OutboundEmail.objects.filter(state=OutboundEmail.State.HELD, coalesce_key=coalesce[:200], recipients=address).exists()


def _hold(template, event, subject, body, address, user_id, reply_to, venue, paper, *, coalesce, due) -> None:
    from paperdesk import clock

    from .models import OutboundEmail

    dedupe = _job_key(template, [address], subject, paper)
    with transaction.atomic():
        if dedupe and OutboundEmail.objects.filter(dedupe_key=dedupe).exists():
            return  # held by this job before it was taken over
        earlier = None
        if coalesce:
            earlier = (OutboundEmail.objects.select_for_update()
                       .filter(state=OutboundEmail.State.HELD, coalesce_key=coalesce[:200], recipients=address).first())
        if earlier is not None:
            marks = [line for line in earlier.body.splitlines() if line.startswith("-- change at ")]
            marks = (marks or [f"-- change at {earlier.created_at:%Y-%m-%d %H:%M:%S} UTC"]) + [f"-- change at {clock.now():%Y-%m-%d %H:%M:%S} UTC"]
            earlier.subject, earlier.template = subject[:300], template
            earlier.body = (body.rstrip() + f"\n\nThis one notice covers {len(marks)} changes made within a few minutes "
                            "(the latest is described above):\n" + "\n".join(marks) + "\n")
            earlier.save(update_fields=["subject", "template", "body"])
            return
        OutboundEmail.objects.create(
            venue_id=_pk(venue), submission_id=_pk(paper), user_id=user_id, recipients=address, reply_to=reply_to or "",
            template=template, event=event, subject=subject[:300], body=body, state=OutboundEmail.State.HELD,
            created_at=clock.now(), due_at=due, coalesce_key=(coalesce or "")[:200], job=_job_label(), dedupe_key=dedupe)
    if due is not None:
        moment: dt.datetime = due
        for listener in HELD_LISTENERS:
            transaction.on_commit(partial(listener, moment))


def _job_key(template: str, to: list[str], subject: str, paper) -> str | None:
    """Inside a worker's job: the nth message of this template, about this paper, with this
    subject, to these people, in this job. It is the same message when the job runs again
    after a takeover (its body may differ: a fresh link, a later moment); a job that skips
    work it recorded itself (decision notices) still sends its other messages, as they
    differ by paper, subject or recipient. None outside a job."""
    from paperdesk.requestcontext import job_id, job_mail_counts

    job, counts = job_id.get(), job_mail_counts.get()
    if not job or counts is None:
        return None
    what = (template, tuple(to), subject, str(_pk(paper) or ""))
    nth = counts[what] = counts.get(what, 0) + 1
    return hashlib.sha256("\x00".join([job, *what[:1], ",".join(to), *what[2:], str(nth)]).encode()).hexdigest()


def _job_label() -> str:
    from paperdesk.requestcontext import job_id

    return f"job {job_id.get()}" if job_id.get() else ""


def deliver_new(*, template, event, subject, body, to, reply_to=None, venue=None, paper=None, resend_of=None, coalesce=None,
                withhold: tuple[str, ...] = ()) -> int:
    """Write the outbox row of a message (committed, "sending"), then hand it to the mail
    server. Inside a job, a message this job already handled (same job, same message) is
    not sent again: a sent one is skipped, one left "sending" by a dead worker stays for a
    person to resend, a failed one is tried again. (A job run inline, outside a worker, has
    no such key: it runs once.) With `withhold`, the row keeps the body without those
    secrets and the mail server gets the whole body."""
    from paperdesk import clock

    from .models import OutboundEmail

    dedupe = _job_key(template, to, subject, paper) if resend_of is None else None
    kept = withheld(body, withhold)
    values = dict(venue_id=_pk(venue), submission_id=_pk(paper), recipients=",".join(to)[:1000], reply_to=reply_to or "",
                  template=template, event=event, subject=subject[:300], body=kept, withheld_links=kept != body,
                  state=OutboundEmail.State.SENDING,
                  created_at=clock.now(), job=_job_label(), dedupe_key=dedupe, resend_of=resend_of, coalesce_key=(coalesce or "")[:200])
    if len(to) == 1:
        values["user_id"] = preferences_for(to, event)[to[0]][0]
    try:
        with transaction.atomic():
            row = OutboundEmail.objects.create(**values)
    except IntegrityError:
        row = OutboundEmail.objects.get(dedupe_key=dedupe)
        if row.state != OutboundEmail.State.FAILED or not OutboundEmail.objects.filter(
                pk=row.pk, state=OutboundEmail.State.FAILED).update(state=OutboundEmail.State.SENDING, error=""):
            log.warning("e-mail %s (%s) already %s by this job before it was taken over: not sent again", row.pk, template, row.state)
            return 0
    return send_row(row, body=body)


def send_row(row, *, body: str | None = None) -> int:
    """Hand a claimed ("sending") outbox row to the mail server and record the outcome
    (`body`: the whole message, when the row keeps it with secrets withheld)."""
    from paperdesk import clock

    from .models import OutboundEmail

    message = EmailMessage(subject=row.subject, body=row.body if body is None else body, from_email=settings.DEFAULT_FROM_EMAIL, to=row.to,
                           reply_to=[row.reply_to] if row.reply_to else None)
    try:
        sent = message.send()
    except Exception as error:
        OutboundEmail.objects.filter(pk=row.pk).update(state=OutboundEmail.State.FAILED, error=f"{type(error).__name__}: {error}"[:500])
        raise
    if not sent:
        OutboundEmail.objects.filter(pk=row.pk).update(state=OutboundEmail.State.FAILED, error="The mail server did not accept it.")
        return 0
    OutboundEmail.objects.filter(pk=row.pk).update(state=OutboundEmail.State.SENT, sent_at=clock.now())
    record_sent(row.template, row.subject, row.to, venue=row.venue_id and row.venue, paper=row.submission_id)
    return sent
