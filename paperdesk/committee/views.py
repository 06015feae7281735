"""Reviewing pages: the pool (volunteer form, invitations, chairs' list, co-first authors),
the reviewer's profile, conflicts (declarations, chairs' list and aliases), bidding, the
assignment (runs, proposal, edits, publish) and the reviewer's papers.

Views parse the request, call one service or selector, and render. Chairs' pages answer
404 to everyone else; single papers come through the policy (one 404 for missing and
forbidden). htmx requests get the fragment that changed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from paperdesk import plurals, policy
from paperdesk.publications import KINDS, LABELS, ParseError, guess_kind, parse_in_child
from paperdesk.submissions.models import Submission
from paperdesk.venues.lookup import Need, venue_for_request
from paperdesk.venues.models import Venue

from . import assignment, demands, forms, selectors, services
from .models import (
    Assignment,
    AssignmentRun,
    Bid,
    Conflict,
    DeclaredConflict,
    InstitutionAlias,
    PoolMember,
    Publication,
)
from .services import ReviewingError


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _refused(request, reason: str, *, status: int = 403, venue: Venue | None = None, back: str | None = None):
    return render(request, "committee/refused.html", {"reason": reason, "venue": venue, "back": back}, status=status)


def _error(request, error: ReviewingError, venue: Venue | None = None, back: str | None = None):
    if error.status == 404:
        raise Http404(error.message)
    if _is_htmx(request):
        return render(request, "committee/_flash.html", {"level": "error", "text": error.message}, status=error.status)
    return _refused(request, error.message, status=error.status, venue=venue, back=back)


# --- the venue's reviewing page ------------------------------------------------------------------

def hub(request, venue_slug):
    venue = venue_for_request(request, venue_slug, Need.SEE)
    user = request.user
    context = {"venue": venue, "rules": venue.spec.reviewing}
    if user.is_authenticated:
        context["member"] = services.membership_of(user, venue)
        context["area_chair"] = services.membership_of(user, venue, PoolMember.Role.AREA_CHAIR)
        context["my_paper_count"] = policy.my_assignments(user, venue).count()
        if policy.can_manage_pool(user, venue):
            context["chair"] = selectors.hub_counts(policy.viewer_for(request), venue)
    return render(request, "committee/hub.html", context)


# --- volunteering ----------------------------------------------------------------------------------

@login_required
def volunteer(request, venue_slug):
    venue = venue_for_request(request, venue_slug, Need.SEE)
    decision = policy.can_volunteer(request.user, venue)
    if not decision:
        return _refused(request, decision.reason, venue=venue)
    member = services.membership_of(request.user, venue)
    if request.method == "POST":
        form = forms.VolunteerForm(venue, request.POST)
        if form.is_valid():
            data = services.VolunteerInput(form.cleaned_data["expertise"], form.cleaned_data["max_load"], form.cleaned_data["statement"])
            try:
                member = services.volunteer(venue=venue, actor=request.user, data=data)
            except ReviewingError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                if member.state == PoolMember.State.ACCEPTED:
                    messages.success(request, f"Thank you: you are a reviewer of {venue.short_name}. Add your publications so papers can be matched to you.")
                    return redirect("committee:profile", venue.slug)
                messages.success(request, "Thank you for volunteering. The chairs will let you know by e-mail.")
                return redirect("committee:volunteer", venue.slug)
        status = 400
    else:
        initial = {}
        if member is not None:
            initial = {"expertise": list(member.expertise.values_list("slug", flat=True)), "max_load": member.max_load, "statement": member.statement}
        form = forms.VolunteerForm(venue, initial=initial)
        status = 200
    return render(request, "committee/volunteer.html", {"venue": venue, "form": form, "member": member}, status=status)


# --- invitations ---------------------------------------------------------------------------------

def _closed_invitation(request, *, declined: bool = False):
    """The one page for an answered, expired or unknown link: it names nobody, no role and
    no venue, and answers the same status for all three (a thank-you after declining)."""
    return render(request, "committee/invitation_closed.html", {"declined": declined}, status=200 if declined else 404)


def invitation(request, token):
    member = services.open_invitation(token)
    if member is None:
        used = services.invitation(token) if request.user.is_authenticated else None
        if used is not None and used.user_id == request.user.pk:
            # The account that answered sees its answer; nobody else learns anything.
            request.venue = used.venue
            return render(request, "committee/invitation.html", {"venue": used.venue, "member": used, "open": False, "rules": used.venue.spec.reviewing})
        return _closed_invitation(request)
    venue = member.venue
    request.venue = venue
    answer = request.POST.get("answer") or request.GET.get("answer") or ""
    if request.method == "POST":
        form = forms.InvitationAnswerForm(request.POST)
        if form.is_valid():
            try:
                member = services.invitation_respond(token=token, actor=request.user, answer=form.cleaned_data["answer"], max_load=form.cleaned_data.get("max_load"))
            except ReviewingError as error:
                if error.status == 404:
                    return _closed_invitation(request)
                form.add_error("max_load" if error.field == "max_load" else None, error.message)
            else:
                if member.state == PoolMember.State.DECLINED:
                    return _closed_invitation(request, declined=True)
                messages.success(request, f"Welcome to {venue.short_name}'s {'reviewers' if member.role == PoolMember.Role.REVIEWER else 'area chairs'}. Please complete your reviewer profile.")
                return redirect("committee:profile", venue.slug)
        status = 400
    else:
        form = forms.InvitationAnswerForm(initial={"answer": answer if answer in services.ANSWERS else "accept"})
        status = 200
        if not request.user.is_authenticated:
            # The link reached this address: an account made with it needs no confirmation.
            from allauth.account.adapter import get_adapter

            get_adapter(request).stash_verified_email(request, member.email)
    here = reverse("committee:invitation", args=[token]) + (f"?answer={answer}" if answer in services.ANSWERS else "")
    return render(request, "committee/invitation.html", {
        "venue": venue, "member": member, "form": form, "answer": answer, "next": here, "open": True,
        "expires_at": services.invitation_expires_at(member), "rules": venue.spec.reviewing,
        "taken_by_other": member.user_id and request.user.is_authenticated and member.user_id != request.user.pk,
    }, status=status)


# --- chairs: the pool --------------------------------------------------------------------------------

def pool(request, venue_slug):
    venue = venue_for_request(request, venue_slug, Need.MANAGE_POOL)
    state = request.GET.get("state", "")
    role = request.GET.get("role", "")
    q = request.GET.get("q", "").strip()[:100]
    from django.core.paginator import Paginator

    page = Paginator(selectors.pool_members(venue, state if state in PoolMember.State.values else "", role if role in PoolMember.Role.values else "", q), 100).get_page(request.GET.get("page"))
    return render(request, "committee/pool.html", {
        "venue": venue, "page": page, "members": page.object_list, "counts": selectors.pool_counts(venue),
        "reminders": selectors.reminders_pending(venue), "state": state, "role": role, "q": q,
        "states": PoolMember.State.choices, "roles": PoolMember.Role.choices,
    })


@require_POST
def pool_decide(request, venue_slug, member_id):
    venue = venue_for_request(request, venue_slug, Need.MANAGE_POOL)
    member = get_object_or_404(PoolMember, venue=venue, public_id=member_id)
    accept = request.POST.get("decision") == "accept"
    try:
        member = services.volunteer_decide(member=member, actor=request.user, accept=accept)
    except ReviewingError as error:
        return _error(request, error, venue)
    text = f"{member.display_name} {'accepted' if accept else 'not selected'}; they will get an e-mail."
    if _is_htmx(request):
        return render(request, "committee/_pool_row.html", {"venue": venue, "m": member, "flash": text})
    messages.success(request, text)
    return redirect("committee:pool", venue.slug)


@require_POST
def pool_min_load(request, venue_slug, member_id):
    venue = venue_for_request(request, venue_slug, Need.MANAGE_POOL)
    member = get_object_or_404(PoolMember, venue=venue, public_id=member_id)
    try:
        member = assignment.set_min_load(member=member, actor=request.user, min_load=request.POST.get("min_load", "")[:12])
    except ReviewingError as error:
        return _error(request, error, venue, back=reverse("committee:pool", args=[venue.slug]))
    text = f"Minimum load of {member.display_name}: {'the venue default' if member.min_load is None else member.min_load}."
    if _is_htmx(request):
        return render(request, "committee/_pool_row.html", {"venue": venue, "m": member, "flash": text})
    messages.success(request, text)
    return redirect("committee:pool", venue.slug)


def pool_invite(request, venue_slug):
    from .invitations import parse_invitation_list

    venue = venue_for_request(request, venue_slug, Need.MANAGE_POOL)
    errors, result, status = [], None, 200
    if request.method == "POST":
        form = forms.InviteForm(request.POST)
        status = 400
        if form.is_valid():
            invitees, errors = parse_invitation_list(form.cleaned_data["people"], form.cleaned_data["role"])
            if not errors:
                result = services.invite(venue=venue, actor=request.user, invitees=invitees, message=form.cleaned_data["message"])
                if result.invited:
                    messages.success(request, f"Invited {len(result.invited)} {'person' if len(result.invited) == 1 else 'people'}; the e-mails are on their way.")
                if not result.skipped:
                    return redirect("committee:pool", venue.slug)
                form, status = forms.InviteForm(initial={"role": form.cleaned_data["role"]}), 200
    else:
        form = forms.InviteForm()
    return render(request, "committee/invite.html", {"venue": venue, "form": form, "errors": errors, "result": result}, status=status)


@require_POST
def pool_remind(request, venue_slug):
    venue = venue_for_request(request, venue_slug, Need.MANAGE_POOL)
    try:
        count = services.invitation_reminders(venue=venue, actor=request.user)
    except ReviewingError as error:
        return _error(request, error, venue)
    if count:
        messages.success(request, f"One reminder is on its way to each of the {count} invitees who have not answered.")
    else:
        messages.info(request, "Every invitee who has not answered was already reminded once; nobody is reminded twice.")
    return redirect("committee:pool", venue.slug)


def first_authors(request, venue_slug):
    venue = venue_for_request(request, venue_slug, Need.MANAGE_POOL)
    show = request.GET.get("show", "missing")
    rows = selectors.first_author_rows(venue)
    if show != "all":
        rows = [r for r in rows if r.missing]
    to_remind = selectors.first_authors_to_remind(venue)
    return render(request, "committee/first_authors.html", {
        "venue": venue, "rows": rows, "show": show, "to_remind": len(to_remind), "enabled": venue.spec.reviewing.ask_first_authors_to_volunteer,
    })


@require_POST
def first_authors_remind(request, venue_slug):
    venue = venue_for_request(request, venue_slug, Need.MANAGE_POOL)
    try:
        count = services.first_author_reminders(venue=venue, actor=request.user)
    except ReviewingError as error:
        return _error(request, error, venue)
    if count:
        messages.success(request, f"One polite reminder is on its way to {plurals.count(count, 'co-first author')}.")
    else:
        messages.info(request, "Everyone has volunteered or was already reminded once.")
    return redirect("committee:first_authors", venue.slug)


# --- the reviewer's profile -----------------------------------------------------------------------------

def _member_or_refuse(request, venue: Venue):
    member = services.membership_of(request.user, venue) or services.membership_of(request.user, venue, PoolMember.Role.AREA_CHAIR)
    return member if policy.can_keep_reviewer_profile(member) else None


def _profile_member_or_404(request, venue: Venue):
    """The profile's forms answer someone without a profile as if the page did not exist."""
    member = _member_or_refuse(request, venue)
    if member is None:
        raise Http404("No such page")
    return member


