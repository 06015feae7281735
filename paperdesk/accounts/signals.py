"""allauth events Paperdesk reacts to (connected in AccountsConfig.ready)."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.account.signals import (
    email_added,
    email_confirmed,
    email_removed,
    password_changed,
    password_reset,
    user_signed_up,
)
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.dispatch import receiver

from . import events, services


def _tell(request, result: services.Confirmation, email: str) -> None:
    if request is None or not hasattr(request, "_messages"):
        return
    if result.auto_approved:
        messages.success(request, f"Your account is now active: {email} is an institutional address.")
    if result.pending_invitations:
        n = result.pending_invitations
        messages.info(request, f"{n} submission{'s' if n != 1 else ''} list{'' if n != 1 else 's'} {email} as an author: confirm or decline on “Invitations to co-author” (My submissions).")


@receiver(email_confirmed, dispatch_uid="paperdesk.accounts.email_confirmed")
def on_email_confirmed(sender, request=None, email_address=None, **kwargs):
    if email_address is None:
        return
    result = services.email_confirmed(user=email_address.user, email=email_address.email)
    _tell(request, result, email_address.email)


@receiver(user_signed_up, dispatch_uid="paperdesk.accounts.user_signed_up")
def on_user_signed_up(sender, request=None, user=None, **kwargs):
    """An address that is verified at sign-up (e.g. reached through an invitation link)
    never sends `email_confirmed`: treat it as confirmed here."""
    if user is None:
        return
    for address in EmailAddress.objects.filter(user=user, verified=True):
        services.email_confirmed(user=user, email=address.email)


@receiver(password_changed, dispatch_uid="paperdesk.accounts.password_changed")
@receiver(password_reset, dispatch_uid="paperdesk.accounts.password_reset")
def on_password_chosen(sender, request=None, user=None, **kwargs):
    """A password the person chose ends the one-time password's forced change."""
    if user is not None and getattr(user, "must_change_password", False):
        get_user_model().objects.filter(pk=user.pk).update(must_change_password=False)
        user.must_change_password = False


@receiver(email_added, dispatch_uid="paperdesk.accounts.email_added")
@receiver(email_removed, dispatch_uid="paperdesk.accounts.email_removed")
def on_email_list_changed(sender, request=None, user=None, email_address=None, **kwargs):
    """The anonymity check looks for every address on the account: a new or removed one
    changes what it looks for (a confirmation is announced by services.email_confirmed)."""
    if user is not None:
        events.announce_identities_changed(user=user, fields=["emails"])
