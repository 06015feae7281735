"""The submission form: parsing what the browser sent into the services' inputs.

Forms check shape only (required fields, lengths, choices); the services decide everything
else and their messages are shown next to the field they name.
"""

from __future__ import annotations

import datetime as dt

from django import forms

from paperdesk.venues.models import Venue

from .models import Submission, Upload
from .services import AuthorInput, FileInput, SubmissionInput

ATTEST_PREFIX = "attest_"
MAX_AUTHORS = 50


class AuthorForm(forms.Form):
    name = forms.CharField(max_length=200, required=False, widget=forms.TextInput(attrs={"placeholder": "Name", "aria-label": "Author's name", "autocomplete": "off"}))
    email = forms.EmailField(max_length=254, required=False, widget=forms.EmailInput(attrs={"placeholder": "E-mail", "aria-label": "Author's e-mail", "autocomplete": "off"}))
    affiliation = forms.CharField(max_length=200, required=False, widget=forms.TextInput(attrs={"placeholder": "Affiliation", "aria-label": "Author's affiliation", "autocomplete": "off"}))
    is_corresponding = forms.BooleanField(required=False, label="Corresponding")
    is_co_first = forms.BooleanField(required=False, label="Co-first")


class BaseAuthorFormSet(forms.BaseFormSet):
    def authors(self) -> list[AuthorInput]:
        """Author rows in the order the page shows them (the script renumbers on reorder)."""
        return [
            AuthorInput(
                email=f.cleaned_data.get("email", ""),
                name=f.cleaned_data.get("name", ""),
                affiliation=f.cleaned_data.get("affiliation", ""),
                is_corresponding=f.cleaned_data.get("is_corresponding", False),
                is_co_first=f.cleaned_data.get("is_co_first", False),
            )
            for f in self.forms
            if f.cleaned_data
        ]


AuthorFormSet = forms.formset_factory(
    AuthorForm, formset=BaseAuthorFormSet, extra=0, max_num=MAX_AUTHORS, validate_max=True, absolute_max=MAX_AUTHORS
)


def author_formset(data=None, *, user=None, submission: Submission | None = None):
    """Bound to POST data, or prefilled: the submission's authors, or the current user."""
    if data is not None:
        return AuthorFormSet(data, prefix="authors")
    if submission is not None:
        initial = [
            {"name": a.name, "email": a.email, "affiliation": a.affiliation,
             "is_corresponding": a.is_corresponding, "is_co_first": a.is_co_first}
            for a in submission.authorships.order_by("position")
        ]
    else:
        current = user.affiliations.filter(end_year__isnull=True).first() or user.affiliations.first()
        initial = [{"name": user.full_name, "email": user.email, "affiliation": current.institution if current else "",
                    "is_corresponding": True, "is_co_first": False}]
    return AuthorFormSet(initial=initial, prefix="authors")


