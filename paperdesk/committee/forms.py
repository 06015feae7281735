"""Forms of the reviewing pages: they parse and validate input; services decide."""

from __future__ import annotations

from django import forms
from django.core.validators import MaxValueValidator

from paperdesk.publications import KINDS, LABELS, MAX_BYTES
from paperdesk.venues.models import Venue

from .models import PoolMember


def _topic_choices(venue: Venue):
    return [(t.slug, t.name) for t in venue.topics.order_by("position")]


class ExpertiseMixin:
    def _setup(self, venue: Venue):
        self.venue = venue
        self.fields["expertise"].choices = _topic_choices(venue)
        ceiling = venue.spec.reviewing.max_load
        self.fields["max_load"].max_value = ceiling
        self.fields["max_load"].widget.attrs.update({"min": 1, "max": ceiling})
        self.fields["max_load"].validators.append(MaxValueValidator(ceiling))
        self.fields["max_load"].help_text = f"Empty: the venue's maximum of {ceiling} papers."


class VolunteerForm(ExpertiseMixin, forms.Form):
    expertise = forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple, required=True, label="Your expertise",
                                          help_text="The topic areas you can review; used to match you to papers.")
    max_load = forms.IntegerField(min_value=1, required=False, label="Most papers you can review")
    statement = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=2000, required=False, label="A short statement",
                                help_text="Your background in interpretability, earlier reviewing (optional, for the chairs).")

    def __init__(self, venue: Venue, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup(venue)


class ProfileForm(ExpertiseMixin, forms.Form):
    expertise = forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple, required=False, label="Expertise")
    max_load = forms.IntegerField(min_value=1, required=False, label="Most papers you can review")

    def __init__(self, venue: Venue, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup(venue)


class InviteForm(forms.Form):
    people = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 10, "placeholder": "jane@uni.edu\nJane Doe,jane@uni.edu,reviewer\n\"Doe, John\",john@lab.org,area_chair"}),
        max_length=200_000, label="People to invite",
        help_text="One per line: an e-mail address, or CSV name,email,role (role: reviewer or area_chair; a header line is skipped).",
    )
    role = forms.ChoiceField(choices=PoolMember.Role.choices, initial=PoolMember.Role.REVIEWER, label="Role when a line names none")
    message = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=2000, required=False, label="A personal message (optional)",
                              help_text="Added to the invitation e-mail.")


class InvitationAnswerForm(forms.Form):
    answer = forms.ChoiceField(choices=[("accept", "Accept"), ("reduce", "Accept with a reduced load"), ("decline", "Decline")], widget=forms.RadioSelect)
    max_load = forms.IntegerField(min_value=1, required=False, label="Papers I can review")


class PublicationImportForm(forms.Form):
    kind = forms.ChoiceField(choices=[("", "Detect from the file")] + [(k, LABELS[k]) for k in KINDS], required=False, label="Format")
    file = forms.FileField(required=False, label="A file", help_text="BibTeX (.bib), JSON, CSV (title,abstract,year,authors), or a DBLP XML export (dblp.org → your page → export → XML).")
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), required=False, max_length=MAX_BYTES["bibtex"], label="…or paste BibTeX, JSON or CSV")

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload and data.get("text"):
            raise forms.ValidationError("Give a file or pasted text, not both.")
        if not upload and not (data.get("text") or "").strip():
            raise forms.ValidationError("Choose a file or paste your publications.")
        if upload and upload.size > max(MAX_BYTES.values()):
            raise forms.ValidationError(f"The file is larger than {max(MAX_BYTES.values()) // 1_000_000} MB.")
        return data


class PublicationForm(forms.Form):
    title = forms.CharField(max_length=500)
    abstract = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000)
    year = forms.IntegerField(min_value=1900, max_value=2199, required=False)
    coauthors = forms.CharField(required=False, max_length=5000, label="Co-authors", help_text="Separated by semicolons.")


class DeclarationForm(forms.Form):
    email = forms.EmailField(required=False, label="E-mail address")
    name = forms.CharField(max_length=200, required=False, label="Full name")
    institution = forms.CharField(max_length=200, required=False, label="…or an institution", help_text="A name (University of Oxford) or a mail domain (ox.ac.uk).")
    note = forms.CharField(max_length=200, required=False, label="Why (optional)", help_text="e.g. advisor, recent collaborator, family.")

    def clean(self):
        data = super().clean()
        if not (data.get("email") or data.get("name") or data.get("institution")) and not self.errors:
            raise forms.ValidationError("Give a person's e-mail address or name, or an institution.")
        return data


class AliasForm(forms.Form):
    name = forms.CharField(max_length=200, label="Institution")
    domains = forms.CharField(required=False, max_length=2000, label="Mail domains", help_text="Comma-separated, e.g. deepmind.com, google.com.")
    names = forms.CharField(required=False, max_length=2000, label="Other names", help_text="Comma-separated, e.g. Google DeepMind, DeepMind.")


class RunForm(forms.Form):
    objective = forms.ChoiceField(choices=[("total", "Highest total affinity"), ("fair", "Fair: raise the weakest paper first"),
                                           ("randomized", "Randomized: no pair more likely than the cap")], initial="total")
    probability_limit = forms.FloatField(min_value=0.01, max_value=1, required=False, initial=0.5, label="Probability cap",
                                         help_text="Randomized only: no reviewer gets a paper with a probability above this.")
    seed = forms.IntegerField(min_value=0, max_value=2**31 - 1, required=False, label="Seed",
                              help_text="Randomized only; empty: drawn at random (recorded either way).")


class ReviewerField(forms.CharField):
    """A reviewer picked from the datalist ("Name <email>") or typed as an e-mail address."""

    def clean(self, value):
        value = super().clean(value)
        if "<" in value and value.endswith(">"):
            value = value.rsplit("<", 1)[1][:-1]
        value = value.strip().lower()
        if "@" not in value:
            raise forms.ValidationError("Pick a reviewer from the list (or type their e-mail address).")
        return value


class PairForm(forms.Form):
    reviewer = ReviewerField(max_length=300)


class EmergencyInviteForm(forms.Form):
    """Someone outside the pool (or invited and silent) as a paper's emergency reviewer."""

    name = forms.CharField(max_length=200, label="Name")
    email = forms.EmailField(max_length=254, label="E-mail address")


class EmergencyAnswerForm(forms.Form):
    answer = forms.ChoiceField(choices=[("accept", "Accept: I review this paper by the deadline"), ("decline", "Decline")],
                               widget=forms.RadioSelect, initial="accept")
