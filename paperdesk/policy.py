"""The access policy: the one place that answers "may this person see or do this?".

Views, the API, exports, e-mails and downloads ask these functions; none decides
visibility on its own. Single objects are fetched with `get_*_for(viewer, public_id)`,
which raises the same 404 for "missing" and "forbidden", so an id reveals nothing.

Every function takes a `Viewer` (one per request: `viewer_for(request)`), or a plain user,
which `as_viewer` turns into a fresh one. A viewer loads its roles and its conflicts (the
papers of a venue it authored or has a recorded Conflict with) once per venue and keeps
them for the request.

A conflict overrides every role: on a paper where a person is conflicted, what they see
and may do is the *intersection* of their roles' rights. A chair who is an author of a
paper (or has a conflict with it) sees that paper as its authors see it: not its reviews,
scores, reviewers, decision before release or check findings beyond what authors see; it
is left out of their aggregates, loads and previews (`hidden_from_aggregates`), and every
action on it (decide, release, assign, desk-reject, contact) is refused.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Union

from django.db.models import Q, QuerySet, Subquery, Value
from django.http import Http404, HttpRequest

from paperdesk import clock
from paperdesk.accounts.models import User
from paperdesk.submissions.models import Authorship, Submission, Upload
from paperdesk.venues.models import Venue, VenueRole

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from paperdesk.audit.models import AuditEntry
    from paperdesk.committee.models import Assignment, Conflict, PoolMember
    from paperdesk.decisions.models import Decision as PaperDecision
    from paperdesk.jobs.models import JobLease
    from paperdesk.mail.models import OutboundEmail
    from paperdesk.reviews.models import MetaReview, Review
    from paperdesk.venueconfig.spec import Outcome


@dataclass(frozen=True)
class Decision:
    """An answer with the reason a person is shown when it is "no"."""

    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


ALLOW = Decision(True)


# --- the viewer -----------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Viewer:
    """Who is asking, built once per request: the user (None when not signed in or
    inactive), and, loaded lazily per venue and then kept, their roles and the ids of the
    papers they authored or have a recorded conflict with. The caches are per object:
    `as_viewer(user)` makes a fresh viewer, so a service that writes and then asks sees
    its own write; `viewer_for(request)` keeps one for the request's reads."""

    user: User | None
    _authored: dict[int, frozenset[int]] = field(default_factory=dict, repr=False)
    _recorded: dict[int, frozenset[int]] = field(default_factory=dict, repr=False)
    _assignments: dict[tuple[int, str], Assignment | None] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, user: User | AnonymousUser | None) -> Viewer:
        active = user is not None and getattr(user, "is_authenticated", False) and getattr(user, "is_active", False)
        return cls(user if active and isinstance(user, User) else None)

    @property
    def pk(self) -> int | None:
        return self.user.pk if self.user is not None else None

    @property
    def user_id(self) -> int:
        """The id for queries: the person's, or one that matches no row when not signed in."""
        return int(self.user.pk) if self.user is not None else -1

    @property
    def is_authenticated(self) -> bool:
        return self.user is not None

    @property
    def is_superuser(self) -> bool:
        return bool(self.user is not None and self.user.is_superuser)

    def roles_in(self, venue: Venue) -> set[str]:
        """The person's roles in `venue` (kept on the user object, as before, so that a
        role granted by a service is seen by `_grant_role`'s cache reset)."""
        user = self.user
        if user is None:
            return set()
        cache: dict[int, set[str]] | None = getattr(user, "_venue_roles_cache", None)
        if cache is None:
            cache = {}
            user._venue_roles_cache = cache  # type: ignore[attr-defined]
        if venue.pk not in cache:
            cache[venue.pk] = set(VenueRole.objects.filter(user=user, venue=venue).values_list("role", flat=True))
        return cache[venue.pk]

    def _load_conflicts(self, venue_id: int) -> None:
        """Authored and recorded conflicts of one venue: one query."""
        from paperdesk.committee.models import Conflict

        authored = Authorship.objects.filter(submission__venue_id=venue_id, user_id=self.user_id).annotate(kind=Value(1)).order_by().values_list("submission_id", "kind")
        recorded = Conflict.objects.filter(submission__venue_id=venue_id, user_id=self.user_id).annotate(kind=Value(2)).order_by().values_list("submission_id", "kind")
        rows = list(authored.union(recorded, all=True))
        self._authored[venue_id] = frozenset(pk for pk, kind in rows if kind == 1)
        self._recorded[venue_id] = frozenset(pk for pk, kind in rows if kind == 2)

    def authored_ids(self, venue_id: int) -> frozenset[int]:
        """Papers of the venue this person is an author of."""
        if self.user is None:
            return frozenset()
        if venue_id not in self._authored:
            self._load_conflicts(venue_id)
        return self._authored[venue_id]

    def conflicted_ids(self, venue_id: int) -> frozenset[int]:
        """Papers of the venue this person is conflicted with: authored, or a recorded
        Conflict (declared by either side or computed)."""
        if self.user is None:
            return frozenset()
        if venue_id not in self._recorded:
            self._load_conflicts(venue_id)
        return self._authored[venue_id] | self._recorded[venue_id]

    def published_assignment(self, submission: Submission, kind: str) -> Assignment | None:
        if self.user is None:
            return None
        key = (submission.pk, kind)
        if key not in self._assignments:
            from paperdesk.committee.models import Assignment

            self._assignments[key] = Assignment.objects.filter(submission=submission, user_id=self.user_id, kind=kind, published=True).first()
        return self._assignments[key]


ViewerLike = Union[Viewer, User, "AnonymousUser", None]


def as_viewer(user_or_viewer: ViewerLike) -> Viewer:
    """The one normalisation: a Viewer is returned as it is, a user becomes a fresh one."""
    if isinstance(user_or_viewer, Viewer):
        return user_or_viewer
    return Viewer.of(user_or_viewer)


def viewer_for(request: HttpRequest) -> Viewer:
    """The request's viewer, built on first use and kept on the request (pages and the API:
    both authentications set `request.user`). For reads: a view that writes asks the
    service with `request.user`, which checks with a fresh viewer."""
    user = getattr(request, "user", None)
    cached: Viewer | None = getattr(request, "_paperdesk_viewer", None)
    fresh = Viewer.of(user)
    if cached is None or cached.user is not fresh.user:  # a login or logout in this request
        cached = fresh
        request._paperdesk_viewer = cached  # type: ignore[attr-defined]
    return cached


def _authenticated(user: ViewerLike) -> bool:
    return as_viewer(user).is_authenticated


def roles_in(user: ViewerLike, venue: Venue) -> set[str]:
    return as_viewer(user).roles_in(venue)


def is_chair(user: ViewerLike, venue: Venue) -> bool:
    viewer = as_viewer(user)
    return viewer.is_superuser or VenueRole.Role.CHAIR in viewer.roles_in(venue)


def is_author(user: ViewerLike, submission: Submission) -> bool:
    viewer = as_viewer(user)
    if not viewer.is_authenticated:
        return False
    prefetched = getattr(submission, "_prefetched_objects_cache", {})
    if "authorships" in prefetched:  # lists prefetch authorships: no query per row
        return any(a.user_id == viewer.pk for a in prefetched["authorships"])
    return submission.pk in viewer.authored_ids(submission.venue_id)