def _to_profile(venue: Venue, section: str):
    return redirect(reverse("committee:profile", args=[venue.slug]) + f"#{section}")


@login_required
def profile(request, venue_slug):
    venue = venue_for_request(request, venue_slug, Need.SEE)
    member = _member_or_refuse(request, venue)
    if member is None:
        return _refused(request, f"Your reviewer profile for {venue.short_name} opens once you have volunteered or accepted an invitation.",
                        venue=venue, back=reverse("committee:volunteer", args=[venue.slug]))
    if request.method == "POST":
        form = forms.ProfileForm(venue, request.POST)
        if form.is_valid():
            try:
                services.profile_update(member=member, actor=request.user, expertise=form.cleaned_data["expertise"], max_load=form.cleaned_data["max_load"])
            except ReviewingError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, "Your reviewer profile is saved.")
                return redirect("committee:profile", venue.slug)
        status = 400
    else:
        form = forms.ProfileForm(venue, initial={"expertise": list(member.expertise.values_list("slug", flat=True)), "max_load": member.max_load})
        status = 200
    return _profile_page(request, venue, member, form=form, status=status)


def _profile_page(request, venue, member, *, form=None, import_form=None, publication_form=None, declaration_form=None, import_errors=None, status=200):
    return render(request, "committee/profile.html", {
        "venue": venue, "member": member,
        "form": form or forms.ProfileForm(venue, initial={"expertise": list(member.expertise.values_list("slug", flat=True)), "max_load": member.max_load}),
        "import_form": import_form or forms.PublicationImportForm(),
        "publication_form": publication_form or forms.PublicationForm(),
        "declaration_form": declaration_form or forms.DeclarationForm(),
        "import_errors": import_errors or [],
        "publications": selectors.publications_of(request.user),
        "declarations": selectors.reviewer_declarations(request.user, venue),
        "kinds": [(k, LABELS[k]) for k in KINDS],
    }, status=status)


