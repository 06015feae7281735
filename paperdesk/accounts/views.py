"""Accounts pages: the person's status and profile, and the chairs' moderation queue.
Views parse, call a service or selector, and render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from paperdesk import plurals, policy

from . import selectors, services
from .forms import AffiliationFormSet, ProfileForm, RejectForm, affiliation_initial


@login_required
def status(request):
    return render(request, "accounts/status.html", {"standing": selectors.standing_of(request.user)})


@login_required
def profile(request):
    user = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST)
        formset = AffiliationFormSet(request.POST, initial=affiliation_initial(user), prefix="aff")
        if form.is_valid() and formset.is_valid():
            saved = services.profile_update(user=user, actor=user, profile=form.to_input(), affiliations=formset.to_inputs())
            messages.success(request, "Your profile is saved.")
            if saved.papers_rechecked:
                messages.info(request, f"The anonymity check of {plurals.count(saved.papers_rechecked, 'paper')} you are an "
                                       "author of runs again, to look for what you changed: see each paper's check.")
            return redirect("accounts:profile")
        messages.error(request, "Your profile is not saved: please correct the fields marked below.")
        response_status = 400
    else:
        form = ProfileForm(initial=ProfileForm.initial_for(user))
        formset = AffiliationFormSet(initial=affiliation_initial(user), prefix="aff")
        response_status = 200
    from allauth.account.models import EmailAddress

    context = {
        "form": form,
        "formset": formset,
        "emails": EmailAddress.objects.filter(user=user).order_by("-primary", "email"),
        "standing": selectors.standing_of(user),
    }
    return render(request, "accounts/profile.html", context, status=response_status)


def _require_moderator(user) -> None:
    if not policy.can_moderate_accounts(user):
        raise Http404("No such page")


def _queue_context(request, refused=None) -> dict:
    sort = request.GET.get("sort") if request.GET.get("sort") in selectors.QUEUE_SORTS else "oldest"
    page = selectors.moderation_queue(request.user, request.GET.get("page"), sort)
    if refused is not None:
        for account in page.object_list:
            if account.pk == refused.pk:
                account.row_error, account.reason_draft = refused.row_error, refused.reason_draft
    return {
        "page": page,
        "rules": selectors.account_rules(),
        "unconfirmed_count": selectors.unconfirmed_pending_count(request.user),
        "rejected": selectors.recently_rejected(request.user),
        "sort": sort,
        "sorts": [(key, label) for key, (label, _) in selectors.QUEUE_SORTS.items()],
    }


@login_required
def moderation(request):
    _require_moderator(request.user)
    return render(request, "accounts/moderation.html", _queue_context(request))


def _decided(request, account, message: str):
    """After a decision: the updated row for htmx, else back to the queue with a message."""
    if request.headers.get("HX-Request"):
        return render(request, "accounts/_moderation_row.html", {"account": account, "decided": message})
    messages.success(request, message)
    return redirect("accounts:moderation")


def _refused(request, account, error: str, status: int, reason: str = ""):
    account.row_error, account.reason_draft = error, reason
    if request.headers.get("HX-Request"):
        # htmx swaps only 2xx answers: the row comes back with the message in it.
        selectors.for_queue(account)
        return render(request, "accounts/_moderation_row.html", {"account": account})
    messages.error(request, error)
    return render(request, "accounts/moderation.html", _queue_context(request, refused=account), status=status)


@login_required
@require_POST
def moderation_approve(request, account_id: int):
    account = policy.get_account_for_moderation(request.user, account_id)
    try:
        account = services.account_approve(account=account, actor=request.user)
    except services.AccountError as error:
        return _refused(request, account, error.message, error.status)
    return _decided(request, account, f"Approved {account.email}; they have been told by e-mail.")


@login_required
@require_POST
def moderation_reject(request, account_id: int):
    account = policy.get_account_for_moderation(request.user, account_id)
    form = RejectForm(request.POST)
    if not form.is_valid():
        return _refused(request, account, form.errors["reason"][0], 400, request.POST.get("reason", ""))
    try:
        account = services.account_reject(account=account, actor=request.user, reason=form.cleaned_data["reason"])
    except services.AccountError as error:
        return _refused(request, account, error.message, error.status, form.cleaned_data["reason"])
    return _decided(request, account, f"Rejected {account.email}; they have been told the reason by e-mail.")


@login_required
@require_POST
def moderation_bulk(request):
    """Many accounts at once: the first POST shows what will happen (who, which e-mail);
    the confirmed one decides them all, each audited and told by e-mail."""
    _require_moderator(request.user)
    action = request.POST.get("action", "")
    reason = request.POST.get("reason", "")
    account_ids = services.parse_account_ids(request.POST.getlist("accounts"))
    if request.POST.get("confirm") != "yes":
        problem = None
        if action not in ("approve", "reject"):
            problem = "Choose to approve or to reject the selected accounts."
        elif not account_ids:
            problem = "Select at least one account first (tick the boxes in the first column)."
        elif len(account_ids) > services.BULK_LIMIT:
            problem = f"Select at most {services.BULK_LIMIT} accounts at a time."
        elif action == "reject" and not reason.strip():
            problem = "Give a reason for the rejection; it is sent to each person."
        if problem:
            messages.error(request, problem)
            return render(request, "accounts/moderation.html", _queue_context(request), status=400)
        accounts = selectors.accounts_for_decision(request.user, account_ids)
        undecidable = [a for a in accounts if (action == "approve" and a.is_approved) or (action == "reject" and a.moderation_status != "pending")]
        return render(request, "accounts/moderation_confirm.html", {
            "action": action, "reason": reason.strip(), "accounts": accounts, "undecidable": undecidable,
            "deciding": len(accounts) - len(undecidable),
        })
    try:
        result = services.accounts_decide_in_bulk(account_ids=account_ids, actor=request.user, action=action, reason=reason)
    except services.AccountError as error:
        messages.error(request, error.message)
        return render(request, "accounts/moderation.html", _queue_context(request), status=error.status)
    done = len(result.decided)
    verb = "Approved" if action == "approve" else "Rejected"
    if done:
        messages.success(request, f"{verb} {plurals.count(done, 'account')}; each person has been told by e-mail.")
    for email, why in result.skipped:
        messages.warning(request, f"{email}: not changed. {why}")
    return redirect("accounts:moderation")