def can_moderate_accounts(user: ViewerLike, chaired_venues: list[Venue] | QuerySet[Venue] | None = None) -> bool:
    """Chairs of any venue moderate the (global) accounts. `chaired_venues`, when the
    caller already has `chair_venues(user)`, saves the query."""
    viewer = as_viewer(user)
    if not viewer.is_authenticated:
        return False
    if chaired_venues is not None:
        return viewer.is_superuser or bool(chaired_venues)
    return viewer.is_superuser or VenueRole.objects.filter(user_id=viewer.user_id, role=VenueRole.Role.CHAIR).exists()


def can_manage_venue(user: ViewerLike, venue: Venue) -> bool:
    return is_chair(user, venue)


def can_view_venue(user: ViewerLike, venue: Venue) -> bool:
    """A venue's public pages (call for papers, dates, the reviewing hub, the API's venue
    facts): everyone, signed in or not. What a person may do there is asked of each
    action's own predicate."""
    return True


def can_edit_venue_settings(user: ViewerLike, venue: Venue) -> Decision:
    """The venue's settings (dates, tracks, review form, ...) concern no paper in
    particular: every chair of the venue reads, edits, exports and uploads them, also one
    who is conflicted with (or an author of) some paper."""
    if not is_chair(user, venue):
        return Decision(False, "Only the venue's program chairs see and change its settings.")
    return ALLOW


# --- submissions: reading ---------------------------------------------------------------

def submissions_visible_to(user: ViewerLike, venue: Venue) -> QuerySet[Submission]:
    """Every submission of `venue` this person may see (chairs: all; authors: their own)."""
    viewer = as_viewer(user)
    base = Submission.objects.filter(venue=venue)
    if not viewer.is_authenticated:
        return base.none()
    if is_chair(viewer, venue):
        return base
    reviewing = Q(assignments__user_id=viewer.user_id, assignments__published=True) & ~Q(conflicts__user_id=viewer.user_id)
    return base.filter(Q(authorships__user_id=viewer.user_id) | reviewing).distinct()


def my_submissions(user: ViewerLike) -> QuerySet[Submission]:
    """Submissions across venues on which this person is an author."""
    viewer = as_viewer(user)
    if not viewer.is_authenticated:
        return Submission.objects.none()
    return Submission.objects.filter(authorships__user_id=viewer.user_id).distinct()


def can_view_submission(user: ViewerLike, submission: Submission) -> bool:
    viewer = as_viewer(user)
    return is_author(viewer, submission) or is_chair(viewer, submission.venue) or can_review_paper(viewer, submission)


def can_view_authors(user: ViewerLike, submission: Submission) -> bool:
    """Author identities: the authors themselves and the chairs; reviewers only when the
    venue is not double-blind."""
    viewer = as_viewer(user)
    if is_author(viewer, submission) or is_chair(viewer, submission.venue):
        return True
    return not blind_to_authors(submission) and can_review_paper(viewer, submission)


def get_submission_for(user: ViewerLike, public_id: str) -> Submission:
    submission = (
        Submission.objects.select_related("venue", "track", "primary_topic", "contribution_type")
        .filter(public_id=public_id)
        .first()
    )
    if submission is None or not can_view_submission(user, submission):
        raise Http404("No such submission")
    return submission


def can_download(user: ViewerLike, upload: Upload) -> bool:
    """The file as uploaded (with its metadata): the authors and the chairs. Reviewers read
    the paper through the reviews app, which serves it with author metadata removed."""
    viewer = as_viewer(user)
    submission = upload.submission
    return is_author(viewer, submission) or is_chair(viewer, submission.venue)


def get_upload_for(user: ViewerLike, public_id: str) -> Upload:
    upload = Upload.objects.select_related("submission__venue").filter(public_id=public_id).first()
    if upload is None or not can_download(user, upload):
        raise Http404("No such file")
    return upload


# --- field-level answers: what of a submission, upload or check report one viewer sees -----


def can_view_original_file_hash(user: ViewerLike, submission: Submission) -> bool:
    """The SHA-256 of the files as uploaded identifies the original, metadata-bearing PDF:
    those who may download those files (authors, chairs) and no one else."""
    viewer = as_viewer(user)
    return is_author(viewer, submission) or is_chair(viewer, submission.venue)


def can_view_upload_hash(user: ViewerLike, upload: Upload) -> bool:
    """One upload's SHA-256: as `can_view_original_file_hash` for its submission."""
    return can_view_original_file_hash(user, upload.submission)


def can_view_upload_name(user: ViewerLike, upload: Upload) -> bool:
    """File names often carry a surname: those who may see the authors."""
    return can_view_authors(user, upload.submission)


def can_view_check_findings(user: ViewerLike, submission: Submission) -> bool:
    """The checker's report with its findings: what leaked (it quotes author names, the
    PDF's metadata), how many leaks, the blocking reasons. The authors, and the chairs
    without a conflict. Reviewers and area chairs learn nothing about anonymity findings,
    not even that there are any."""
    viewer = as_viewer(user)
    return is_author(viewer, submission) or is_unconflicted_chair(viewer, submission)


def can_view_archival_matches(user: ViewerLike, submission: Submission) -> bool:
    """Published work whose title and authors match the paper (the archival listing's
    record names people, maybe the authors): the chairs without a conflict only."""
    return is_unconflicted_chair(user, submission)


def can_dismiss_archival_match(user: ViewerLike, submission: Submission) -> Decision:
    if not is_unconflicted_chair(user, submission):
        return Decision(False, "Only the venue's chairs without a conflict with this paper judge its archival matches.")
    return ALLOW


def can_view_integrity_hints(user: ViewerLike, submission: Submission) -> bool:
    """Review-integrity hints (near-identical reviews, short reviews, references that do not
    resolve): for those who read the paper's reviews to judge them, the chairs without a
    conflict and the paper's area chair; never reviewers (a hint names another review) nor
    authors."""
    viewer = as_viewer(user)
    return is_unconflicted_chair(viewer, submission) or is_area_chair_of(viewer, submission)


def get_check_submission_for(user: ViewerLike, public_id: str) -> Submission:
    """The submission whose check report (the polled fragment) this person may read; the
    same 404 as for a missing one otherwise."""
    viewer = as_viewer(user)
    submission = Submission.objects.select_related("venue").filter(public_id=public_id).first()
    if submission is None or not can_view_check_findings(viewer, submission):
        raise Http404("No such submission")
    return submission


def can_view_format_check(user: ViewerLike, submission: Submission) -> bool:
    """The non-identifying part of the check (pages, page limit, format notes with author
    names redacted): whoever reads the paper, reviewers included."""
    viewer = as_viewer(user)
    return can_view_check_findings(viewer, submission) or can_review_paper(viewer, submission)


def can_view_paper_number(user: ViewerLike, submission: Submission) -> bool:
    """The paper's number (the chairs' handle; numbers follow submission order)."""
    return is_chair(user, submission.venue)


# --- submissions: writing ---------------------------------------------------------------

def submission_window(venue: Venue, submission: Submission | None = None, now: dt.datetime | None = None) -> Decision:
    now = now or clock.now()
    if now < venue.submission_open:
        return Decision(False, f"Submissions open on {venue.moment_text(venue.submission_open)}.")
    deadline = submission.deadline if submission is not None else venue.submission_deadline
    if now > deadline:
        return Decision(False, f"The submission deadline passed on {venue.moment_text(deadline)}; submissions are read-only. Contact {venue.contact_email} if this is a problem.")
    return ALLOW