@login_required
@require_POST
def publications_import(request, venue_slug):
    venue = venue_for_request(request, venue_slug, Need.SEE)
    member = _profile_member_or_404(request, venue)
    form = forms.PublicationImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _profile_page(request, venue, member, import_form=form, status=400)
    upload = form.cleaned_data.get("file")
    data = upload.read() if upload else form.cleaned_data["text"].encode("utf-8")
    kind = form.cleaned_data.get("kind") or guess_kind(upload.name if upload else "", data)
    if kind is None:
        form.add_error(None, "The format could not be recognised; choose it in the list.")
        return _profile_page(request, venue, member, import_form=form, status=400)
    try:
        records = parse_in_child(kind, data)
    except ParseError as error:
        form.add_error(None, f"{LABELS[kind]}: {error}")
        return _profile_page(request, venue, member, import_form=form, status=400)
    if not records:
        form.add_error(None, f"{LABELS[kind]}: no publications were found in it.")
        return _profile_page(request, venue, member, import_form=form, status=400)
    try:
        result = services.publications_import(user=request.user, actor=request.user, records=records, source=kind)
    except ReviewingError as error:
        form.add_error(None, error.message)
        return _profile_page(request, venue, member, import_form=form, status=error.status)
    text = f"Imported {plurals.count(result.added, 'publication')}"
    if result.duplicates:
        text += f" ({result.duplicates} already listed or without a title were skipped)"
    messages.success(request, text + ".")
    return _to_profile(venue, "publications")


