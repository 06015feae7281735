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


def can_moderate_accounts(user, chaired_venues: list | None = None) -> bool:
    """Chairs of any venue moderate the (global) accounts. `chaired_venues`, when the
    caller already has `chair_venues(user)`, saves the query."""
    if not _authenticated(user):
        return False
    if chaired_venues is not None:
        return user.is_superuser or bool(chaired_venues)
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
    """The file as uploaded (with its metadata): the authors and the chairs. Reviewers read
    the paper through the reviews app, which serves it with author metadata removed."""
    submission = upload.submission
    return is_author(user, submission) or is_chair(user, submission.venue)


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
    if submission.status == Submission.Status.DESK_REJECTED:
        return Decision(False, f"This submission was desk-rejected by the chairs: {submission.desk_reject_reason} Write to {submission.venue.contact_email} if you think this is a mistake.")
    return submission_window(submission.venue, submission, now)


def can_desk_reject(user, submission: Submission) -> Decision:
    if not is_chair(user, submission.venue):
        return Decision(False, "Only chairs desk-reject submissions.")
    if is_conflicted(user, submission):
        return Decision(False, "You have a conflict with this submission; another chair must decide on it.")
    return ALLOW


def can_contact_authors(user, submission: Submission) -> Decision:
    return can_desk_reject(user, submission)


def can_withdraw(user, submission: Submission, now=None) -> Decision:
    if not is_author(user, submission):
        return Decision(False, "Only the authors can withdraw a submission.")
    if submission.status == Submission.Status.DESK_REJECTED:
        return Decision(False, "This submission was desk-rejected; it cannot be withdrawn.")
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
    """Chairs without a conflict and the area chair always; a reviewer once they may read the
    other reviews (the discussion is about them). Authors and conflicted people never."""
    if is_unconflicted_chair(user, submission) or is_area_chair_of(user, submission):
        return True
    return is_assigned_reviewer(user, submission) and can_view_reviews(user, submission)


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


# --- reviews and decisions ---------------------------------------------------------------
#
# Reviews are written by a paper's unconflicted, published reviewers until the review
# deadline; after it a review not yet submitted may still be submitted (marked late) while a
# submitted review is final. Everyone but the unconflicted chairs sees reviewers by their
# per-paper alias. Authors see nothing of the reviewing (reviews, meta-review, decision)
# until the chairs release the decisions, and then only what the form lets authors see.


def _review_models():
    from paperdesk.reviews.models import DiscussionPost, MetaReview, Review

    return Review, DiscussionPost, MetaReview


def _decision_of(submission: Submission):
    from paperdesk.decisions.models import Decision as PaperDecision

    try:
        return submission.decision
    except PaperDecision.DoesNotExist:
        return None


def review_deadline_passed(venue: Venue, now=None) -> bool:
    return (now or clock.now()) > venue.review_deadline


def can_write_review(user, submission: Submission, now=None) -> Decision:
    """May this person save or submit their review of this paper now?"""
    if not is_assigned_reviewer(user, submission):
        return Decision(False, "You are not a reviewer of this paper, so you cannot review it.")
    if submission.status == Submission.Status.WITHDRAWN:
        return Decision(False, "This paper was withdrawn by its authors; it needs no review.")
    if reviews_released(submission):
        return Decision(False, "The decision on this paper has been released; its reviews are closed.")
    assignment = published_assignment(user, submission)
    review = getattr(assignment, "review", None) if assignment else None
    venue = submission.venue
    if review is not None and review.state == "submitted" and review_deadline_passed(venue, now):
        return Decision(False, f"The review deadline passed on {venue.moment_text(venue.review_deadline)}; a submitted review can no longer be changed. Write to {venue.contact_email} if something must be corrected.")
    return ALLOW


def can_view_review(user, review) -> bool:
    """One review: its writer always (drafts too); others only once it is submitted."""
    assignment = review.assignment
    submission = assignment.submission
    if _authenticated(user) and assignment.user_id == user.pk and not is_conflicted(user, submission):
        return True
    return review.state == "submitted" and can_view_reviews(user, submission)


def can_view_chair_only_answers(user, submission: Submission) -> bool:
    """Comments to the chairs: the unconflicted chairs and the paper's area chair."""
    return is_unconflicted_chair(user, submission) or is_area_chair_of(user, submission)


def can_view_hidden_from_authors(user, submission: Submission) -> bool:
    """Answers the form keeps from the authors (`authors_see = false`)."""
    return can_view_reviews(user, submission) and not is_author(user, submission)


def reviewer_label(viewer, assignment) -> str:
    """How a reviewer (or area chair) appears to this viewer: the alias, plus the name for
    those who may see reviewer identities."""
    if can_view_reviewer_identities(viewer, assignment.submission):
        return f"{assignment.alias} ({assignment.user.display_name})"
    return assignment.alias