def can_create_submission(user: ViewerLike, venue: Venue, now: dt.datetime | None = None) -> Decision:
    viewer = as_viewer(user)
    if viewer.user is None:
        return Decision(False, "Sign in to submit a paper.")
    if not viewer.user.is_approved:
        return Decision(False, f"Your account is waiting for approval. Contact {venue.contact_email} if this prevents you from submitting.")
    return submission_window(venue, now=now)


def _read_only_until_approved(user: ViewerLike, submission: Submission) -> Decision:
    """An author whose account is not approved (a co-author who just signed up and waits)
    reads the submission but changes nothing: no form is offered that the moderation
    would refuse on save, dropping what they typed."""
    standing = account_standing(user)
    if standing:
        return ALLOW
    return Decision(False, f"{standing.reason} Until it is approved you can read this submission but not change it "
                           f"(your co-authors can). Write to {submission.venue.contact_email} if this is urgent.")


def can_edit_submission(user: ViewerLike, submission: Submission, now: dt.datetime | None = None) -> Decision:
    if not is_author(user, submission):
        return Decision(False, "Only the authors can change a submission.")
    if not (standing := _read_only_until_approved(user, submission)):
        return standing
    if submission.status == Submission.Status.WITHDRAWN:
        return Decision(False, "This submission is withdrawn. Restore it first to change it.")
    if submission.status == Submission.Status.DESK_REJECTED:
        return Decision(False, f"This submission was desk-rejected by the chairs: {submission.desk_reject_reason} Write to {submission.venue.contact_email} if you think this is a mistake.")
    return submission_window(submission.venue, submission, now)


def can_desk_reject(user: ViewerLike, submission: Submission) -> Decision:
    viewer = as_viewer(user)
    if not is_chair(viewer, submission.venue):
        return Decision(False, "Only chairs desk-reject submissions.")
    if is_conflicted(viewer, submission):
        return Decision(False, "You have a conflict with this submission; another chair must decide on it.")
    return ALLOW


def can_contact_authors(user: ViewerLike, submission: Submission) -> Decision:
    return can_desk_reject(user, submission)


def can_withdraw(user: ViewerLike, submission: Submission, now: dt.datetime | None = None) -> Decision:
    if not is_author(user, submission):
        return Decision(False, "Only the authors can withdraw a submission.")
    if not (standing := _read_only_until_approved(user, submission)):
        return standing
    if submission.status == Submission.Status.DESK_REJECTED:
        return Decision(False, "This submission was desk-rejected; it cannot be withdrawn.")
    if submission.status == Submission.Status.WITHDRAWN:
        return Decision(False, "This submission is already withdrawn.")
    return ALLOW


def can_unwithdraw(user: ViewerLike, submission: Submission, now: dt.datetime | None = None) -> Decision:
    if not is_author(user, submission):
        return Decision(False, "Only the authors can restore a submission.")
    if submission.status != Submission.Status.WITHDRAWN:
        return Decision(False, "This submission is not withdrawn.")
    if not (standing := _read_only_until_approved(user, submission)):
        return standing
    return submission_window(submission.venue, submission, now)


def can_grant_extension(user: ViewerLike, submission: Submission) -> Decision:
    viewer = as_viewer(user)
    if not is_chair(viewer, submission.venue):
        return Decision(False, "Only chairs grant extensions.")
    if is_conflicted(viewer, submission):  # a conflict overrides the chair role
        if is_author(viewer, submission):
            return Decision(False, "You are an author of this submission; another chair must grant its extension.")
        return Decision(False, "You have a conflict with this submission; another chair must grant its extension.")
    return ALLOW


def chair_venues(user: ViewerLike) -> QuerySet[Venue]:
    viewer = as_viewer(user)
    if not viewer.is_authenticated:
        return Venue.objects.none()
    if viewer.is_superuser:
        return Venue.objects.all()
    return Venue.objects.filter(Q(roles__user_id=viewer.user_id, roles__role=VenueRole.Role.CHAIR)).distinct()


# --- accounts ----------------------------------------------------------------------------


def account_standing(user: ViewerLike) -> Decision:
    """May this signed-in person use what needs an approved account (submitting, editing)?
    The reason names the status; the accounts status page explains the wait and the contact."""
    viewer = as_viewer(user)
    if viewer.user is None:
        return Decision(False, "Sign in first.")
    if viewer.user.is_approved:
        return ALLOW
    if viewer.user.moderation_status == User.Moderation.REJECTED:
        return Decision(False, "Your account was not approved.")
    return Decision(False, "Your account is waiting for approval by the program chairs.")


def accounts_awaiting_moderation(viewer: ViewerLike) -> QuerySet[User]:
    """Accounts waiting for a chair's decision, for those who moderate accounts (else none)."""
    if not can_moderate_accounts(viewer):
        return User.objects.none()
    return User.objects.filter(moderation_status=User.Moderation.PENDING)


def accounts_recently_rejected(viewer: ViewerLike) -> QuerySet[User]:
    """Rejected accounts (a decision a moderator may revisit), for moderators only."""
    if not can_moderate_accounts(viewer):
        return User.objects.none()
    return User.objects.filter(moderation_status=User.Moderation.REJECTED)


def accounts_for_moderation(viewer: ViewerLike) -> QuerySet[User]:
    """Every account a moderator may decide on (a bulk decision's selection), else none."""
    if not can_moderate_accounts(viewer):
        return User.objects.none()
    return User.objects.all()


def venue_knowledge_of_accounts(viewer: ViewerLike, venue: Venue) -> dict[str, Subquery] | None:
    """For a queryset of accounts (the moderation queue): annotations saying whether each
    person is already an author of one of the venue's submissions (by account, or listed by
    address and not declined: `is_venue_author`) and their place in its reviewer pool
    (`pool_role`, `pool_state`: invited, volunteered or accepted). For the venue's chairs
    only (None for anyone else): a chair of another venue moderates accounts without
    learning who submitted here or who reviews for it."""
    from django.db.models import Exists, OuterRef, Subquery

    from paperdesk.committee.models import PoolMember

    if not is_chair(viewer, venue):
        return None
    same_person = Q(user=OuterRef("pk")) | Q(email__iexact=OuterRef("email"))
    authored = Authorship.objects.filter(submission__venue=venue, declined_at__isnull=True).filter(same_person)
    pool = PoolMember.objects.filter(venue=venue).exclude(
        state__in=[PoolMember.State.DECLINED, PoolMember.State.NOT_SELECTED]).filter(same_person).order_by("role", "pk")
    return {
        "is_venue_author": Exists(authored),
        "pool_role": Subquery(pool.values("role")[:1]),
        "pool_state": Subquery(pool.values("state")[:1]),
    }


def get_account_for_moderation(viewer: ViewerLike, account_id: object) -> User:
    """One account a moderator may decide on; the same 404 for "missing" and "forbidden"."""
    if not can_moderate_accounts(viewer):
        raise Http404("No such account")
    try:
        return User.objects.get(pk=int(account_id))  # type: ignore[call-overload]
    except (User.DoesNotExist, TypeError, ValueError):
        raise Http404("No such account") from None


# --- reviewing: assignments, conflicts, reviews, discussion, decisions --------------------
#
# Reviewers see a paper only through a published assignment, never its authors (in a
# double-blind venue), and other reviews only after submitting their own when the venue
# says so. A conflict (author of the paper, or a recorded Conflict) overrides every role.


def _reviewing_models() -> tuple[type[Assignment], type[Conflict]]:
    from paperdesk.committee.models import Assignment, Conflict

    return Assignment, Conflict