@login_required
@require_POST
def publication_add(request, venue_slug):
    venue = venue_for_request(request, venue_slug, Need.SEE)
    member = _profile_member_or_404(request, venue)
    form = forms.PublicationForm(request.POST)
    if form.is_valid():
        try:
            services.publication_add(user=request.user, actor=request.user, **form.cleaned_data)
        except ReviewingError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, "Publication added.")
            return _to_profile(venue, "publications")
    return _profile_page(request, venue, member, publication_form=form, status=400)


@login_required
@require_POST
def publication_delete(request, venue_slug, publication_id):
    venue = venue_for_request(request, venue_slug, Need.SEE)
    publication = get_object_or_404(Publication, pk=publication_id, user=request.user)
    services.publication_delete(publication=publication, actor=request.user)
    if _is_htmx(request):
        return HttpResponse("")
    messages.success(request, "Publication removed.")
    return _to_profile(venue, "publications")


@login_required
@require_POST
def publications_clear(request, venue_slug):
    venue = venue_for_request(request, venue_slug, Need.SEE)
    _profile_member_or_404(request, venue)  # as the profile page: members of the venue's pool
    count = services.publications_clear(user=request.user, actor=request.user)
    messages.success(request, f"Removed {plurals.count(count, 'publication')}.")
    return _to_profile(venue, "publications")


@login_required
@require_POST
def reviewer_declare(request, venue_slug):
    venue = venue_for_request(request, venue_slug, Need.SEE)
    member = _profile_member_or_404(request, venue)
    form = forms.DeclarationForm(request.POST)
    if form.is_valid():
        try:
            services.reviewer_declare(venue=venue, actor=request.user, data=services.DeclarationInput(**form.cleaned_data))
        except ReviewingError as error:
            if error.status == 404:
                raise Http404(error.message) from None
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, "Conflict declared. Papers it concerns will not be shown to you or assigned to you.")
            return _to_profile(venue, "conflicts")
    return _profile_page(request, venue, member, declaration_form=form, status=400)


@login_required
@require_POST
def reviewer_declaration_delete(request, venue_slug, declaration_id):
    venue = venue_for_request(request, venue_slug, Need.SEE)
    declaration = get_object_or_404(DeclaredConflict, pk=declaration_id, venue=venue, side=DeclaredConflict.Side.REVIEWER, declared_by=request.user)
    services.reviewer_declaration_delete(declaration=declaration, actor=request.user)
    messages.success(request, "Declaration removed.")
    return _to_profile(venue, "conflicts")


# --- authors' declared conflicts ------------------------------------------------------------------------

def author_conflicts(request, public_id):
    submission = policy.get_submission_for_declared_conflicts(request.user, public_id)
    venue = submission.venue
    request.venue = venue
    decision = policy.can_declare_conflicts(request.user, submission)
    if request.method == "POST":
        if not decision:
            return _refused(request, decision.reason, venue=venue, back=reverse("committee:author_conflicts", args=[public_id]))
        form = forms.DeclarationForm(request.POST)
        if form.is_valid():
            try:
                services.author_declare(submission=submission, actor=request.user, data=services.DeclarationInput(**form.cleaned_data))
            except ReviewingError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, "Conflict declared. Nobody it concerns will review this submission.")
                return redirect("committee:author_conflicts", public_id)
        status = 400
    else:
        form = forms.DeclarationForm()
        status = 200
    return render(request, "committee/author_conflicts.html", {
        "venue": venue, "submission": submission, "form": form, "declarations": selectors.author_declarations(submission),
        "decision": decision, "is_author": policy.is_author(request.user, submission),
    }, status=status)


@require_POST
def author_conflict_delete(request, public_id, declaration_id):
    submission = policy.get_submission_for_declared_conflicts(request.user, public_id)
    declaration = get_object_or_404(DeclaredConflict, pk=declaration_id, submission=submission, side=DeclaredConflict.Side.AUTHOR)
    try:
        services.author_declaration_delete(declaration=declaration, actor=request.user)
    except ReviewingError as error:
        return _refused(request, error.message, status=error.status, venue=submission.venue, back=reverse("committee:author_conflicts", args=[public_id]))
    messages.success(request, "Declaration removed.")
    return redirect("committee:author_conflicts", public_id)


# --- chairs: conflicts and aliases --------------------------------------------------------------------

