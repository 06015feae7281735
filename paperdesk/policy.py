"""The access policy: the one place that answers "may this person see or do this?".

Views, the API, exports, e-mails and downloads ask these functions; none decides
visibility on its own. Single objects are fetched with `get_*_for(viewer, public_id)`,
which raises the same 404 for "missing" and "forbidden", so an id reveals nothing.
A conflict overrides every role: a chair who is an author of a paper sees that paper as
its authors see it (issue 4/5 extend this with reviewers, area chairs and conflicts).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from paperdesk import clock
from paperdesk.accounts.models import User
from paperdesk.submissions.models import Authorship, Submission, Upload
from paperdesk.venues.models import Venue, VenueRole


@dataclass(frozen=True)
class Decision:
    """An answer with the reason a person is shown when it is "no"."""

    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


ALLOW = Decision(True)


def _authenticated(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def roles_in(user, venue: Venue) -> set[str]:
    if not _authenticated(user):
        return set()
    cache = getattr(user, "_venue_roles_cache", None)
    if cache is None:
        cache = {}
        user._venue_roles_cache = cache
    if venue.pk not in cache:
        cache[venue.pk] = set(VenueRole.objects.filter(user=user, venue=venue).values_list("role", flat=True))
    return cache[venue.pk]


def is_chair(user, venue: Venue) -> bool:
    return VenueRole.Role.CHAIR in roles_in(user, venue) or (_authenticated(user) and user.is_superuser)


def is_author(user, submission: Submission) -> bool:
    if not _authenticated(user):
        return False
    prefetched = getattr(submission, "_prefetched_objects_cache", {})
    if "authorships" in prefetched:  # lists prefetch authorships: no query per row
        return any(a.user_id == user.pk for a in prefetched["authorships"])
    return Authorship.objects.filter(submission=submission, user=user).exists()


def can_moderate_accounts(user) -> bool:
    if not _authenticated(user):
        return False
    return user.is_superuser or VenueRole.objects.filter(user=user, role=VenueRole.Role.CHAIR).exists()


def can_manage_venue(user, venue: Venue) -> bool:
    return is_chair(user, venue)


# --- submissions: reading ---------------------------------------------------------------

def submissions_visible_to(user, venue: Venue) -> QuerySet[Submission]:
    """Every submission of `venue` this person may see (chairs: all; authors: their own)."""
    base = Submission.objects.filter(venue=venue)
    if not _authenticated(user):
        return base.none()
    if is_chair(user, venue):
        return base
    reviewing = Q(assignments__user=user, assignments__published=True) & ~Q(conflicts__user=user)
    return base.filter(Q(authorships__user=user) | reviewing).distinct()


def my_submissions(user) -> QuerySet[Submission]:
    """Submissions across venues on which this person is an author."""
    if not _authenticated(user):
        return Submission.objects.none()
    return Submission.objects.filter(authorships__user=user).distinct()


def can_view_submission(user, submission: Submission) -> bool:
    return is_author(user, submission) or is_chair(user, submission.venue) or can_review_paper(user, submission)


def can_view_authors(user, submission: Submission) -> bool:
    """Author identities: the authors themselves and the chairs; reviewers only when the
    venue is not double-blind."""
    if is_author(user, submission) or is_chair(user, submission.venue):
        return True
    return not blind_to_authors(submission) and can_review_paper(user, submission)


def get_submission_for(user, public_id: str) -> Submission:
    submission = (
        Submission.objects.select_related("venue", "track", "primary_topic", "contribution_type")
        .filter(public_id=public_id)
        .first()
    )
    if submission is None or not can_view_submission(user, submission):
        raise Http404("No such submission")
    return submission


def can_download(user, upload: Upload) -> bool:
    return can_view_submission(user, upload.submission)


def get_upload_for(user, public_id: str) -> Upload:
    upload = Upload.objects.select_related("submission__venue").filter(public_id=public_id).first()
    if upload is None or not can_download(user, upload):
        raise Http404("No such file")
    return upload


# --- submissions: writing ---------------------------------------------------------------

def submission_window(venue: Venue, submission: Submission | None = None, now=None) -> Decision:
    now = now or clock.now()
    if now < venue.submission_open:
        opens = venue.local(venue.submission_open)
        return Decision(False, f"Submissions open on {opens:%B %d, %Y at %H:%M} ({venue.timezone}).")
    deadline = submission.deadline if submission is not None else venue.submission_deadline
    if now > deadline:
        closed = venue.local(deadline)
        return Decision(False, f"The submission deadline passed on {closed:%B %d, %Y at %H:%M} ({venue.timezone}); submissions are read-only. Contact {venue.contact_email} if this is a problem.")
    return ALLOW


def can_create_submission(user, venue: Venue, now=None) -> Decision:
    if not _authenticated(user):
        return Decision(False, "Sign in to submit a paper.")
    if not user.is_approved:
        return Decision(False, f"Your account is waiting for approval. Contact {venue.contact_email} if this prevents you from submitting.")
    return submission_window(venue, now=now)


def can_edit_submission(user, submission: Submission, now=None) -> Decision:
    if not is_author(user, submission):
        return Decision(False, "Only the authors can change a submission.")
    if submission.status == Submission.Status.WITHDRAWN:
        return Decision(False, "This submission is withdrawn. Restore it first to change it.")
    return submission_window(submission.venue, submission, now)


def can_withdraw(user, submission: Submission, now=None) -> Decision:
    if not is_author(user, submission):
        return Decision(False, "Only the authors can withdraw a submission.")
    if submission.status == Submission.Status.WITHDRAWN:
        return Decision(False, "This submission is already withdrawn.")
    return ALLOW


def can_unwithdraw(user, submission: Submission, now=None) -> Decision:
    if not is_author(user, submission):
        return Decision(False, "Only the authors can restore a submission.")
    if submission.status != Submission.Status.WITHDRAWN:
        return Decision(False, "This submission is not withdrawn.")
    return submission_window(submission.venue, submission, now)


def can_grant_extension(user, submission: Submission) -> Decision:
    if not is_chair(user, submission.venue):
        return Decision(False, "Only chairs grant extensions.")
    if is_author(user, submission):  # a conflict overrides the chair role
        return Decision(False, "You are an author of this submission; another chair must grant its extension.")
    return ALLOW


def chair_venues(user) -> QuerySet[Venue]:
    if not _authenticated(user):
        return Venue.objects.none()
    if user.is_superuser:
        return Venue.objects.all()
    return Venue.objects.filter(Q(roles__user=user, roles__role=VenueRole.Role.CHAIR)).distinct()


# --- accounts ----------------------------------------------------------------------------


def account_standing(user) -> Decision:
    """May this signed-in person use what needs an approved account (submitting, editing)?
    The reason names the status; the accounts status page explains the wait and the contact."""
    if not _authenticated(user):
        return Decision(False, "Sign in first.")
    if user.is_approved:
        return ALLOW
    if user.moderation_status == User.Moderation.REJECTED:
        return Decision(False, "Your account was not approved.")
    return Decision(False, "Your account is waiting for approval by the program chairs.")


def accounts_awaiting_moderation(viewer) -> QuerySet[User]:
    """Accounts waiting for a chair's decision, for those who moderate accounts (else none)."""
    if not can_moderate_accounts(viewer):
        return User.objects.none()
    return User.objects.filter(moderation_status=User.Moderation.PENDING)


