"""Forms of the accounts pages: sign-up (allauth's, with the full name), profile,
affiliations and the moderation decision. They validate and normalise; services write."""

from __future__ import annotations

import re

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError

from paperdesk import clock

from . import identifiers
from .services import MAX_REASON_LENGTH, AffiliationInput, ProfileInput

MAX_OTHER_NAMES = 20
DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def _clean_name(value: str) -> str:
    return " ".join((value or "").split())


class SignupForm(AllauthSignupForm):
    """allauth's sign-up form (e-mail, password twice) with the person's full name first.
    Installed with ACCOUNT_FORMS = {"signup": "paperdesk.accounts.forms.SignupForm"}."""

    full_name = forms.CharField(
        label="Full name",
        max_length=200,
        help_text="As it appears on your papers.",
        widget=forms.TextInput(attrs={"autocomplete": "name", "placeholder": "Ada Lovelace"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["full_name", "email"])
        self.fields["email"].label = "E-mail address"
        self.fields["email"].widget.attrs["placeholder"] = "you@university.edu"
        self.fields["email"].help_text = (
            "Use your institutional address if you have one: accounts with an institutional "
            "address are active at once, others wait for a program chair's approval."
        )

    def clean_full_name(self) -> str:
        name = _clean_name(self.cleaned_data.get("full_name", ""))
        if not name:
            raise ValidationError("Enter your full name.")
        return name

    def try_save(self, request):
        """A known address gets the same answer as a new one (allauth, with
        ACCOUNT_PREVENT_ENUMERATION, mails the owner "someone tried to sign up with your
        address" and shows the usual "confirm your address" page). It must also take the
        same time: a new account costs one password hash, which dominates a sign-up, so the
        known-address path hashes the typed password too and throws the hash away."""
        if getattr(self, "account_already_exists", False):
            make_password(self.cleaned_data.get("password1") or "")
        return super().try_save(request)


class ProfileForm(forms.Form):
    full_name = forms.CharField(label="Full name", max_length=200, help_text="As it appears on your papers.")
    other_names = forms.CharField(
        label="Other names used in papers",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "A. Lovelace\nAugusta Ada King"}),
        help_text="One per line: earlier names, transliterations, initials. The anonymity check searches submissions for each of them.",
    )
    github = forms.CharField(label="GitHub username", required=False, max_length=200, help_text="E.g. octocat; a pasted profile URL is fine.")
    huggingface = forms.CharField(label="HuggingFace username", required=False, max_length=200, help_text="E.g. julien-c; a pasted profile URL is fine.")
    orcid = forms.CharField(label="ORCID iD", required=False, max_length=100, help_text="E.g. 0000-0002-1825-0097 or https://orcid.org/0000-0002-1825-0097.")
    website = forms.URLField(label="Personal website", required=False, max_length=200, assume_scheme="https")

    @classmethod
    def initial_for(cls, user) -> dict:
        return {
            "full_name": user.full_name,
            "other_names": "\n".join(user.other_names or []),
            "github": user.github,
            "huggingface": user.huggingface,
            "orcid": user.orcid,
            "website": user.website,
        }

    def clean_full_name(self) -> str:
        name = _clean_name(self.cleaned_data["full_name"])
        if not name:
            raise ValidationError("Enter your full name.")
        return name

    def clean_other_names(self) -> list[str]:
        names: list[str] = []
        full_name = _clean_name(self.cleaned_data.get("full_name", "")).casefold()
        for line in (self.cleaned_data.get("other_names") or "").splitlines():
            name = _clean_name(line)
            if not name or name.casefold() == full_name or name.casefold() in {n.casefold() for n in names}:
                continue
            if len(name) > 200:
                raise ValidationError(f"“{name[:40]}…” is longer than 200 characters.")
            names.append(name)
        if len(names) > MAX_OTHER_NAMES:
            raise ValidationError(f"List at most {MAX_OTHER_NAMES} other names.")
        return names

    def _identifier(self, name: str, parse) -> str:
        try:
            return parse(self.cleaned_data.get(name, ""))
        except identifiers.InvalidIdentifier as error:
            raise ValidationError(str(error)) from None

    def clean_github(self) -> str:
        return self._identifier("github", identifiers.github_username)

    def clean_huggingface(self) -> str:
        return self._identifier("huggingface", identifiers.huggingface_username)

    def clean_orcid(self) -> str:
        return self._identifier("orcid", identifiers.orcid)

    def to_input(self) -> ProfileInput:
        data = self.cleaned_data
        return ProfileInput(
            full_name=data["full_name"],
            other_names=data["other_names"],
            github=data["github"],
            huggingface=data["huggingface"],
            orcid=data["orcid"],
            website=data["website"],
        )


class AffiliationForm(forms.Form):
    institution = forms.CharField(label="Institution", max_length=200, widget=forms.TextInput(attrs={"placeholder": "University of Oxford"}))
    email_domain = forms.CharField(
        label="E-mail domain",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "ox.ac.uk"}),
    )
    start_year = forms.IntegerField(label="From", required=False, min_value=1900, widget=forms.NumberInput(attrs={"placeholder": "2019"}))
    end_year = forms.IntegerField(label="Until", required=False, min_value=1900, widget=forms.NumberInput(attrs={"placeholder": "now"}))

    def clean_institution(self) -> str:
        return _clean_name(self.cleaned_data["institution"])

    def clean_email_domain(self) -> str:
        value = (self.cleaned_data.get("email_domain") or "").strip().lower()
        value = value.rpartition("@")[2].strip(".")
        if value and not DOMAIN.match(value):
            raise ValidationError(f"“{value}” is not an e-mail domain (e.g. ox.ac.uk).")
        return value

    def clean(self):
        data = super().clean()
        latest = clock.now().year + 10
        start, end = data.get("start_year"), data.get("end_year")
        for name, year in (("start_year", start), ("end_year", end)):
            if year is not None and year > latest:
                self.add_error(name, f"Enter a year up to {latest}.")
        if start is not None and end is not None and end < start:
            self.add_error("end_year", "The end year is before the start year.")
        return data


class BaseAffiliationFormSet(forms.BaseFormSet):
    def to_inputs(self) -> list[AffiliationInput]:
        rows = []
        for index, form in enumerate(self.forms):
            blank_extra = index >= self.initial_form_count() and not form.has_changed()
            if blank_extra or self._should_delete_form(form):
                continue
            data = form.cleaned_data
            rows.append(AffiliationInput(data["institution"], data.get("email_domain", ""), data.get("start_year"), data.get("end_year")))
        return rows


AffiliationFormSet = forms.formset_factory(
    AffiliationForm,
    formset=BaseAffiliationFormSet,
    extra=1,
    can_delete=True,
    max_num=20,
    validate_max=True,
)


def affiliation_initial(user) -> list[dict]:
    from .selectors import affiliations_ordered

    return [
        {"institution": a.institution, "email_domain": a.email_domain, "start_year": a.start_year, "end_year": a.end_year}
        for a in affiliations_ordered(user.affiliations.all())
    ]


class RejectForm(forms.Form):
    reason = forms.CharField(
        label="Reason (sent to the person)",
        max_length=MAX_REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Give a reason for the rejection; it is sent to the person."},
    )

    def clean_reason(self) -> str:
        reason = (self.cleaned_data.get("reason") or "").strip()
        if not reason:
            raise ValidationError("Give a reason for the rejection; it is sent to the person.")
        return reason