def conflicts(request, venue_slug):
    venue = venue_for_request(request, venue_slug, Need.MANAGE_POOL)
    source = request.GET.get("source", "")
    q = request.GET.get("q", "").strip()[:100]
    page, rows, counts, hidden = selectors.conflict_rows(request.user, venue, q=q, source=source if source in Conflict.Source.values else "", page=request.GET.get("page"))
    return render(request, "committee/conflicts.html", {
        "venue": venue, "page": page, "rows": rows, "counts": [(value, label, counts.get(value, 0)) for value, label in Conflict.Source.choices],
        "total": sum(counts.values()), "hidden": hidden, "source": source, "q": q, "last": selectors.last_conflict_computation(venue),
        "years": venue.spec.reviewing.conflict_years,
    })


@require_POST
def conflicts_compute(request, venue_slug):
    from . import tasks

    venue = venue_for_request(request, venue_slug, Need.MANAGE_POOL)
    tasks.compute_conflicts_job.enqueue(venue.pk, request.user.pk)
    messages.success(request, "Conflicts are being recomputed; reload this page in a moment.")
    return redirect("committee:conflicts", venue.slug)


def aliases(request, venue_slug):
    venue = venue_for_request(request, venue_slug, Need.MANAGE_POOL)
    if request.method == "POST":
        form = forms.AliasForm(request.POST)
        if form.is_valid():
            try:
                row = services.alias_add(venue=venue, actor=request.user, **form.cleaned_data)
            except ReviewingError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, f"Added {row.name}. Recompute the conflicts to apply it.")
                return redirect("committee:aliases", venue.slug)
        status = 400
    else:
        form = forms.AliasForm()
        status = 200
    return render(request, "committee/aliases.html", {"venue": venue, "form": form, "aliases": selectors.aliases(venue), "shipped": selectors.shipped_institutions()}, status=status)


@require_POST
def alias_delete(request, venue_slug, alias_id):
    venue = venue_for_request(request, venue_slug, Need.MANAGE_POOL)
    alias = get_object_or_404(InstitutionAlias, pk=alias_id, venue=venue)
    services.alias_delete(alias=alias, actor=request.user)
    messages.success(request, f"Removed {alias.name}. Recompute the conflicts to apply it.")
    return redirect("committee:aliases", venue.slug)


# --- bidding ----------------------------------------------------------------------------------------------

def _bidder(request, venue: Venue):
    decision = policy.can_view_bidding(request.user, venue)
    if not decision:
        return None, decision
    member = policy.pool_membership(request.user, venue) or policy.pool_membership(request.user, venue, "area_chair")
    return member, decision


@login_required
def bidding(request, venue_slug):
    from .conflicts import refresh_for_reviewer, reviewer_is_stale

    venue = venue_for_request(request, venue_slug, Need.SEE)
    member, decision = _bidder(request, venue)
    if member is None:
        return _refused(request, decision.reason, venue=venue, back=reverse("committee:hub", args=[venue.slug]))
    if reviewer_is_stale(venue, member):
        refresh_for_reviewer(venue, request.user)  # never show a paper whose conflict is not computed yet
    q = request.GET.get("q", "").strip()[:200]
    topic = request.GET.get("topic", "")
    shown = request.GET.get("shown", "")
    data = selectors.bidding_page(request.user, venue, member, q=q, topic=topic, shown=shown, page=request.GET.get("page"))
    context = {
        "venue": venue, "data": data, "papers": data.papers, "q": q, "topic": topic, "shown": shown,
        "topics": selectors.topics_of(venue), "bids": Bid.Value.choices,
        "bid_counts": [(value, label, data.counts.get(value, 0)) for value, label in Bid.Value.choices],
        "empty_reason": selectors.bidding_empty_reason(request.user, venue) if not data.total and not (q or topic or shown) else "",
    }
    if _is_htmx(request) and request.headers.get("HX-Target") == "bid-list":
        return render(request, "committee/_bid_list.html", context)
    return render(request, "committee/bidding.html", context)


@login_required
@require_POST
def bid(request, venue_slug, public_id):
    venue = venue_for_request(request, venue_slug, Need.SEE)
    member, _ = _bidder(request, venue)
    if member is None:
        raise Http404("No such paper")
    submission = policy.get_biddable_submission_for(request.user, venue, public_id)
    try:
        services.bid_set(submission=submission, actor=request.user, value=request.POST.get("value", ""))
    except ReviewingError as error:
        return _error(request, error, venue)
    if _is_htmx(request):
        submission = Submission.objects.select_related("track", "primary_topic").prefetch_related("secondary_topics").get(pk=submission.pk)
        counts = selectors.bid_counts(request.user, venue)
        return render(request, "committee/_bid_row.html", {
            "venue": venue, "p": selectors.bid_paper(request.user, submission, member), "bids": Bid.Value.choices, "saved": True,
            # the counters above the list change too: swapped out of band (htmx), or they stay as they were until a reload
            "stats_oob": True, "bid_counts": [(value, label, counts.get(value, 0)) for value, label in Bid.Value.choices],
            "unbid": counts.get("unbid", 0),
        })
    messages.success(request, "Bid saved.")
    return redirect(request.POST.get("back") if (request.POST.get("back") or "").startswith("/v/") else reverse("committee:bidding", args=[venue.slug]))