def can_post_discussion(user, submission: Submission) -> Decision:
    if not can_view_discussion(user, submission):
        return Decision(False, "You cannot take part in the discussion of this paper.")
    if submission.status == Submission.Status.WITHDRAWN:
        return Decision(False, "This paper was withdrawn; its discussion is closed.")
    return ALLOW


def can_write_meta_review(user, submission: Submission) -> Decision:
    if not (is_area_chair_of(user, submission) or is_unconflicted_chair(user, submission)):
        return Decision(False, "Only the paper's area chair and the program chairs write its meta-review.")
    if reviews_released(submission):
        return Decision(False, "The decision on this paper has been released; the meta-review is final.")
    return ALLOW


def can_view_meta_review(user, submission: Submission, meta_review) -> bool:
    if meta_review is None:
        return False
    if is_author(user, submission):
        return reviews_released(submission) and meta_review.submitted
    if is_unconflicted_chair(user, submission) or is_area_chair_of(user, submission):
        return True
    return meta_review.submitted and is_assigned_reviewer(user, submission) and can_view_reviews(user, submission)


def can_decide(user, submission: Submission) -> Decision:
    if not is_chair(user, submission.venue):
        return Decision(False, "Only the program chairs decide.")
    if is_conflicted(user, submission):
        return Decision(False, f"You have a conflict with paper #{submission.number}; another chair must decide it.")
    if reviews_released(submission):
        return Decision(False, f"The decision on paper #{submission.number} has already been released to its authors.")
    return ALLOW


def can_release_decisions(user, venue: Venue) -> Decision:
    if not is_chair(user, venue):
        return Decision(False, "Only the program chairs release decisions.")
    return ALLOW


def outcome_of(venue: Venue, slug: str):
    for outcome in venue.spec.outcomes:
        if outcome.slug == slug:
            return outcome
    return None


def is_accepted(decision) -> bool:
    outcome = outcome_of(decision.submission.venue, decision.outcome) if decision is not None else None
    return bool(outcome and outcome.accepted)


def camera_ready_deadline(submission: Submission):
    """The venue's camera-ready deadline, or the later one a chair granted this paper (as
    submission deadlines honour per-paper extensions)."""
    from paperdesk.decisions.models import CameraReady

    extension = CameraReady.objects.filter(submission=submission).values_list("deadline_extension", flat=True).first()
    deadline = submission.venue.camera_ready_deadline
    return extension if extension and extension > deadline else deadline


def _camera_ready_open(user, submission: Submission, now, not_author: str) -> Decision:
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


def can_upload_camera_ready(user, submission: Submission, now=None) -> Decision:
    return _camera_ready_open(user, submission, now, "Only the authors upload the camera-ready version.")


def can_edit_camera_ready_metadata(user, submission: Submission, now=None) -> Decision:
    """The published title, abstract, author names, affiliations, order and links."""
    return _camera_ready_open(user, submission, now, "Only the authors change the published details of their paper.")


def can_follow_camera_ready(user, venue: Venue) -> Decision:
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


def can_view_public_pdf(submission: Submission) -> bool:
    decision = _decision_of(submission)
    return bool(decision is not None and decision.host_pdf and accepted_papers(submission.venue).filter(pk=submission.pk).exists())


def conflicted_ids(user, venue: Venue) -> set[int]:
    """Ids of the venue's submissions this person is conflicted with, for
    lists and exports that must show those rows as an author would see them."""
    return conflicted_submission_ids(user, venue)


def my_assignments(user, venue: Venue | None = None, kind: str | None = "reviewer"):
    """Published, unconflicted assignments of this person (as reviewer, as area chair, or
    both with kind=None)."""
    Assignment, Conflict = _reviewing_models()
    if not _authenticated(user):
        return Assignment.objects.none()
    qs = Assignment.objects.filter(user=user, published=True).exclude(submission__status=Submission.Status.WITHDRAWN)
    if kind is not None:
        qs = qs.filter(kind=kind)
    if venue is not None:
        qs = qs.filter(submission__venue=venue)
    conflicted = Conflict.objects.filter(user=user).values("submission_id")
    return qs.exclude(submission__in=conflicted).exclude(submission__authorships__user=user)


def can_open_review_page(user, submission: Submission) -> bool:
    """The reviewing page of a paper: its reviewers, area chair and the unconflicted chairs."""
    return is_unconflicted_chair(user, submission) or can_review_paper(user, submission)


def get_review_paper_for(user, public_id: str) -> Submission:
    submission = Submission.objects.select_related("venue", "track", "primary_topic", "contribution_type").filter(public_id=public_id).first()
    if submission is None or not can_open_review_page(user, submission):
        raise Http404("No such paper")
    return submission


def can_view_author_results(user, submission: Submission) -> bool:
    """The authors' page of decision, reviews and camera-ready (before release it only says
    that the decision is not out yet)."""
    return is_author(user, submission)


def without_conflicts(assignments: QuerySet) -> QuerySet:
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
# chair. Reviewers and area chairs see their papers only once the chairs publish them.


def _pool_models():
    from paperdesk.reviewing.models import PoolMember

    return PoolMember