def is_conflicted(user: ViewerLike, submission: Submission) -> bool:
    viewer = as_viewer(user)
    if not viewer.is_authenticated:
        return False
    return is_author(viewer, submission) or submission.pk in viewer.conflicted_ids(submission.venue_id)


def published_assignment(user: ViewerLike, submission: Submission, kind: str = "reviewer") -> Assignment | None:
    return as_viewer(user).published_assignment(submission, kind)


def is_assigned_reviewer(user: ViewerLike, submission: Submission) -> bool:
    viewer = as_viewer(user)
    return published_assignment(viewer, submission) is not None and not is_conflicted(viewer, submission)


def is_area_chair_of(user: ViewerLike, submission: Submission) -> bool:
    viewer = as_viewer(user)
    return published_assignment(viewer, submission, "area_chair") is not None and not is_conflicted(viewer, submission)


def is_unconflicted_chair(user: ViewerLike, submission: Submission) -> bool:
    viewer = as_viewer(user)
    return is_chair(viewer, submission.venue) and not is_conflicted(viewer, submission)


def can_review_paper(user: ViewerLike, submission: Submission) -> bool:
    """May read the paper as a reviewer does (PDF without author metadata, no authors)."""
    viewer = as_viewer(user)
    return is_assigned_reviewer(viewer, submission) or is_area_chair_of(viewer, submission)


def blind_to_authors(submission: Submission) -> bool:
    return bool(submission.venue.spec.submission.anonymity == "double-blind")


def reviews_released(submission: Submission) -> bool:
    decision = _decision_of(submission)
    return bool(decision is not None and decision.released_at)


def can_view_reviews(user: ViewerLike, submission: Submission) -> bool:
    viewer = as_viewer(user)
    if is_author(viewer, submission):
        return reviews_released(submission) or author_response_started(submission)
    if is_unconflicted_chair(viewer, submission) or is_area_chair_of(viewer, submission):
        return True
    if is_assigned_reviewer(viewer, submission):
        if not submission.venue.spec.reviewing.reviews_visible_after_own:
            return True
        assignment = published_assignment(viewer, submission)
        review = getattr(assignment, "review", None) if assignment else None
        return bool(review is not None and review.state == "submitted")
    return False


def can_view_scores(user: ViewerLike, submission: Submission) -> bool:
    """A paper's scores (and anything computed from them): whoever may read its reviews."""
    return can_view_reviews(user, submission)


def can_view_reviewer_identities(user: ViewerLike, submission: Submission) -> bool:
    """Who wrote which review: chairs without a conflict; the paper's (unconflicted) area
    chair when the venue lets area chairs see reviewer names (on by default, as in
    OpenReview); everyone else sees aliases."""
    viewer = as_viewer(user)
    if is_unconflicted_chair(viewer, submission):
        return True
    return bool(submission.venue.spec.reviewing.area_chairs_see_reviewer_names) and is_area_chair_of(viewer, submission)


def can_view_discussion(user: ViewerLike, submission: Submission) -> bool:
    """Chairs without a conflict and the area chair always; a reviewer once they may read the
    other reviews (the discussion is about them). Authors and conflicted people never."""
    viewer = as_viewer(user)
    if is_unconflicted_chair(viewer, submission) or is_area_chair_of(viewer, submission):
        return True
    return is_assigned_reviewer(viewer, submission) and can_view_reviews(viewer, submission)


def can_view_decision(user: ViewerLike, submission: Submission) -> bool:
    viewer = as_viewer(user)
    if is_author(viewer, submission):
        return reviews_released(submission)
    return is_unconflicted_chair(viewer, submission) or is_area_chair_of(viewer, submission)


def can_bid(user: ViewerLike, submission: Submission) -> bool:
    from paperdesk.committee.models import PoolMember

    viewer = as_viewer(user)
    if not viewer.is_authenticated or submission.status != Submission.Status.SUBMITTED:
        return False
    in_pool = PoolMember.objects.filter(venue=submission.venue, user_id=viewer.user_id, state=PoolMember.State.ACCEPTED).exists()
    return in_pool and not is_conflicted(viewer, submission)


# --- reviews and decisions ---------------------------------------------------------------
#
# Reviews are written by a paper's unconflicted, published reviewers until the review
# deadline; after it a review not yet submitted may still be submitted (marked late) while a
# submitted review is final. Everyone but the unconflicted chairs sees reviewers by their
# per-paper alias. Authors see nothing of the reviewing (reviews, meta-review, decision)
# until the chairs release the decisions, and then only what the form lets authors see.


def _decision_of(submission: Submission) -> PaperDecision | None:
    from paperdesk.decisions.models import Decision as PaperDecision

    try:
        return submission.decision
    except PaperDecision.DoesNotExist:
        return None


def review_deadline_passed(venue: Venue, now: dt.datetime | None = None) -> bool:
    return bool((now or clock.now()) > venue.review_deadline)


def review_deadline_of(assignment: Assignment) -> dt.datetime:
    """One reviewer's review deadline on one paper: their own (an extension, or an emergency
    reviewer's shorter one) when the chairs set it, else the venue's."""
    return assignment.deadline or assignment.submission.venue.review_deadline


def assignment_deadline_passed(assignment: Assignment, now: dt.datetime | None = None) -> bool:
    return bool((now or clock.now()) > review_deadline_of(assignment))


def can_chase_reviews(user: ViewerLike, submission: Submission) -> Decision:
    """Remind a paper's late reviewers, extend their deadline: the unconflicted chairs and
    the paper's (unconflicted) area chair."""
    viewer = as_viewer(user)
    if is_unconflicted_chair(viewer, submission) or is_area_chair_of(viewer, submission):
        return ALLOW
    return Decision(False, "Only the chairs and the paper's area chair chase its reviews.")


def can_give_back_paper(user: ViewerLike, submission: Submission) -> Decision:
    """A reviewer declines a paper assigned to them, or flags a conflict with it: while
    their review is not submitted and the decision is not released."""
    viewer = as_viewer(user)
    assignment = published_assignment(viewer, submission)
    if assignment is None or is_author(viewer, submission):
        return Decision(False, "You are not a reviewer of this paper.")
    if reviews_released(submission):
        return Decision(False, "The decision on this paper has been released; its reviews are closed.")
    review = getattr(assignment, "review", None)
    if review is not None and review.state == "submitted":
        return Decision(False, f"Your review is submitted; write to {submission.venue.contact_email} if you must withdraw it.")
    return ALLOW


def can_write_review(user: ViewerLike, submission: Submission, now: dt.datetime | None = None) -> Decision:
    """May this person save or submit their review of this paper now?"""
    viewer = as_viewer(user)
    if not is_assigned_reviewer(viewer, submission):
        return Decision(False, "You are not a reviewer of this paper, so you cannot review it.")
    if submission.status == Submission.Status.WITHDRAWN:
        return Decision(False, "This paper was withdrawn by its authors; it needs no review.")
    if reviews_released(submission):
        return Decision(False, "The decision on this paper has been released; its reviews are closed.")
    assignment = published_assignment(viewer, submission)
    review = getattr(assignment, "review", None) if assignment else None
    venue = submission.venue
    if (review is not None and review.state == "submitted" and assignment is not None and assignment_deadline_passed(assignment, now)
            and not author_response_started(submission, now)):  # after the authors' response: updated until the release
        return Decision(False, f"The review deadline passed on {venue.moment_text(review_deadline_of(assignment))}; a submitted review can no longer be changed. Write to {venue.contact_email} if something must be corrected.")
    return ALLOW