@login_required
@require_POST
def bid_conflict(request, venue_slug, public_id):
    venue = venue_for_request(request, venue_slug, Need.SEE)
    member, _ = _bidder(request, venue)
    if member is None:
        raise Http404("No such paper")
    submission = policy.get_biddable_submission_for(request.user, venue, public_id)
    try:
        services.reviewer_declare(venue=venue, actor=request.user, data=services.DeclarationInput(note="declared while bidding"), submission=submission)
    except ReviewingError as error:
        return _error(request, error, venue)
    if _is_htmx(request):
        counts = selectors.bid_counts(request.user, venue)  # the paper (and its bid) left the counters too
        return render(request, "committee/_flash.html", {
            "level": "success", "text": "Conflict declared: the paper is removed from your list.", "stats_oob": True,
            "bid_counts": [(value, label, counts.get(value, 0)) for value, label in Bid.Value.choices], "unbid": counts.get("unbid", 0),
        })
    messages.success(request, "Conflict declared: the paper is removed from your list.")
    return redirect("committee:bidding", venue.slug)


# --- chairs: the assignment --------------------------------------------------------------------------------

PROPOSAL_PAGE = 200


def assignment_page(request, venue_slug):
    venue = venue_for_request(request, venue_slug, Need.MANAGE_POOL)
    from django.core.paginator import Paginator

    run = selectors.latest_run(venue)
    proposal = selectors.proposal(request.user, venue)
    track_demands = demands.named(venue)
    pager = Paginator(proposal.papers, PROPOSAL_PAGE).get_page(request.GET.get("page"))
    return render(request, "committee/assignment.html", {
        "venue": venue, "run": run, "proposal": proposal, "pager": pager, "run_form": forms.RunForm(),
        "rules": venue.spec.reviewing, "bids": Bid.objects.filter(submission__venue=venue).count(),
        "track_demands": track_demands, "uniform_demand": {k for _, k in track_demands} <= {venue.spec.reviewing.reviewers_per_paper},
        "open_slots": selectors.open_slots(request.user, venue),
    })


@require_POST
def run_start(request, venue_slug):
    venue = venue_for_request(request, venue_slug, Need.MANAGE_POOL)
    form = forms.RunForm(request.POST)
    back = reverse("committee:assignment", args=[venue.slug])
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        return _refused(request, f"{form.fields[field].label or field.capitalize()}: {errors[0]}", status=400, venue=venue, back=back)
    data = form.cleaned_data
    try:
        assignment.run_start(venue=venue, actor=request.user, objective=data["objective"],
                             probability_limit=data.get("probability_limit"), seed=data.get("seed"))
    except ReviewingError as error:
        return _error(request, error, venue, back=reverse("committee:assignment", args=[venue.slug]))
    return redirect(reverse("committee:assignment", args=[venue.slug]) + "#run")


def run_status(request, venue_slug, run_id):
    venue = venue_for_request(request, venue_slug, Need.MANAGE_POOL)
    run = get_object_or_404(AssignmentRun, venue=venue, public_id=run_id)
    response = render(request, "committee/_run.html", {"venue": venue, "run": run, "polling": True})
    if not run.active and request.GET.get("was") == "active":
        response["HX-Refresh"] = "true"  # the proposal below changed: reload the page
    return response


@require_POST
def run_cancel(request, venue_slug, run_id):
    venue = venue_for_request(request, venue_slug, Need.MANAGE_POOL)
    run = get_object_or_404(AssignmentRun, venue=venue, public_id=run_id)
    try:
        run = assignment.run_cancel(run=run, actor=request.user)
    except ReviewingError as error:
        if not _is_htmx(request):
            return _error(request, error, venue, back=reverse("committee:assignment", args=[venue.slug]))
        run.refresh_from_db()
    if _is_htmx(request):
        return render(request, "committee/_run.html", {"venue": venue, "run": run, "polling": True})
    messages.info(request, "Cancel requested; the run stops before its next phase.")
    return redirect(reverse("committee:assignment", args=[venue.slug]) + "#run")


def _reviewer_user(venue: Venue, email: str):
    from allauth.account.models import EmailAddress

    user = get_user_model().objects.filter(email__iexact=email).first()
    if user is None:
        address = EmailAddress.objects.filter(email__iexact=email).select_related("user").first()
        user = address.user if address else None
    if user is None:
        raise ReviewingError(f"No reviewer with the address {email}.", 400, "reviewer")
    return user


def _edited(request, venue: Venue, result):
    for warning in result.warnings:
        messages.warning(request, warning)
    messages.success(request, result.message)
    return redirect(reverse("committee:assignment", args=[venue.slug]) + "#proposal")


