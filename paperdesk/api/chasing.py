"""Chasing reviews over the API (issue 11): the chairs' and area chairs' preview of late
reviews and the reminder (sent once per `key`, as one click of the page), review-deadline
extensions, and a reviewer giving a paper back (declining it or flagging a conflict).

Everything goes through `paperdesk.reviews.chasing`, as the pages do; a paper the caller
may not chase (or a conflicted chair's) answers with the same 404 as a missing one."""

from __future__ import annotations

from django.http import Http404
from ninja import Field, Router, Schema, Status

from paperdesk import policy
from paperdesk.committee.models import Assignment
from paperdesk.reviews import chasing
from paperdesk.venues.lookup import Need, get_venue_for

from .reviews import review_paper_or_404
from .schemas import ErrorOut, MomentOut, moment

router = Router(tags=["reviews"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


class OwedReviewOut(Schema):
    paper: str = Field(description="The paper's public id")
    number: int
    title: str
    alias: str
    state: str = Field(description="not started | draft saved")
    deadline: MomentOut = Field(description="This reviewer's deadline for the paper (their own when extended)")
    late: bool
    emergency: bool


class ReviewerToRemindOut(Schema):
    name: str = Field(description="The reviewer's name (chairs), or their alias on the paper (area chairs)")
    email: str = Field(description="Empty for area chairs, who see aliases")
    reviews: list[OwedReviewOut]


class LateReviewsOut(Schema):
    key: str = Field(description="A fresh key: POST it to .../remind to send this reminder once")
    late_only: bool
    reviewers: list[ReviewerToRemindOut]


class RemindIn(Schema):
    key: str = Field(description="8 to 64 letters, digits, '-' or '_': the same key sends nothing twice", min_length=1, max_length=64)
    paper: str = Field("", description="Only this paper (its public id); empty: every paper the caller chases")
    scope: str = Field("late", description="late (past the reviewer's deadline) | all (every review still to submit)")
    note: str = Field("", max_length=2000)


class RemindOut(Schema):
    key: str
    reviewers: int = Field(description="Reviewers the reminder went to (by the first call with this key)")
    reviews: int = Field(description="Reviews it asked for (by the first call with this key)")
    already_sent: bool = Field(description="This key was used before: nothing was sent now, and the counts are the first call's")


class ExtendIn(Schema):
    deadline: str = Field(description="YYYY-MM-DD (end of that day) or YYYY-MM-DD HH:MM, in the venue's time zone")
    alias: int | None = Field(None, description="Only this reviewer (N of 'Reviewer N'); empty: every reviewer still owing a review")


class ExtendedOut(Schema):
    alias: str
    deadline: MomentOut


class ExtendOut(Schema):
    paper: str
    reviewers: list[ExtendedOut]


class GiveBackIn(Schema):
    kind: str = Field(description="decline | conflict")
    reason: str = Field(description="For the chairs, 5 to 1000 characters", max_length=5000)


class GiveBackOut(Schema):
    paper: str
    kind: str
    recorded_conflict: bool


def _chased_paper(user, venue, public_id: str):
    if not public_id:
        return None
    submission = review_paper_or_404(user, public_id)
    if submission.venue_id != venue.pk or not policy.can_chase_reviews(user, submission):
        raise Http404("No such paper")
    return submission


def _owed(venue, r) -> dict:
    return {"paper": r.path.rstrip("/").rsplit("/", 1)[-1], "number": r.number, "title": r.title, "alias": r.alias, "state": r.state,
            "deadline": moment(venue, r.deadline), "late": r.late, "emergency": r.emergency}


@router.get("/venues/{slug}/late-reviews", response={200: LateReviewsOut, 404: ErrorOut},
            summary="Reviews still to submit on the papers I chase (preview of a reminder)")
def late_reviews(request, slug: str, paper: str = "", scope: str = "late"):
    venue = get_venue_for(request.auth, slug, Need.CHASE_REVIEWS)
    submission = _chased_paper(request.auth, venue, paper)
    people = chasing.remind_preview(request.auth, venue, submission, late_only=scope != "all")
    return {"key": chasing.new_click_key(), "late_only": scope != "all", "reviewers": [
        {"name": p.name, "email": p.email, "reviews": [_owed(venue, r) for r in p.reviews]} for p in people]}


@router.post("/venues/{slug}/late-reviews/remind", response={200: RemindOut, **ERRORS},
             summary="Remind late reviewers (once per key)")
def remind(request, slug: str, payload: RemindIn):
    venue = get_venue_for(request.auth, slug, Need.CHASE_REVIEWS)
    submission = _chased_paper(request.auth, venue, payload.paper)
    result = chasing.remind_late_reviewers(actor=request.auth, venue=venue, key=payload.key, submission=submission,
                                           late_only=payload.scope != "all", note=payload.note)
    return {"key": result.key, "reviewers": result.reviewers, "reviews": result.reviews, "already_sent": result.already}


@router.post("/papers/{public_id}/review-deadline", response={200: ExtendOut, **ERRORS},
             summary="Extend the review deadline of a paper's reviewers (chairs, its area chair)")
def extend(request, public_id: str, payload: ExtendIn):
    submission = review_paper_or_404(request.auth, public_id)
    if not policy.can_chase_reviews(request.auth, submission):
        raise Http404("No such paper")
    user_id = None
    if payload.alias is not None:
        row = Assignment.objects.filter(submission=submission, kind=Assignment.Kind.REVIEWER, published=True, alias_number=payload.alias).first()
        if row is None:
            raise Http404("No such reviewer")
        user_id = row.user_id
    deadline = chasing.parse_deadline(submission.venue, payload.deadline)
    result = chasing.extend_deadline(actor=request.auth, submission=submission, deadline=deadline, user_id=user_id)
    return {"paper": submission.public_id, "reviewers": [
        {"alias": a.alias, "deadline": moment(submission.venue, policy.review_deadline_of(a))} for a in result.changed]}


@router.post("/papers/{public_id}/give-back", response={200: GiveBackOut, **ERRORS},
             summary="Decline a paper I review, or flag a conflict with it")
def give_back(request, public_id: str, payload: GiveBackIn):
    submission = review_paper_or_404(request.auth, public_id)
    if policy.published_assignment(request.auth, submission) is None:
        raise Http404("No such paper")
    row = chasing.give_back(actor=request.auth, submission=submission, kind=payload.kind, reason=payload.reason)
    return {"paper": submission.public_id, "kind": row.kind, "recorded_conflict": row.kind == "conflict"}


def _assignable_paper(request, slug: str, public_id: str):
    """The venue and the paper whose reviewers the caller may change (emergency reviewers and
    invitations): unconflicted chairs only; anyone else (a conflicted chair included) gets the
    404 of a missing paper."""
    from paperdesk.submissions.models import Submission

    venue = get_venue_for(request.auth, slug, Need.MANAGE_POOL)
    submission = Submission.objects.filter(venue=venue, public_id=public_id).first()
    if submission is None or not policy.can_assign_paper(request.auth, submission):
        raise Http404("No such paper")
    return venue, submission


class EmergencyIn(Schema):
    reviewer: str = Field(description="The e-mail address of an accepted reviewer of the venue", max_length=300)
    deadline: str = Field(description="Their review deadline: YYYY-MM-DD (end of that day) or YYYY-MM-DD HH:MM, in the venue's time zone")


class EmergencyOut(Schema):
    paper: str
    alias: str
    deadline: MomentOut
    emergency: bool


@router.post("/venues/{slug}/papers/{public_id}/emergency-reviewer", response={200: EmergencyOut, **ERRORS},
             summary="Assign an emergency reviewer (chairs): published at once, with a shorter deadline")
def emergency_reviewer(request, slug: str, public_id: str, payload: EmergencyIn):
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    from paperdesk.committee import assignment, deadlines

    venue, submission = _assignable_paper(request, slug, public_id)
    deadline = deadlines.parse(venue, payload.deadline)
    if deadline is None:
        raise chasing.ServiceError(deadlines.how_to_write(venue), 400, "deadline")
    email = payload.reviewer.strip()
    user = get_user_model().objects.filter(email__iexact=email).first()
    if user is None:
        address = EmailAddress.objects.filter(email__iexact=email, verified=True).select_related("user").first()
        user = address.user if address else None
    if user is None:
        raise chasing.ServiceError(f"No reviewer with the address {email[:200]}.", 400, "reviewer")
    result = assignment.emergency_assign(venue=venue, submission=submission, user=user, actor=request.auth, deadline=deadline)
    row = result.assignment
    if row is None:  # emergency_assign always makes one; a refusal raised above
        raise Http404("No such paper")
    return {"paper": submission.public_id, "alias": row.alias, "deadline": moment(venue, policy.review_deadline_of(row)), "emergency": row.emergency}


# --- emergency invitations: someone outside the pool as a paper's emergency reviewer ------------


class EmergencyInviteIn(Schema):
    email: str = Field(description="The address the invitation goes to (someone who is not an accepted reviewer)", max_length=254)
    name: str = Field(description="Their name, as the e-mail greets them", max_length=200)
    deadline: str = Field(description="Their review deadline, when the offer also ends: YYYY-MM-DD (end of that day) or "
                                      "YYYY-MM-DD HH:MM, in the venue's time zone; at least a day away")


class EmergencyInvitationOut(Schema):
    id: str = Field(description="The invitation's id (to withdraw it)")
    paper: str
    email: str
    name: str
    state: str = Field(description="pending | accepted | declined | withdrawn | expired (pending past its deadline)")
    deadline: MomentOut
    invited_at: MomentOut
    responded_at: MomentOut | None = Field(None, description="When the invitee answered")
    invited_by: str = Field(description="The chair who sent it")


def _invitation_out(venue, offer, state: str) -> dict:
    return {
        "id": offer.public_id, "paper": offer.submission.public_id, "email": offer.email, "name": offer.name, "state": state,
        "deadline": moment(venue, offer.deadline), "invited_at": moment(venue, offer.invited_at),
        "responded_at": moment(venue, offer.responded_at) if offer.responded_at else None,
        "invited_by": offer.invited_by.display_name if offer.invited_by else "",
    }


@router.get("/venues/{slug}/papers/{public_id}/emergency-invitations", response={200: list[EmergencyInvitationOut], **ERRORS},
            summary="A paper's emergency invitations, newest first (chairs)")
def emergency_invitations(request, slug: str, public_id: str):
    from paperdesk.committee import assignment

    venue, submission = _assignable_paper(request, slug, public_id)
    return [_invitation_out(venue, offer, state) for offer, state in assignment.emergency_offers(submission)]


@router.post("/venues/{slug}/papers/{public_id}/emergency-invitations", response={201: EmergencyInvitationOut, **ERRORS},
             summary="Invite someone outside the pool to review a paper as its emergency reviewer (chairs): one e-mail "
                     "with a personal link until the deadline; accepting makes them a reviewer of the paper")
def emergency_invite(request, slug: str, public_id: str, payload: EmergencyInviteIn):
    from paperdesk.committee import assignment, deadlines, forms

    venue, submission = _assignable_paper(request, slug, public_id)
    form = forms.EmergencyInviteForm({"email": payload.email, "name": payload.name})
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        raise chasing.ServiceError(f"{field}: {' '.join(str(e) for e in errors)}", 400, field)
    deadline = deadlines.parse(venue, payload.deadline)
    if deadline is None:
        raise chasing.ServiceError(deadlines.how_to_write(venue), 400, "deadline")
    offer = assignment.emergency_invite(venue=venue, submission=submission, email=form.cleaned_data["email"],
                                        name=form.cleaned_data["name"], actor=request.auth, deadline=deadline)
    return Status(201, _invitation_out(venue, offer, offer.state))


@router.post("/venues/{slug}/papers/{public_id}/emergency-invitations/{invitation_id}/withdraw",
             response={200: EmergencyInvitationOut, **ERRORS},
             summary="Withdraw a pending emergency invitation (chairs): its link closes and the invitee is told, "
                     "if the invitation had gone out")
def emergency_withdraw(request, slug: str, public_id: str, invitation_id: str):
    from paperdesk.committee import assignment

    venue, submission = _assignable_paper(request, slug, public_id)
    offer = assignment.emergency_invitation_withdraw(venue=venue, submission=submission, public_id=invitation_id[:32], actor=request.auth)
    return _invitation_out(venue, offer, offer.state)