class SubmissionForm(forms.Form):
    """Metadata, attestations and the optional files, built from the venue's rules."""

    title = forms.CharField(max_length=300, error_messages={"required": "A title is required."})
    abstract = forms.CharField(max_length=5000, widget=forms.Textarea(attrs={"rows": 8}), error_messages={"required": "An abstract is required."})
    track = forms.ChoiceField(widget=forms.RadioSelect)
    contribution_type = forms.ChoiceField(label="Type of contribution")
    primary_topic = forms.ChoiceField(label="Primary topic area")
    secondary_topics = forms.MultipleChoiceField(label="Secondary topic areas (optional)", required=False, widget=forms.CheckboxSelectMultiple)
    under_review_at = forms.CharField(max_length=300, required=False)
    attendance = forms.ChoiceField(label="In-person attendance", choices=Submission.Attendance.choices, initial=Submission.Attendance.UNSURE, widget=forms.RadioSelect)
    code_url = forms.URLField(label="Code link (optional, anonymized)", max_length=500, required=False, assume_scheme="https")
    data_url = forms.URLField(label="Data or model link (optional, anonymized)", max_length=500, required=False, assume_scheme="https")
    # Files come last in the page, so the fields above arrive before any file bytes.
    pdf = forms.FileField(label="Paper (PDF)", required=False, allow_empty_file=True)
    supplementary = forms.FileField(label="Supplementary material (optional .zip or .tar.gz)", required=False, allow_empty_file=True)

    def __init__(self, venue: Venue, *args, submission: Submission | None = None, **kwargs):
        if submission is not None and "initial" not in kwargs:
            kwargs["initial"] = initial_from(submission)
        super().__init__(*args, **kwargs)
        self.venue = venue
        rules = venue.spec.submission
        self.fields["track"].choices = [(t.slug, f"{t.name} (max. {t.max_pages} pages)") for t in venue.tracks.all()]
        topics = [(t.slug, t.name) for t in venue.topics.all()]
        self.fields["primary_topic"].choices = [("", "Choose…"), *topics]
        self.fields["secondary_topics"].choices = topics
        self.fields["contribution_type"].choices = [("", "Choose…"), *[(c.slug, c.name) for c in venue.contribution_types.all()]]
        if rules.under_review_enabled:
            self.fields["under_review_at"].label = rules.under_review_label
        else:
            del self.fields["under_review_at"]
        if not rules.in_person_question:
            del self.fields["attendance"]
        if not rules.code_links:
            del self.fields["code_url"], self.fields["data_url"]
        if not rules.supplementary:
            del self.fields["supplementary"]
        else:
            self.fields["supplementary"].help_text = f"Up to {rules.max_supplementary_mb} MB."
        self.fields["pdf"].help_text = f"Up to {rules.max_pdf_mb} MB. Checked at once against the call's rules."
        if submission is not None:
            self.fields["pdf"].label = "Upload a new version of the paper (PDF, optional)"
            if "supplementary" in self.fields:
                self.fields["supplementary"].label = "Upload a new supplementary archive (optional .zip or .tar.gz)"
        self.attestation_fields = []
        for attestation in rules.attestations:
            name = ATTEST_PREFIX + attestation.key
            self.fields[name] = forms.BooleanField(
                required=False,
                label=attestation.text,
                help_text="Required before submitting." if attestation.required else "",
            )
            self.attestation_fields.append(name)
        # Keep the file inputs last in the rendered order.
        for name in ("pdf", "supplementary"):
            if name in self.fields:
                self.fields[name] = self.fields.pop(name)

    def attestation_boundfields(self):
        return [self[name] for name in self.attestation_fields]

    def to_input(self, authors: list[AuthorInput]) -> SubmissionInput:
        data = self.cleaned_data
        return SubmissionInput(
            title=data["title"],
            abstract=data["abstract"],
            track=data["track"],
            primary_topic=data["primary_topic"],
            contribution_type=data["contribution_type"],
            authors=authors,
            secondary_topics=list(data.get("secondary_topics") or []),
            attestations={name[len(ATTEST_PREFIX):]: bool(data.get(name)) for name in self.attestation_fields},
            under_review_at=data.get("under_review_at") or "",
            attendance=data.get("attendance") or Submission.Attendance.UNSURE,
            code_url=data.get("code_url") or "",
            data_url=data.get("data_url") or "",
        )

    def file_inputs(self) -> list[FileInput]:
        return file_inputs(self.cleaned_data)


def file_inputs(cleaned_data: dict) -> list[FileInput]:
    """The files attached, as service inputs (paper first)."""
    chosen = []
    for name, kind in (("pdf", Upload.Kind.PAPER), ("supplementary", Upload.Kind.SUPPLEMENTARY)):
        upload = cleaned_data.get(name)
        if upload:
            chosen.append(FileInput(kind=kind, stream=upload, original_name=upload.name))
    return chosen


def initial_from(submission: Submission) -> dict:
    initial = {
        "title": submission.title,
        "abstract": submission.abstract,
        "track": submission.track.slug,
        "primary_topic": submission.primary_topic.slug,
        "secondary_topics": [t.slug for t in submission.secondary_topics.all()],
        "contribution_type": submission.contribution_type.slug,
        "under_review_at": submission.under_review_at,
        "attendance": submission.attendance,
        "code_url": submission.code_url,
        "data_url": submission.data_url,
    }
    for key, value in (submission.attestations or {}).items():
        initial[ATTEST_PREFIX + key] = bool(value)
    return initial


class UploadForm(forms.Form):
    """One new file for an existing submission: `pdf` or `supplementary`."""

    pdf = forms.FileField(required=False, allow_empty_file=True)
    supplementary = forms.FileField(required=False, allow_empty_file=True)

    def clean(self):
        data = super().clean()
        if not data.get("pdf") and not data.get("supplementary"):
            raise forms.ValidationError("Choose a file to upload.")
        return data

    def file_inputs(self) -> list[FileInput]:
        return file_inputs(self.cleaned_data)


class ExtensionForm(forms.Form):
    until = forms.DateTimeField(
        label="Deadline for this submission",
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="In the venue's time zone. Leave empty to remove the extension.",
    )

    def __init__(self, venue: Venue, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.venue = venue

    def clean_until(self):
        value = self.cleaned_data.get("until")
        if value is None:
            return None
        # The browser sends a wall-clock time; it means the venue's time zone, not the server's.
        naive = value.replace(tzinfo=None)
        return naive.replace(tzinfo=self.venue.tzinfo).astimezone(dt.UTC)
