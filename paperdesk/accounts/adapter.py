"""Paperdesk's hooks into django-allauth: the full name and the moderation status of a new
account, where people land after signing in, and the venue in allauth's e-mails."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse

from paperdesk.venues.context import default_venue

from . import services


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "too_many_login_attempts": "Too many failed sign-in attempts. Wait a few minutes and try again, or reset your password.",
        "email_password_mismatch": "The e-mail address or the password is not correct.",
    }

    def save_user(self, request, user, form, commit=True):
        data = form.cleaned_data
        full_name = " ".join((data.get("full_name") or "").split())
        if full_name:
            user.full_name = full_name
        user.moderation_status = services.initial_status_for(data.get("email") or "")
        saved = super().save_user(request, user, form, commit=commit) or user
        if commit:
            services.account_signed_up(user=saved)
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
        super().send_mail(template_prefix, email, {"venue": default_venue(), **context})