def can_view_review(user: ViewerLike, review: Review) -> bool:
    """One review, the rule every list of reviews applies (`reviews.selectors`): its writer
    always (drafts too) unless a conflict voids their assignment; others only once it is
    submitted, if they may read the paper's reviews, and never a review whose assignment a
    conflict voids (no review is due from a conflicted reviewer)."""
    viewer = as_viewer(user)
    assignment = review.assignment
    submission = assignment.submission
    if not assignment.published or _assignment_voided(assignment):
        return False
    if viewer.is_authenticated and assignment.user_id == viewer.pk:
        return not is_conflicted(viewer, submission)
    return review.state == "submitted" and can_view_reviews(viewer, submission)


def _assignment_voided(assignment: Assignment) -> bool:
    """A conflict recorded (or an authorship added) after the assignment voids it."""
    voided: bool | None = getattr(assignment, "_voided", None)
    if voided is None:
        _, Conflict = _reviewing_models()
        voided = (Conflict.objects.filter(submission_id=assignment.submission_id, user_id=assignment.user_id).exists()
                  or Authorship.objects.filter(submission_id=assignment.submission_id, user_id=assignment.user_id).exists())
        assignment._voided = voided  # type: ignore[attr-defined]
    return voided


def can_view_chair_only_answers(user: ViewerLike, submission: Submission) -> bool:
    """Comments to the chairs: the unconflicted chairs and the paper's area chair."""
    viewer = as_viewer(user)
    return is_unconflicted_chair(viewer, submission) or is_area_chair_of(viewer, submission)


def can_view_hidden_from_authors(user: ViewerLike, submission: Submission) -> bool:
    """Answers the form keeps from the authors (`authors_see = false`)."""
    viewer = as_viewer(user)
    return can_view_reviews(viewer, submission) and not is_author(viewer, submission)


def can_rate_review(user: ViewerLike, review: Review) -> Decision:
    """Rate how useful a submitted review is (1-3 with a note): the paper's unconflicted
    chairs and its area chair; never the review's own writer."""
    viewer = as_viewer(user)
    submission = review.assignment.submission
    if not (is_unconflicted_chair(viewer, submission) or is_area_chair_of(viewer, submission)):
        return Decision(False, "Only the chairs and the paper's area chair rate its reviews.")
    if review.assignment.user_id == viewer.pk or not can_view_review(viewer, review) or review.state != "submitted":
        return Decision(False, "Only a submitted review of someone else can be rated.")
    return ALLOW


def can_view_review_ratings(user: ViewerLike, submission: Submission) -> bool:
    """Every rating of a paper's reviews, with who rated: the unconflicted chairs. The area
    chair reads back the ratings they gave; a reviewer only their own average and count."""
    return is_unconflicted_chair(user, submission)


# --- the author response (rebuttal) ---------------------------------------------------------
#
# Optional per venue (`[author_response]` in the venue file). Its phase is a state of the
# policy: from `opens` the authors read their paper's reviews (what the form lets authors
# see), before the decisions are released; until `closes` they write and edit one response.


def author_response_window(venue: Venue) -> tuple[dt.datetime, dt.datetime] | None:
    """The response phase's opening and closing moments (aware), None when the venue has none."""
    rules = venue.spec.author_response
    if not rules.enabled or rules.opens is None or rules.closes is None:
        return None
    tz = venue.tzinfo
    return rules.opens.replace(tzinfo=tz), rules.closes.replace(tzinfo=tz)


def author_response_started(submission: Submission, now: dt.datetime | None = None) -> bool:
    window = author_response_window(submission.venue)
    return window is not None and (now or clock.now()) >= window[0] and submission.status == Submission.Status.SUBMITTED


def can_write_author_response(user: ViewerLike, submission: Submission, now: dt.datetime | None = None) -> Decision:
    viewer = as_viewer(user)
    window = author_response_window(submission.venue)
    if window is None or not is_author(viewer, submission):
        return Decision(False, "This venue has no author response.")
    if submission.status != Submission.Status.SUBMITTED:
        return Decision(False, "Only a submitted paper gets a response.")
    if reviews_released(submission):
        return Decision(False, "The decision on this paper has been released; the response is closed.")
    moment, venue = now or clock.now(), submission.venue
    if moment < window[0]:
        return Decision(False, f"The author response opens on {venue.moment_text(window[0])}.")
    if moment > window[1]:
        return Decision(False, f"The author response closed on {venue.moment_text(window[1])}.")
    return ALLOW


def can_view_author_response(user: ViewerLike, submission: Submission) -> bool:
    """The paper's authors, the unconflicted chairs always; its area chair and reviewers when
    the venue lets them read it (they read it under "Authors", never names)."""
    viewer = as_viewer(user)
    if author_response_window(submission.venue) is None:
        return False
    if is_author(viewer, submission) or is_unconflicted_chair(viewer, submission):
        return True
    rules = submission.venue.spec.author_response
    if is_area_chair_of(viewer, submission):
        return bool(rules.area_chairs_read)
    return bool(rules.reviewers_read) and is_assigned_reviewer(viewer, submission)


def reviewer_label(viewer: ViewerLike, assignment: Assignment) -> str:
    """How a reviewer (or area chair) appears to this viewer: the alias, plus the name for
    those who may see reviewer identities."""
    if can_view_reviewer_identities(viewer, assignment.submission):
        return f"{assignment.alias} ({assignment.user.display_name})"
    return str(assignment.alias)


def can_post_discussion(user: ViewerLike, submission: Submission) -> Decision:
    if not can_view_discussion(user, submission):
        return Decision(False, "You cannot take part in the discussion of this paper.")
    if submission.status == Submission.Status.WITHDRAWN:
        return Decision(False, "This paper was withdrawn; its discussion is closed.")
    return ALLOW


def can_write_meta_review(user: ViewerLike, submission: Submission) -> Decision:
    viewer = as_viewer(user)
    if not (is_area_chair_of(viewer, submission) or is_unconflicted_chair(viewer, submission)):
        return Decision(False, "Only the paper's area chair and the program chairs write its meta-review.")
    if reviews_released(submission):
        return Decision(False, "The decision on this paper has been released; the meta-review is final.")
    return ALLOW


def can_view_meta_review(user: ViewerLike, submission: Submission, meta_review: MetaReview | None) -> bool:
    viewer = as_viewer(user)
    if meta_review is None:
        return False
    if is_author(viewer, submission):
        return reviews_released(submission) and meta_review.submitted
    if is_unconflicted_chair(viewer, submission) or is_area_chair_of(viewer, submission):
        return True
    return meta_review.submitted and is_assigned_reviewer(viewer, submission) and can_view_reviews(viewer, submission)


def can_decide(user: ViewerLike, submission: Submission) -> Decision:
    viewer = as_viewer(user)
    if not is_chair(viewer, submission.venue):
        return Decision(False, "Only the program chairs decide.")
    if is_conflicted(viewer, submission):
        return Decision(False, f"You have a conflict with paper #{submission.number}; another chair must decide it.")
    if reviews_released(submission):
        return Decision(False, f"The decision on paper #{submission.number} has already been released to its authors.")
    return ALLOW


def can_release_decisions(user: ViewerLike, venue: Venue) -> Decision:
    """The release page and starting or resuming a wave: the chairs. Which decisions a
    chair's wave contains is `can_release_decision`: never one they are conflicted with."""
    if not is_chair(user, venue):
        return Decision(False, "Only the program chairs release decisions.")
    return ALLOW