def pool_membership(user, venue: Venue, role: str = "reviewer"):
    """This person's accepted membership of the venue's pool in `role` (None if none)."""
    if not _authenticated(user):
        return None
    PoolMember = _pool_models()
    return PoolMember.objects.filter(venue=venue, user=user, role=role, state=PoolMember.State.ACCEPTED).select_related("venue").first()


def can_keep_reviewer_profile(member) -> bool:
    """A pool row (reviewer or area chair) whose owner keeps a reviewer profile (expertise,
    load, publications, declared conflicts): once they volunteered or accepted."""
    PoolMember = _pool_models()
    return member is not None and member.state in (PoolMember.State.ACCEPTED, PoolMember.State.VOLUNTEERED)


def can_manage_pool(user, venue: Venue) -> bool:
    return is_chair(user, venue)


def can_volunteer(user, venue: Venue) -> Decision:
    if not venue.spec.reviewing.volunteer_form:
        return Decision(False, f"{venue.short_name} does not take reviewer volunteers through this site; write to {venue.contact_email}.")
    if not _authenticated(user):
        return Decision(False, "Sign in to volunteer as a reviewer.")
    return ALLOW


def can_view_bidding(user, venue: Venue) -> Decision:
    if not venue.spec.reviewing.bidding:
        return Decision(False, f"{venue.short_name} does not use bidding.")
    if pool_membership(user, venue) is None and pool_membership(user, venue, "area_chair") is None:
        return Decision(False, "Bidding is open to the venue's reviewers once they have accepted.")
    return ALLOW


def biddable_submissions(user, venue: Venue) -> QuerySet[Submission]:
    """Submitted papers this pool member may bid on: none they author or have a conflict
    with (one query, usable as a subquery)."""
    if not can_view_bidding(user, venue):
        return Submission.objects.none()
    return (
        Submission.objects.filter(venue=venue, status=Submission.Status.SUBMITTED)
        .exclude(authorships__user=user)
        .exclude(conflicts__user=user)
    )


def get_biddable_submission_for(user, venue: Venue, public_id: str) -> Submission:
    """One paper to bid on; the same 404 for missing, not submitted and conflicted."""
    submission = Submission.objects.select_related("venue").filter(venue=venue, public_id=public_id).first()
    if submission is None or not can_bid(user, submission) or not can_view_bidding(user, venue):
        raise Http404("No such paper")
    return submission


def can_manage_assignment(user, venue: Venue) -> bool:
    return is_chair(user, venue)


def can_manage_area_chairs(user, venue: Venue) -> bool:
    """The area chairs' batches (propose, edit, publish): the chairs. A chair's conflicted
    papers are left out of what that chair sees and may change (`can_assign_paper`)."""
    return is_chair(user, venue)


def can_assign_paper(user, submission: Submission) -> bool:
    """Change or see the reviewers of this paper: chairs without a conflict."""
    return is_unconflicted_chair(user, submission)


def conflicted_submission_ids(user, venue: Venue) -> set[int]:
    """Papers of `venue` this person has a conflict with (authored or recorded): one query."""
    if not _authenticated(user):
        return set()
    _, Conflict = _reviewing_models()
    authored = Submission.objects.filter(venue=venue, authorships__user=user).order_by().values_list("pk", flat=True)
    recorded = Conflict.objects.filter(submission__venue=venue, user=user).order_by().values_list("submission_id", flat=True)
    return set(authored.union(recorded))


def can_declare_conflicts(user, submission: Submission, now=None) -> Decision:
    """Authors declare their submission's conflicts while they may still edit it."""
    if not is_author(user, submission):
        return Decision(False, "Only the authors declare a submission's conflicts.")
    window = submission_window(submission.venue, submission, now)
    if not window:
        return Decision(False, f"Conflicts can be declared until the submission deadline; write to {submission.venue.contact_email} to add one now.")
    return ALLOW


def get_submission_for_declared_conflicts(user, public_id: str) -> Submission:
    """The submission whose declared conflicts this person may read: its authors, and
    chairs without a conflict. The same 404 otherwise."""
    submission = Submission.objects.select_related("venue").filter(public_id=public_id).first()
    if submission is None or not (is_author(user, submission) or is_unconflicted_chair(user, submission)):
        raise Http404("No such submission")
    return submission


def reviewer_assignments(user):
    """Published assignments of this person on submitted papers they have no conflict with."""
    return my_assignments(user, kind=None).filter(submission__status=Submission.Status.SUBMITTED)


# The SHA-256 of an upload is the fingerprint of the file as uploaded, metadata and all:
# anyone holding it can confirm a guess of the original (a preprint, a file found elsewhere)
# and so the authors. Reviewers read a copy with the metadata removed and never get it.


def can_view_original_file_hash(user, submission: Submission) -> bool:
    """The authors, and the chairs without a conflict with the paper."""
    return is_author(user, submission) or is_unconflicted_chair(user, submission)
