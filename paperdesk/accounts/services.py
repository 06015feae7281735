"""Writes to accounts: each service is one transaction with an audit entry; e-mails are
sent by background jobs after the transaction commits."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from paperdesk import clock, policy
from paperdesk.audit.services import record

from . import events, moderation, notifications
from .models import Affiliation, User
from .selectors import account_rules


def _venue():
    """Accounts are global; their audit entries go to the log of the venue people sign up
    for (the default venue), whose chairs moderate them."""
    from paperdesk.venues.context import default_venue

    return default_venue()

MAX_REASON_LENGTH = 2000


class AccountError(Exception):
    """A request the service refuses, with the message a person is shown."""

    def __init__(self, message: str, status: int = 400, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.field = field


# --- sign-up and e-mail confirmation ------------------------------------------------------

def initial_status_for(email: str) -> str:
    """The status a new account with this address starts in, under the default venue's rules."""
    return moderation.initial_status(email, account_rules())


def account_signed_up(*, user: User, venue=None) -> None:
    """Record a sign-up (the account itself is saved by allauth's sign-up flow), and the
    venue it was for (the page the person came from), which the approval e-mail names."""
    if venue is not None:
        User.objects.filter(pk=user.pk).update(signup_venue=venue)
        user.signup_venue = venue
    record(
        "account.signup",
        user,
        actor=user,
        venue=venue or _venue(),
        domain=moderation.email_domain(user.email),
        status=user.moderation_status,
    )


@dataclass(frozen=True)
class Confirmation:
    pending_invitations: int
    auto_approved: bool


@transaction.atomic
def email_confirmed(*, user: User, email: str) -> Confirmation:
    """A person proved they own `email`: count the co-authorship invitations listed under
    it (they are answered by the person, never linked here), and approve a waiting account
    when the address is institutional (a rejected account stays rejected: that was a
    chair's decision)."""
    invitations = events.pending_invitations_on_confirm(user=user, email=email)
    locked = User.objects.select_for_update().get(pk=user.pk)
    auto_approved = False
    rules = account_rules()
    if (
        locked.moderation_status == User.Moderation.PENDING
        and rules.approval == "institutional"
        and moderation.is_institutional(email, rules)
    ):
        locked.moderation_status = User.Moderation.ACTIVE
        locked.moderated_at = clock.now()
        locked.moderated_by = None
        locked.moderation_reason = ""
        locked.save(update_fields=["moderation_status", "moderated_at", "moderated_by", "moderation_reason"])
        user.moderation_status = locked.moderation_status
        auto_approved = True
    record(
        "account.email_confirmed",
        locked,
        actor=locked,
        venue=_venue(),
        domain=moderation.email_domain(email),
        pending_invitations=invitations,
        auto_approved=auto_approved,
    )
    return Confirmation(invitations, auto_approved)


LOCKOUT_AUDIT_WINDOW = 300


def sign_in_locked_out(*, email: str, ip: str) -> None:
    """A sign-in refused for too many failures: one `security.login_lockout` entry per
    address, client and window however often the client retries."""
    from paperdesk.security import SignIn, audit_once

    email = (email or "").strip().lower()[:254]
    audit_once(f"login-lockout:{email}:{ip}", LOCKOUT_AUDIT_WINDOW, "security.login_lockout", SignIn(email), email=email, ip=ip)


# --- moderation ------------------------------------------------------------------------------

def _lock_for_decision(account: User, actor) -> User:
    if not policy.can_moderate_accounts(actor):
        raise AccountError("Only program chairs moderate accounts.", 403)
    locked = User.objects.select_for_update().filter(pk=account.pk).first()
    if locked is None:
        raise AccountError("This account no longer exists.", 404)
    if locked.pk == actor.pk:
        raise AccountError("You cannot decide on your own account.", 403)
    return locked


@transaction.atomic
def account_approve(*, account: User, actor) -> User:
    """Approve a waiting (or previously rejected) account and e-mail the person."""
    locked = _lock_for_decision(account, actor)
    if locked.moderation_status == User.Moderation.ACTIVE:
        raise AccountError(f"{locked.email} is already active.", 409)
    previous = locked.moderation_status
    locked.moderation_status = User.Moderation.ACTIVE
    locked.moderation_reason = ""
    locked.moderated_at = clock.now()
    locked.moderated_by = actor
    locked.save(update_fields=["moderation_status", "moderation_reason", "moderated_at", "moderated_by"])
    record("account.approve", locked, actor=actor, venue=_venue(), email=locked.email, previous=previous)
    transaction.on_commit(lambda: notifications.send_moderation_decision(locked.pk))
    return locked