RELEASE_CONFLICT_NOTE = ("Papers you have a conflict with (as an author, or a declared or computed conflict) are never in a "
                         "wave you release, nor counted or previewed here: another program chair releases their decisions.")


def can_release_decision(user: ViewerLike, submission: Submission) -> Decision:
    """May this chair release this paper's decision (put it in their wave)? Not a paper
    they are conflicted with: a chair who is also an author must not learn their paper's
    decision early, nor release it themselves; another chair releases it."""
    viewer = as_viewer(user)
    if not is_chair(viewer, submission.venue):
        return Decision(False, "Only the program chairs release decisions.")
    if is_conflicted(viewer, submission):
        return Decision(False, f"You have a conflict with paper #{submission.number}; another chair must release its decision.")
    return ALLOW


RESUME_CONFLICT_REASON = ("This wave holds decisions of papers you have a conflict with (as an author, or a declared or computed "
                          "conflict): another program chair resumes its sending.")


def can_resume_release(user: ViewerLike, venue: Venue, submission_ids: set[int] | frozenset[int]) -> Decision:
    """May this chair start the sending of a wave again (its decisions are those of
    `submission_ids`)? As for starting one (`can_release_decision`): never a wave that holds
    a paper they are conflicted with; another chair resumes it. The reason names no paper."""
    viewer = as_viewer(user)
    decision = can_release_decisions(viewer, venue)
    if not decision:
        return decision
    if viewer.conflicted_ids(venue.pk) & set(submission_ids):
        return Decision(False, RESUME_CONFLICT_REASON)
    return ALLOW


def hidden_from_aggregates(user: ViewerLike, venue: Venue) -> frozenset[int]:
    """Papers left out of every count, chart, load, preview and export statistic this
    viewer sees: those they are conflicted with. A count that includes such a paper would
    change when a hidden fact about it changes (a score, a reviewer, a decision)."""
    return as_viewer(user).conflicted_ids(venue.pk)


def outcome_of(venue: Venue, slug: str) -> Outcome | None:
    for outcome in venue.spec.outcomes:
        if outcome.slug == slug:
            return outcome
    return None


def is_accepted(decision: PaperDecision | None) -> bool:
    outcome = outcome_of(decision.submission.venue, decision.outcome) if decision is not None else None
    return bool(outcome and outcome.accepted)


def camera_ready_deadline(submission: Submission) -> dt.datetime:
    """The venue's camera-ready deadline, or the later one a chair granted this paper (as
    submission deadlines honour per-paper extensions)."""
    from paperdesk.cameraready.models import CameraReady

    extension = CameraReady.objects.filter(submission=submission).values_list("deadline_extension", flat=True).first()
    deadline: dt.datetime = submission.venue.camera_ready_deadline
    return extension if extension and extension > deadline else deadline


def _camera_ready_open(user: ViewerLike, submission: Submission, now: dt.datetime | None, not_author: str) -> Decision:
    if not is_author(user, submission):
        return Decision(False, not_author)
    decision = _decision_of(submission)
    venue = submission.venue
    if decision is None or not decision.released_at:
        return Decision(False, "The decision on this paper has not been released yet.")
    if submission.status == Submission.Status.WITHDRAWN or not is_accepted(decision):
        return Decision(False, "Only accepted papers have a camera-ready version; this paper was not accepted.")
    deadline = camera_ready_deadline(submission)
    if (now or clock.now()) > deadline:
        return Decision(False, f"The camera-ready deadline passed on {venue.moment_text(deadline)}. Write to {venue.contact_email} if this is a problem.")
    return ALLOW


def can_upload_camera_ready(user: ViewerLike, submission: Submission, now: dt.datetime | None = None) -> Decision:
    return _camera_ready_open(user, submission, now, "Only the authors upload the camera-ready version.")


def can_edit_camera_ready_metadata(user: ViewerLike, submission: Submission, now: dt.datetime | None = None) -> Decision:
    """The published title, abstract, author names, affiliations, order and links."""
    return _camera_ready_open(user, submission, now, "Only the authors change the published details of their paper.")


def can_follow_camera_ready(user: ViewerLike, venue: Venue) -> Decision:
    """The chairs' camera-ready status page, its CSV and the reminders to authors."""
    if not is_chair(user, venue):
        return Decision(False, "Only the program chairs follow the camera-ready versions.")
    return ALLOW


def accepted_papers(venue: Venue) -> QuerySet[Submission]:
    """The public program: accepted, released, not withdrawn."""
    accepted = [o.slug for o in venue.spec.outcomes if o.accepted]
    return Submission.objects.filter(
        venue=venue, decision__released_at__isnull=False, decision__outcome__in=accepted,
    ).exclude(status=Submission.Status.WITHDRAWN)


def program_published_at(venue: Venue) -> dt.datetime | None:
    """When the chairs published (or scheduled) the venue's program; None: not published."""
    from paperdesk.cameraready.models import ProgramPublication

    return ProgramPublication.objects.filter(venue=venue).values_list("published_at", flat=True).first()


def program_is_public(venue: Venue, now: dt.datetime | None = None) -> bool:
    """The public page and the program JSON list accepted papers only once a chair published
    the program (releasing the decisions publishes nothing), from its scheduled moment on."""
    published_at = program_published_at(venue)
    return published_at is not None and published_at <= (now or clock.now())


def can_publish_program(user: ViewerLike, venue: Venue) -> Decision:
    if not is_chair(user, venue):
        return Decision(False, "Only the program chairs publish the program.")
    return ALLOW


def public_program_papers(venue: Venue, now: dt.datetime | None = None) -> QuerySet[Submission]:
    """The accepted papers anyone may see on the public page: none before the program is
    public; then those whose authors confirmed their camera-ready details, and, if the
    chairs chose to list them as "to be confirmed", the others too (the page shows those
    without authors, abstract or PDF)."""
    from paperdesk.cameraready.models import ProgramPublication

    publication = ProgramPublication.objects.filter(venue=venue).first()
    if publication is None or publication.published_at is None or publication.published_at > (now or clock.now()):
        return Submission.objects.none()
    papers = accepted_papers(venue)
    if publication.unconfirmed != ProgramPublication.Unconfirmed.TBC:
        papers = papers.filter(camera_ready__confirmed_at__isnull=False)
    return papers


def can_view_public_pdf(submission: Submission) -> bool:
    """The hosted PDF of a paper on the published program whose authors confirmed it."""
    decision = _decision_of(submission)
    return bool(decision is not None and decision.host_pdf and public_program_papers(submission.venue)
                .filter(pk=submission.pk, camera_ready__confirmed_at__isnull=False).exists())


def conflicted_ids(user: ViewerLike, venue: Venue) -> set[int]:
    """Ids of the venue's submissions this person is conflicted with, for
    lists and exports that must show those rows as an author would see them."""
    return conflicted_submission_ids(user, venue)


def my_assignments(user: ViewerLike, venue: Venue | None = None, kind: str | None = "reviewer") -> QuerySet[Assignment]:
    """Published, unconflicted assignments of this person (as reviewer, as area chair, or
    both with kind=None)."""
    Assignment, Conflict = _reviewing_models()
    viewer = as_viewer(user)
    if not viewer.is_authenticated:
        return Assignment.objects.none()
    qs = Assignment.objects.filter(user_id=viewer.user_id, published=True).exclude(submission__status=Submission.Status.WITHDRAWN)
    if kind is not None:
        qs = qs.filter(kind=kind)
    if venue is not None:
        qs = qs.filter(submission__venue=venue)
    conflicted = Conflict.objects.filter(user_id=viewer.user_id).values("submission_id")
    return qs.exclude(submission__in=conflicted).exclude(submission__authorships__user_id=viewer.user_id)


