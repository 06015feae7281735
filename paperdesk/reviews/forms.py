"""The review form, built from the venue's `[review_form]` configuration."""

from __future__ import annotations

from django import forms

from paperdesk.venueconfig.spec import ReviewForm

COMMENTS_MAX_CHARS = 20000
DISCUSSION_MAX_CHARS = 10000
META_REVIEW_MAX_CHARS = 20000


def answer_field_name(key: str) -> str:
    return f"q_{key}"


class ReviewFormBase(forms.Form):
    """Every field is optional here: a draft may be partial. What a submitted review must
    hold is the service's rule (`reviews.services.review_save`)."""

    spec: ReviewForm

    def answers(self) -> dict[str, str]:
        return {q.key: self.cleaned_data.get(answer_field_name(q.key)) or "" for q in self.spec.questions}


def review_form_class(spec: ReviewForm) -> type[ReviewFormBase]:
    fields: dict[str, forms.Field] = {}
    for question in spec.questions:
        name = answer_field_name(question.key)
        if question.kind == "choice":
            fields[name] = forms.ChoiceField(
                label=question.label, help_text=question.help, required=False,
                choices=[(o.slug, o.name) for o in question.options], widget=forms.RadioSelect,
            )
        else:
            fields[name] = forms.CharField(
                label=question.label, help_text=question.help, required=False, max_length=question.max_chars, strip=True,
                widget=forms.Textarea(attrs={"rows": 5, "maxlength": question.max_chars}),
            )
    fields["overall"] = forms.TypedChoiceField(
        label=spec.overall.label, help_text=spec.overall.help, required=False, coerce=int, empty_value=None,
        choices=[(level.value, f"{level.value}: {level.label}") for level in spec.overall.levels], widget=forms.RadioSelect,
    )
    fields["confidence"] = forms.TypedChoiceField(
        label=spec.confidence.label, help_text=spec.confidence.help, required=False, coerce=int, empty_value=None,
        choices=[(level.value, f"{level.value}: {level.label}") for level in spec.confidence.levels], widget=forms.RadioSelect,
    )
    fields["comments_to_chairs"] = forms.CharField(
        label=spec.comments_to_chairs, required=False, max_length=COMMENTS_MAX_CHARS, strip=True,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": COMMENTS_MAX_CHARS}),
    )
    return type("ReviewForm", (ReviewFormBase,), {**fields, "spec": spec})


def initial_from_review(review) -> dict:
    if review is None:
        return {}
    initial = {answer_field_name(key): value for key, value in (review.answers or {}).items()}
    initial.update(overall=review.overall, confidence=review.confidence, comments_to_chairs=review.comments_to_chairs)
    return initial


class MetaReviewForm(forms.Form):
    recommendation = forms.ChoiceField(label="Recommendation", choices=(), widget=forms.RadioSelect)
    text = forms.CharField(
        label="Meta-review", required=False, max_length=META_REVIEW_MAX_CHARS, strip=True,
        help_text="What the reviews agree and disagree on, and why you recommend this outcome. The authors read it after the decision is released (without reviewer identities).",
        widget=forms.Textarea(attrs={"rows": 8, "maxlength": META_REVIEW_MAX_CHARS}),
    )

    def __init__(self, venue, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recommendation"].choices = [(o.slug, o.name) for o in venue.spec.outcomes]


class MomentForm(forms.Form):
    """A moment in the venue's time zone (reverting reviews to their state then)."""

    at = forms.DateTimeField(
        label="Moment",
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={"required": "Choose the moment to go back to.",
                        "invalid": "Write the moment as YYYY-MM-DD HH:MM (the venue's time zone)."},
    )

    def __init__(self, venue, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.venue = venue
        self.fields["at"].help_text = f"In the venue's time zone ({venue.timezone})."

    def clean_at(self):
        import datetime as dt

        value = self.cleaned_data["at"]
        # The browser sends a wall-clock time; it means the venue's time zone, not the server's.
        return value.replace(tzinfo=None).replace(tzinfo=self.venue.tzinfo).astimezone(dt.UTC)
