"""Paperdesk's hooks into django-allauth: the full name and the moderation status of a new
account, where people land after signing in, and the venue in allauth's e-mails."""

from __future__ import annotations

from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.urls import reverse

from paperdesk.venues.context import default_venue

from . import services


def venue_of_next(request):
    """The venue a person signs up for: the one whose page they were sent on to (`next`,
    e.g. /v/<venue>/submit/), if any."""
    from django.urls import Resolver404, resolve

    from paperdesk.venues.lookup import find_venue

    for value in (request.POST.get("next"), request.GET.get("next")) if request is not None else ():
        path = urlsplit(value or "").path
        if not path.startswith("/v/"):
            continue
        try:
            slug = resolve(path).kwargs.get("venue_slug")
        except Resolver404:
            continue
        found = find_venue(slug)
        if found is not None:
            return found
    return None


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "too_many_login_attempts": "Too many failed sign-in attempts. Wait a few minutes and try again, or reset your password.",
        "email_password_mismatch": "The e-mail address or the password is not correct.",
    }

    def _get_login_attempts_cache_key(self, request, **credentials):
        # allauth counts failed sign-ins per "key" (ACCOUNT_RATE_LIMITS["login_failed"], the
        # ".../key" rate) with the key built here, by default the address alone: five wrong
        # passwords from anywhere then locked the owner out everywhere. The key is the
        # (address, client IP) pair instead, so a guesser locks out only their own address;
        # the "/ip" rate still bounds one client across all addresses. REMOTE_ADDR is the
        # client's address (paperdesk.ops.proxy rewrites it behind a trusted proxy).
        return f"{super()._get_login_attempts_cache_key(request, **credentials)}:{request.META.get('REMOTE_ADDR', '')}"

    def pre_authenticate(self, request, **credentials):
        # A refused sign-in (too many failures for this address from this client, or from
        # this client overall) is audited once per window for the chairs (security.*).
        try:
            super().pre_authenticate(request, **credentials)
        except forms.ValidationError:
            services.sign_in_locked_out(email=credentials.get("email") or credentials.get("username") or "",
                                        ip=request.META.get("REMOTE_ADDR", ""))
            raise

    def unstash_verified_email(self, request):
        # An invitation link stashes the address it was sent to, which it proves. allauth then
        # makes that address the new account's primary, verified one whatever the person typed:
        # someone who signs up with their own address (or a colleague the link was forwarded
        # to) would get the invited address instead. It counts only when it is the one typed.
        stashed = super().unstash_verified_email(request)
        typed = request.POST.get("email", "") if request is not None and request.method == "POST" else ""
        return stashed if stashed and typed.strip().lower() == stashed.strip().lower() else None

    def save_user(self, request, user, form, commit=True):
        data = form.cleaned_data
        full_name = " ".join((data.get("full_name") or "").split())
        if full_name:
            user.full_name = full_name
        user.moderation_status = services.initial_status_for(data.get("email") or "")
        saved = super().save_user(request, user, form, commit=commit) or user
        if commit:
            services.account_signed_up(user=saved, venue=venue_of_next(request))
        return saved

    def get_signup_redirect_url(self, request):
        # After confirming their address, new people see whether they can submit yet.
        return reverse("accounts:status")

    def get_login_redirect_url(self, request):
        user = request.user
        if user.is_authenticated and not user.is_approved:
            return reverse("accounts:status")
        return super().get_login_redirect_url(request)

    def get_email_verification_redirect_url(self, email_address):
        if self.request.user.is_authenticated:
            # A signed-in person who confirmed another address goes back to their addresses.
            return reverse("account_email")
        return super().get_email_verification_redirect_url(email_address)

    def send_mail(self, template_prefix, email, context):
        from paperdesk.mail import record_sent

        venue = default_venue()
        super().send_mail(template_prefix, email, {"venue": venue, **context})
        # The audit entry names the kind of message, never its link or code.
        record_sent(template_prefix.rpartition("/")[2], template_prefix, [email], venue=venue)