def is_area_chair_in(user: ViewerLike, venue: Venue) -> bool:
    """An area chair of the venue: one with a published area-chair assignment on a paper
    they have no conflict with."""
    return my_assignments(user, venue, kind="area_chair").exists()


def can_chase_venue_reviews(user: ViewerLike, venue: Venue) -> bool:
    """Chase the venue's late reviews (preview, remind): its chairs, and its area chairs
    (for their own papers; which papers is `reviews.chasing`'s read)."""
    viewer = as_viewer(user)
    return is_chair(viewer, venue) or is_area_chair_in(viewer, venue)


def can_open_review_page(user: ViewerLike, submission: Submission) -> bool:
    """The reviewing page of a paper: its reviewers, area chair and the unconflicted chairs."""
    viewer = as_viewer(user)
    return is_unconflicted_chair(viewer, submission) or can_review_paper(viewer, submission)


def get_review_paper_for(user: ViewerLike, public_id: str) -> Submission:
    submission = Submission.objects.select_related("venue", "track", "primary_topic", "contribution_type").filter(public_id=public_id).first()
    if submission is None or not can_open_review_page(user, submission):
        raise Http404("No such paper")
    return submission


def can_view_author_results(user: ViewerLike, submission: Submission) -> bool:
    """The authors' page of decision, reviews and camera-ready (before release it only says
    that the decision is not out yet)."""
    return is_author(user, submission)


def without_conflicts(assignments: QuerySet[Assignment]) -> QuerySet[Assignment]:
    """Assignments whose person has no conflict with the paper (a conflict recorded after
    the assignment was published voids it: no review is due, none may be written)."""
    from django.db.models import Exists, OuterRef

    _, Conflict = _reviewing_models()
    declared = Conflict.objects.filter(submission=OuterRef("submission"), user=OuterRef("user"))
    authored = Authorship.objects.filter(submission=OuterRef("submission"), user=OuterRef("user"))
    return assignments.exclude(Exists(declared)).exclude(Exists(authored))


# --- pool, bidding and assignment ---------------------------------------------------------
#
# The pool is a venue's reviewers and area chairs (volunteered or invited, then accepted).
# Bidding shows accepted members the submitted papers they have no conflict with, never
# their authors. Chairs manage the pool, the assignment and the area chairs' batches; a
# chair with a conflict on a paper does not see or change that paper's reviewers or area
# chair, and that paper's assignments are left out of the loads the chair sees.
# Reviewers and area chairs see their papers only once the chairs publish them.


def _pool_models() -> type[PoolMember]:
    from paperdesk.committee.models import PoolMember

    return PoolMember


def pool_membership(user: ViewerLike, venue: Venue, role: str = "reviewer") -> PoolMember | None:
    """This person's accepted membership of the venue's pool in `role` (None if none)."""
    viewer = as_viewer(user)
    if not viewer.is_authenticated:
        return None
    PoolMember = _pool_models()
    return PoolMember.objects.filter(venue=venue, user_id=viewer.user_id, role=role, state=PoolMember.State.ACCEPTED).select_related("venue").first()


def can_keep_reviewer_profile(member: PoolMember | None) -> bool:
    """A pool row (reviewer or area chair) whose owner keeps a reviewer profile (expertise,
    load, publications, declared conflicts): once they volunteered or accepted."""
    PoolMember = _pool_models()
    return member is not None and member.state in (PoolMember.State.ACCEPTED, PoolMember.State.VOLUNTEERED)


def can_manage_pool(user: ViewerLike, venue: Venue) -> bool:
    return is_chair(user, venue)


def can_volunteer(user: ViewerLike, venue: Venue) -> Decision:
    if not venue.spec.reviewing.volunteer_form:
        return Decision(False, f"{venue.short_name} does not take reviewer volunteers through this site; write to {venue.contact_email}.")
    if not _authenticated(user):
        return Decision(False, "Sign in to volunteer as a reviewer.")
    return ALLOW


def can_view_bidding(user: ViewerLike, venue: Venue) -> Decision:
    viewer = as_viewer(user)
    if not venue.spec.reviewing.bidding:
        return Decision(False, f"{venue.short_name} does not use bidding.")
    if pool_membership(viewer, venue) is None and pool_membership(viewer, venue, "area_chair") is None:
        return Decision(False, "Bidding is open to the venue's reviewers once they have accepted.")
    return ALLOW


def biddable_submissions(user: ViewerLike, venue: Venue) -> QuerySet[Submission]:
    """Submitted papers this pool member may bid on: none they author or have a conflict
    with (one query, usable as a subquery)."""
    viewer = as_viewer(user)
    if not can_view_bidding(viewer, venue):
        return Submission.objects.none()
    return (
        Submission.objects.filter(venue=venue, status=Submission.Status.SUBMITTED)
        .exclude(authorships__user_id=viewer.user_id)
        .exclude(conflicts__user_id=viewer.user_id)
    )


def get_biddable_submission_for(user: ViewerLike, venue: Venue, public_id: str) -> Submission:
    """One paper to bid on; the same 404 for missing, not submitted and conflicted."""
    viewer = as_viewer(user)
    submission = Submission.objects.select_related("venue").filter(venue=venue, public_id=public_id).first()
    if submission is None or not can_bid(viewer, submission) or not can_view_bidding(viewer, venue):
        raise Http404("No such paper")
    return submission


def can_manage_assignment(user: ViewerLike, venue: Venue) -> bool:
    return is_chair(user, venue)


def can_manage_area_chairs(user: ViewerLike, venue: Venue) -> bool:
    """The area chairs' batches (propose, edit, publish): the chairs. A chair's conflicted
    papers are left out of what that chair sees and may change (`can_assign_paper`)."""
    return is_chair(user, venue)


def can_assign_paper(user: ViewerLike, submission: Submission) -> bool:
    """Change or see the reviewers of this paper: chairs without a conflict."""
    return is_unconflicted_chair(user, submission)


def can_see_assignment(user: ViewerLike, assignment: Assignment) -> bool:
    """One reviewer or area-chair assignment (as a row, or counted in a load): the
    chairs who may assign its paper, and the assigned person."""
    viewer = as_viewer(user)
    if viewer.is_authenticated and assignment.user_id == viewer.pk:
        return True
    return can_assign_paper(viewer, assignment.submission)


def conflicted_submission_ids(user: ViewerLike, venue: Venue) -> set[int]:
    """Papers of `venue` this person has a conflict with (authored or recorded): one query."""
    return set(as_viewer(user).conflicted_ids(venue.pk))


def can_declare_conflicts(user: ViewerLike, submission: Submission, now: dt.datetime | None = None) -> Decision:
    """Authors declare their submission's conflicts while they may still edit it."""
    if not is_author(user, submission):
        return Decision(False, "Only the authors declare a submission's conflicts.")
    window = submission_window(submission.venue, submission, now)
    if not window:
        return Decision(False, f"Conflicts can be declared until the submission deadline; write to {submission.venue.contact_email} to add one now.")
    return ALLOW


def get_submission_for_declared_conflicts(user: ViewerLike, public_id: str) -> Submission:
    """The submission whose declared conflicts this person may read: its authors, and
    chairs without a conflict. The same 404 otherwise."""
    viewer = as_viewer(user)
    submission = Submission.objects.select_related("venue").filter(public_id=public_id).first()
    if submission is None or not (is_author(viewer, submission) or is_unconflicted_chair(viewer, submission)):
        raise Http404("No such submission")
    return submission