@require_POST
def pair_add(request, venue_slug, public_id):
    venue = venue_for_request(request, venue_slug, Need.MANAGE_POOL)
    submission = Submission.objects.filter(venue=venue, public_id=public_id).first()
    if submission is None:
        raise Http404("No such paper")
    form = forms.PairForm(request.POST)
    back = reverse("committee:assignment", args=[venue.slug])
    if not form.is_valid():
        return _refused(request, form.errors["reviewer"][0], status=400, venue=venue, back=back)
    try:
        result = assignment.pair_add(venue=venue, submission=submission, user=_reviewer_user(venue, form.cleaned_data["reviewer"]), actor=request.user)
    except ReviewingError as error:
        return _error(request, error, venue, back=back)
    return _edited(request, venue, result)


def _assignable_paper(request, venue_slug: str, public_id: str) -> tuple[Venue, Submission]:
    """The venue and the paper whose reviewers the viewer may change: unconflicted chairs;
    anyone else gets the 404 of a missing paper."""
    venue = venue_for_request(request, venue_slug, Need.MANAGE_POOL)
    submission = Submission.objects.filter(venue=venue, public_id=public_id).first()
    if submission is None or not policy.can_assign_paper(request.user, submission):
        raise Http404("No such paper")
    return venue, submission


def pair_alternates(request, venue_slug, public_id):
    """Who could review this paper instead (after a chair removed a reviewer): up to five,
    each with a one-click "Assign instead" through pair_add."""
    venue, submission = _assignable_paper(request, venue_slug, public_id)
    back = reverse("committee:assignment", args=[venue.slug])
    try:
        rows = assignment.alternates(venue=venue, submission=submission, actor=request.user)
    except ReviewingError as error:
        return _error(request, error, venue, back=back)
    current = Assignment.objects.filter(submission=submission, kind=Assignment.Kind.REVIEWER).count()
    import datetime as dt

    from paperdesk import clock

    return render(request, "committee/alternates.html", {
        "venue": venue, "submission": submission, "alternates": rows, "current": current, "needed": demands.of(venue, submission),
        "emergency_default": venue.local(clock.now() + dt.timedelta(days=7)).date().isoformat(),
        "published": Assignment.objects.filter(submission=submission, kind=Assignment.Kind.REVIEWER, published=True).exists(),
        "emergency_offers": assignment.emergency_offers(submission),
    })


@require_POST
def pair_emergency(request, venue_slug, public_id):
    """Assign an emergency reviewer: published at once, with a shorter deadline."""
    from . import deadlines

    venue, submission = _assignable_paper(request, venue_slug, public_id)
    back = reverse("committee:pair_alternates", args=[venue.slug, submission.public_id])
    form = forms.PairForm(request.POST)
    if not form.is_valid():
        return _refused(request, form.errors["reviewer"][0], status=400, venue=venue, back=back)
    deadline = deadlines.parse(venue, request.POST.get("deadline", ""))
    if deadline is None:
        return _refused(request, deadlines.how_to_write(venue), status=400, venue=venue, back=back)
    try:
        result = assignment.emergency_assign(venue=venue, submission=submission, user=_reviewer_user(venue, form.cleaned_data["reviewer"]),
                                             actor=request.user, deadline=deadline)
    except ReviewingError as error:
        return _error(request, error, venue, back=back)
    return _edited(request, venue, result)

@require_POST
def emergency_invite(request, venue_slug, public_id):
    """Invite someone who is not an accepted reviewer as this paper's emergency reviewer."""
    from . import deadlines

    venue, submission = _assignable_paper(request, venue_slug, public_id)
    back = reverse("committee:pair_alternates", args=[venue.slug, submission.public_id])
    form = forms.EmergencyInviteForm(request.POST)
    if not form.is_valid():
        return _refused(request, " ".join(str(e) for errors in form.errors.values() for e in errors), status=400, venue=venue, back=back)
    deadline = deadlines.parse(venue, request.POST.get("deadline", ""))
    if deadline is None:
        return _refused(request, deadlines.how_to_write(venue), status=400, venue=venue, back=back)
    try:
        offer = assignment.emergency_invite(venue=venue, submission=submission, email=form.cleaned_data["email"], name=form.cleaned_data["name"],
                                            actor=request.user, deadline=deadline)
    except ReviewingError as error:
        return _error(request, error, venue, back=back)
    messages.success(request, f"{offer.name or offer.email} ({offer.email}) is invited to review #{submission.number} as its emergency reviewer, "
                              f"due {venue.moment_text(offer.deadline)}; the offer ends then. You are e-mailed their answer.")
    return redirect(back)


@require_POST
def emergency_withdraw(request, venue_slug, public_id, invitation_id):
    """Withdraw a pending emergency invitation (its link closes; the invitee is e-mailed)."""
    venue, submission = _assignable_paper(request, venue_slug, public_id)
    back = reverse("committee:pair_alternates", args=[venue.slug, submission.public_id])
    try:
        offer = assignment.emergency_invitation_withdraw(venue=venue, submission=submission, public_id=invitation_id, actor=request.user)
    except ReviewingError as error:
        return _error(request, error, venue, back=back)
    messages.success(request, f"The invitation of {offer.name or offer.email} ({offer.email}) to review #{submission.number} is withdrawn; "
                              "its link no longer works and they are e-mailed.")
    return redirect(back + "#emergency-offers")