def accounts_recently_rejected(viewer) -> QuerySet[User]:
    """Rejected accounts (a decision a moderator may revisit), for moderators only."""
    if not can_moderate_accounts(viewer):
        return User.objects.none()
    return User.objects.filter(moderation_status=User.Moderation.REJECTED)


def get_account_for_moderation(viewer, account_id) -> User:
    """One account a moderator may decide on; the same 404 for "missing" and "forbidden"."""
    if not can_moderate_accounts(viewer):
        raise Http404("No such account")
    try:
        return User.objects.get(pk=int(account_id))
    except (User.DoesNotExist, TypeError, ValueError):
        raise Http404("No such account") from None


# --- reviewing: assignments, conflicts, reviews, discussion, decisions --------------------
#
# Reviewers see a paper only through a published assignment, never its authors (in a
# double-blind venue), and other reviews only after submitting their own when the venue
# says so. A conflict (author of the paper, or a recorded Conflict) overrides every role.


def _reviewing_models():
    from paperdesk.reviewing.models import Assignment, Conflict

    return Assignment, Conflict


def is_conflicted(user, submission: Submission) -> bool:
    if not _authenticated(user):
        return False
    if is_author(user, submission):
        return True
    _, Conflict = _reviewing_models()
    return Conflict.objects.filter(submission=submission, user=user).exists()


def published_assignment(user, submission: Submission, kind: str = "reviewer"):
    if not _authenticated(user):
        return None
    Assignment, _ = _reviewing_models()
    return Assignment.objects.filter(submission=submission, user=user, kind=kind, published=True).first()


def is_assigned_reviewer(user, submission: Submission) -> bool:
    return published_assignment(user, submission) is not None and not is_conflicted(user, submission)


def is_area_chair_of(user, submission: Submission) -> bool:
    return published_assignment(user, submission, "area_chair") is not None and not is_conflicted(user, submission)


def is_unconflicted_chair(user, submission: Submission) -> bool:
    return is_chair(user, submission.venue) and not is_conflicted(user, submission)


def can_review_paper(user, submission: Submission) -> bool:
    """May read the paper as a reviewer does (PDF without author metadata, no authors)."""
    return is_assigned_reviewer(user, submission) or is_area_chair_of(user, submission)


def blind_to_authors(submission: Submission) -> bool:
    return submission.venue.spec.submission.anonymity == "double-blind"


def reviews_released(submission: Submission) -> bool:
    decision = getattr(submission, "decision", None) if hasattr(submission, "decision") else None
    return bool(decision is not None and decision.released_at)


def can_view_reviews(user, submission: Submission) -> bool:
    if is_author(user, submission):
        return reviews_released(submission)
    if is_unconflicted_chair(user, submission) or is_area_chair_of(user, submission):
        return True
    if is_assigned_reviewer(user, submission):
        if not submission.venue.spec.reviewing.reviews_visible_after_own:
            return True
        assignment = published_assignment(user, submission)
        review = getattr(assignment, "review", None) if assignment else None
        return bool(review is not None and review.state == "submitted")
    return False


def can_view_reviewer_identities(user, submission: Submission) -> bool:
    """Who wrote which review: chairs without a conflict only; everyone else sees aliases."""
    return is_unconflicted_chair(user, submission)


def can_view_discussion(user, submission: Submission) -> bool:
    return is_unconflicted_chair(user, submission) or is_area_chair_of(user, submission) or is_assigned_reviewer(user, submission)


def can_view_decision(user, submission: Submission) -> bool:
    if is_author(user, submission):
        return reviews_released(submission)
    return is_unconflicted_chair(user, submission) or is_area_chair_of(user, submission)


def can_bid(user, submission: Submission) -> bool:
    from paperdesk.reviewing.models import PoolMember

    if not _authenticated(user) or submission.status != Submission.Status.SUBMITTED:
        return False
    in_pool = PoolMember.objects.filter(venue=submission.venue, user=user, state=PoolMember.State.ACCEPTED).exists()
    return in_pool and not is_conflicted(user, submission)