def reviewer_assignments(user: ViewerLike) -> QuerySet[Assignment]:
    """Published assignments of this person on submitted papers they have no conflict with."""
    return my_assignments(user, kind=None).filter(submission__status=Submission.Status.SUBMITTED)


# --- review history -------------------------------------------------------------------------
#
# Every version of a paper's reviews and meta-review (who, when, what) is for the chairs
# without a conflict with it; they alone put reviews back to an earlier version. Everyone
# else gets the 404 of a missing paper. A venue-wide revert leaves out the papers the chair
# is conflicted with (and counts nothing of them).


def can_view_review_history(viewer: ViewerLike, submission: Submission) -> bool:
    return is_unconflicted_chair(viewer, submission)


def can_revert_reviews(viewer: ViewerLike, submission: Submission) -> Decision:
    if not is_unconflicted_chair(viewer, submission):
        return Decision(False, "Only the program chairs without a conflict with this paper revert its reviews.")
    return ALLOW


def can_revert_venue_reviews(viewer: ViewerLike, venue: Venue) -> Decision:
    if not is_chair(viewer, venue):
        return Decision(False, "Only the program chairs revert the venue's reviews.")
    return ALLOW


# Background jobs (paperdesk.jobs): the chairs of a venue see its jobs (checks, release
# waves, assignment runs, reminders) that are running, waiting to be retried or failed, and
# retry or cancel them; jobs of no venue, and every venue's, are for superusers.


def can_view_jobs(viewer: ViewerLike, venue: Venue | None) -> bool:
    if venue is None:
        return as_viewer(viewer).is_superuser
    return is_chair(viewer, venue)


def jobs_for(viewer: ViewerLike, venue: Venue | None) -> QuerySet[JobLease]:
    """The job leases this person may see: a venue's for its chairs; all for superusers."""
    from paperdesk.jobs.models import JobLease

    if not can_view_jobs(viewer, venue):
        return JobLease.objects.none()
    return JobLease.objects.all() if venue is None else JobLease.objects.filter(venue=venue)


def can_manage_job(viewer: ViewerLike, lease: JobLease) -> Decision:
    venue = lease.venue if lease.venue_id else None
    if not can_view_jobs(viewer, venue):
        return Decision(False, "Only the venue's chairs (or an operator) retry or cancel its jobs.")
    return ALLOW


# The audit log (paperdesk.audit): a venue's chairs read the entries of their venue, and the
# venue-less security entries (`security.*`: throttled API clients, bursts of 404s, sign-in
# lockouts); superusers read every entry on /ops/audit/. On a paper a chair is conflicted
# with, they read only the entries its authors know of (the submission's own edits, uploads,
# co-authors, camera-ready): the entries about its reviewers, reviews and scores, conflicts,
# decisions and e-mails are left out of their log, its counts and its CSV.

AUDIT_SECURITY_PREFIX = "security."
AUDIT_AUTHOR_KNOWN_PREFIXES = ("submission.", "authorship.", "upload.", "camera_ready.")


def can_view_audit_log(viewer: ViewerLike, venue: Venue | None) -> bool:
    if venue is None:
        return as_viewer(viewer).is_superuser
    return is_chair(viewer, venue)


def audit_entries_for(viewer: ViewerLike, venue: Venue | None) -> QuerySet[AuditEntry]:
    """The audit entries this person may read: a venue's (with the venue-less security
    entries) for its chairs, without those about conflicted papers that its authors do not
    know of; every entry for superusers on the operators' log (venue None)."""
    from paperdesk.audit.models import AuditEntry

    who = as_viewer(viewer)
    if not can_view_audit_log(who, venue):
        return AuditEntry.objects.none()
    if venue is None:
        return AuditEntry.objects.all()
    entries = AuditEntry.objects.filter(Q(venue=venue) | Q(venue__isnull=True, action__startswith=AUDIT_SECURITY_PREFIX))
    hidden = who.conflicted_ids(venue.pk)
    if hidden:
        known = Q()
        for prefix in AUDIT_AUTHOR_KNOWN_PREFIXES:
            known |= Q(action__startswith=prefix)
        entries = entries.exclude(Q(submission_id__in=sorted(hidden)) & ~known)
    return entries


# Venue-wide entries that list papers by number (held back from a release, reminded of the
# camera-ready) name, for a chair conflicted with some of them, only the others: that a
# paper was held back tells its state before release.
AUDIT_PAPER_LISTS = ("held_back", "papers")


def audit_hidden_numbers(viewer: ViewerLike, venue: Venue | None) -> frozenset[int]:
    """The paper numbers this person's audit log leaves out of such lists."""
    if venue is None:
        return frozenset()
    hidden = as_viewer(viewer).conflicted_ids(venue.pk)
    if not hidden:
        return frozenset()
    return frozenset(Submission.objects.filter(pk__in=hidden).values_list("number", flat=True))


def audit_redacted(data: dict[str, Any], hidden_numbers: frozenset[int]) -> dict[str, Any]:
    """An entry's data as that person reads it (audit_hidden_numbers)."""
    if not hidden_numbers or not any(isinstance(data.get(key), list) for key in AUDIT_PAPER_LISTS):
        return data
    shown = dict(data)
    for key in AUDIT_PAPER_LISTS:
        if isinstance(shown.get(key), list):
            shown[key] = [n for n in shown[key] if n not in hidden_numbers]
    return shown


def can_view_outbox(viewer: ViewerLike, venue: Venue) -> bool:
    """The venue's outbox (every queued, held, sent and failed e-mail): its chairs."""
    return is_chair(viewer, venue)


def outbox_for(viewer: ViewerLike, venue: Venue) -> QuerySet[OutboundEmail]:
    """The venue's outbox messages this chair may read: as in the audit log, none about a
    paper they are conflicted with (a review's content, reviewers' names), and no digest
    that holds one."""
    from paperdesk.mail.models import OutboundEmail

    who = as_viewer(viewer)
    if not can_view_outbox(who, venue):
        return OutboundEmail.objects.none()
    rows = OutboundEmail.objects.filter(venue=venue)
    hidden = sorted(who.conflicted_ids(venue.pk))
    if hidden:
        rows = rows.exclude(submission_id__in=hidden).exclude(
            pk__in=OutboundEmail.objects.filter(digest__isnull=False, submission_id__in=hidden).values("digest_id"))
    return rows


def can_resend_email(viewer: ViewerLike, email: OutboundEmail) -> Decision:
    """Resend an outbox message (as a new message; the original is kept): a chair who may
    read it, and only one that went out, failed or was left unconfirmed."""
    if email.venue is None or not outbox_for(viewer, email.venue).filter(pk=email.pk).exists():
        return Decision(False, "No such message.")
    if email.state not in ("sent", "failed", "sending"):
        return Decision(False, "Only a sent, failed or unconfirmed message can be resent; this one is still waiting to go out.")
    if email.withheld_links:
        # Its link was in the e-mail alone; a resend from here would carry none.
        if email.template == "author_invitation":
            return Decision(False, "This invitation carried a personal link, kept in the e-mail only: the co-author can instead "
                                   "sign in (or sign up) with this address, where the invitation waits to be answered.")
        return Decision(False, "This invitation carried a personal link, kept in the e-mail only: send the invitation again "
                               "from the reviewer pool (a reminder makes a new link).")
    return ALLOW