@transaction.atomic
def account_reject(*, account: User, actor, reason: str) -> User:
    """Reject a waiting account with a reason, which the person receives by e-mail."""
    reason = (reason or "").strip()
    if not reason:
        raise AccountError("Give a reason for the rejection; it is sent to the person.", 400, "reason")
    if len(reason) > MAX_REASON_LENGTH:
        raise AccountError(f"The reason is longer than {MAX_REASON_LENGTH} characters.", 400, "reason")
    locked = _lock_for_decision(account, actor)
    if locked.moderation_status != User.Moderation.PENDING:
        raise AccountError(f"{locked.email} is not waiting for approval (status: {locked.get_moderation_status_display().lower()}).", 409)
    locked.moderation_status = User.Moderation.REJECTED
    locked.moderation_reason = reason
    locked.moderated_at = clock.now()
    locked.moderated_by = actor
    locked.save(update_fields=["moderation_status", "moderation_reason", "moderated_at", "moderated_by"])
    record("account.reject", locked, actor=actor, venue=_venue(), email=locked.email, reason=reason)
    transaction.on_commit(lambda: notifications.send_moderation_decision(locked.pk))
    return locked


BULK_LIMIT = 500


@dataclass
class BulkResult:
    """What a bulk decision did: the accounts decided, and those left as they were, each
    with the reason (already decided, own account, no longer there)."""

    action: str
    decided: list[User] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def parse_account_ids(values) -> list[int]:
    ids = []
    for value in values:
        try:
            number = int(value)
        except (TypeError, ValueError):
            continue
        if number > 0 and number not in ids:
            ids.append(number)
    return ids


@transaction.atomic
def accounts_decide_in_bulk(*, account_ids: list[int], actor, action: str, reason: str = "") -> BulkResult:
    """Approve (or reject, with one reason for all) many accounts in one transaction: each
    decision is audited on its own and sends its person one e-mail once the whole batch is
    committed. Accounts that cannot take the decision are skipped with the reason; nothing
    is decided if the request itself is refused."""
    if not policy.can_moderate_accounts(actor):
        raise AccountError("Only program chairs moderate accounts.", 403)
    if action not in ("approve", "reject"):
        raise AccountError("Choose to approve or to reject the selected accounts.", 400)
    if not account_ids:
        raise AccountError("Select at least one account first.", 400)
    if len(account_ids) > BULK_LIMIT:
        raise AccountError(f"Select at most {BULK_LIMIT} accounts at a time.", 400)
    reason = (reason or "").strip()
    if action == "reject":
        if not reason:
            raise AccountError("Give a reason for the rejection; it is sent to each person.", 400, "reason")
        if len(reason) > MAX_REASON_LENGTH:
            raise AccountError(f"The reason is longer than {MAX_REASON_LENGTH} characters.", 400, "reason")
    result = BulkResult(action)
    found = {account.pk: account for account in User.objects.filter(pk__in=account_ids)}
    for account_id in account_ids:
        account = found.get(account_id)
        if account is None:
            result.skipped.append((f"account {account_id}", "This account no longer exists."))
            continue
        try:
            if action == "approve":
                decided = account_approve(account=account, actor=actor)
            else:
                decided = account_reject(account=account, actor=actor, reason=reason)
        except AccountError as error:
            result.skipped.append((account.email, error.message))
            continue
        result.decided.append(decided)
    return result


# --- profile ---------------------------------------------------------------------------------

@dataclass
class AffiliationInput:
    institution: str
    email_domain: str = ""
    start_year: int | None = None
    end_year: int | None = None


@dataclass
class ProfileInput:
    full_name: str
    other_names: list[str] = field(default_factory=list)
    github: str = ""
    huggingface: str = ""
    orcid: str = ""
    website: str = ""


PROFILE_FIELDS = ("full_name", "other_names", "github", "huggingface", "orcid", "website")


def _affiliation_key(a) -> tuple:
    return (a.institution, a.email_domain, a.start_year or 0, a.end_year or 0)


@dataclass(frozen=True)
class ProfileSaved:
    user: User
    papers_rechecked: int  # papers whose anonymity check runs again with what changed


@transaction.atomic
def profile_update(*, user: User, actor, profile: ProfileInput, affiliations: list[AffiliationInput]) -> ProfileSaved:
    """Replace a person's profile and affiliations (already validated by the form)."""
    if actor.pk != user.pk:
        raise AccountError("You can only change your own profile.", 403)
    locked = User.objects.select_for_update().get(pk=user.pk)
    changed = [name for name in PROFILE_FIELDS if getattr(locked, name) != getattr(profile, name)]
    for name in PROFILE_FIELDS:
        setattr(locked, name, getattr(profile, name))
    locked.save(update_fields=list(PROFILE_FIELDS))

    before = sorted(_affiliation_key(a) for a in locked.affiliations.all())
    after = sorted(_affiliation_key(a) for a in affiliations)
    if before != after:
        locked.affiliations.all().delete()
        Affiliation.objects.bulk_create(
            Affiliation(user=locked, institution=a.institution, email_domain=a.email_domain, start_year=a.start_year, end_year=a.end_year)
            for a in affiliations
        )
        changed.append("affiliations")
    rechecked = 0
    if changed:
        record("account.profile_update", locked, actor=actor, fields=changed)
        rechecked = events.announce_identities_changed(user=locked, fields=changed)
    return ProfileSaved(locked, rechecked)
