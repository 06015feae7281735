"""/me/email/: a person's e-mail preferences (thin: selector, service, render)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from paperdesk.mail import ESSENTIAL_HELP, EVENTS
from paperdesk.mail.models import EmailPreference

from . import email_preferences


@login_required
def email_preferences_page(request):
    status = 200
    current = email_preferences.preferences_of(request.user)
    if request.method == "POST":
        choices = {event: request.POST.get(event, "") for event in EVENTS}
        try:
            email_preferences.set_preferences(user=request.user, actor=request.user, choices=choices)
        except email_preferences.PreferenceError as error:
            messages.error(request, str(error))
            current, status = {**current, **{k: v for k, v in choices.items() if v in email_preferences.MODES}}, 400
        else:
            messages.success(request, "Your e-mail preferences are saved.")
            return redirect("accounts:email_preferences")
    rows = [{"event": event, "label": label, "help": help_text, "mode": current[event]} for event, (label, help_text) in EVENTS.items()]
    return render(request, "accounts/email_preferences.html",
                  {"rows": rows, "modes": EmailPreference.Mode.choices, "essential_help": ESSENTIAL_HELP}, status=status)