def emergency_invitation(request, token):
    """The invitee's page: the paper's title and deadline; accept (signed in with any
    account) or decline. Answered, expired and unknown links get the neutral page."""
    offer = assignment.emergency_offer(token)
    if offer is None:
        return _closed_invitation(request)
    venue = offer.venue
    request.venue = venue
    if request.method == "POST":
        form = forms.EmergencyAnswerForm(request.POST)
        if form.is_valid():
            try:
                if form.cleaned_data["answer"] == "decline":
                    assignment.emergency_invitation_decline(token=token, actor=request.user)
                    return _closed_invitation(request, declined=True)
                row = assignment.emergency_invitation_accept(token=token, actor=request.user)
            except ReviewingError as error:
                if error.status == 404:
                    return _closed_invitation(request)
                return _refused(request, error.message, status=error.status, venue=venue)
            messages.success(request, f"Thank you: you are {row.alias} of this paper, due {venue.moment_text(row.deadline)}.")
            return redirect("reviews:paper", offer.submission.public_id)
        status = 400
    else:
        form = forms.EmergencyAnswerForm()
        status = 200
        if not request.user.is_authenticated:
            # The link reached this address: an account made with it needs no confirmation.
            from allauth.account.adapter import get_adapter

            get_adapter(request).stash_verified_email(request, offer.email)
    return render(request, "committee/emergency_invitation.html", {
        "venue": venue, "offer": offer, "title": offer.submission.title, "form": form, "next": request.path,
    }, status=status)


def _pair(venue: Venue, pair_id) -> Assignment:
    return get_object_or_404(Assignment.objects.select_related("submission__venue", "user"), pk=pair_id, submission__venue=venue, kind=Assignment.Kind.REVIEWER)


def _confirmed(request) -> bool:
    return request.POST.get("confirm") == "yes"


@require_POST
def pair_remove(request, venue_slug, pair_id):
    venue = venue_for_request(request, venue_slug, Need.MANAGE_POOL)
    pair = _pair(venue, pair_id)
    if not policy.can_assign_paper(request.user, pair.submission):
        raise Http404("No such paper")
    if pair.published and not _confirmed(request):  # ask once, naming who and what
        return render(request, "committee/confirm_remove.html", {
            "venue": venue, "pair": pair, "submission": pair.submission, "reviewer": pair.user.display_name,
            "has_review": Assignment.objects.filter(pk=pair.pk, review__isnull=False).exists(),
            "deadline": venue.moment_text(pair.deadline or venue.review_deadline),
        })
    try:
        result = assignment.pair_remove(assignment=pair, actor=request.user)
    except ReviewingError as error:
        return _error(request, error, venue, back=reverse("committee:assignment", args=[venue.slug]))
    _edited(request, venue, result)
    return redirect("committee:pair_alternates", venue.slug, pair.submission.public_id)  # who could review it instead


@require_POST
def pair_swap(request, venue_slug, pair_id):
    venue = venue_for_request(request, venue_slug, Need.MANAGE_POOL)
    pair = _pair(venue, pair_id)
    form = forms.PairForm(request.POST)
    back = reverse("committee:assignment", args=[venue.slug])
    if not form.is_valid():
        return _refused(request, form.errors["reviewer"][0], status=400, venue=venue, back=back)
    try:
        result = assignment.pair_swap(assignment=pair, user=_reviewer_user(venue, form.cleaned_data["reviewer"]), actor=request.user)
    except ReviewingError as error:
        return _error(request, error, venue, back=back)
    return _edited(request, venue, result)


@require_POST
def publish(request, venue_slug):
    venue = venue_for_request(request, venue_slug, Need.MANAGE_POOL)
    if not _confirmed(request):  # ask once, naming the papers and what follows
        try:
            preview = assignment.publish_preview(venue=venue, actor=request.user)
        except ReviewingError as error:
            return _error(request, error, venue, back=reverse("committee:assignment", args=[venue.slug]))
        if not preview.pairs:
            return _error(request, ReviewingError("There is nothing new to publish.", 409), venue, back=reverse("committee:assignment", args=[venue.slug]))
        return render(request, "committee/confirm_publish.html", {"venue": venue, "preview": preview})
    try:
        count = assignment.publish(venue=venue, actor=request.user)
    except ReviewingError as error:
        return _error(request, error, venue, back=reverse("committee:assignment", args=[venue.slug]))
    messages.success(request, f"Published {plurals.count(count, 'assignment')}; each reviewer is e-mailed the titles of their papers.")
    return redirect("committee:assignment", venue.slug)


# --- the reviewer's papers -----------------------------------------------------------------------------------

@require_safe
def my_assignments(request):
    """The reviewer's papers live on "My reviews"; this address is in e-mails already sent."""
    return redirect("reviews:dashboard")
