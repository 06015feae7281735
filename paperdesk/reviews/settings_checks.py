"""What a change of the venue's review form would do to the reviews already written
(registered with paperdesk.venues.impact by ReviewsConfig.ready)."""

from __future__ import annotations

from django.db.models import TextField
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast

from paperdesk.venueconfig import VenueSpec
from paperdesk.venues.impact import CONFIRM, REFUSE, Effect, plural
from paperdesk.venues.models import Venue

from .models import Review


def review_form_effects(venue: Venue, old: VenueSpec, new: VenueSpec) -> list[Effect]:
    if old.review_form == new.review_form:
        return []
    reviews = Review.objects.filter(assignment__submission__venue=venue)
    effects: list[Effect] = []
    new_questions = {q.key: q for q in new.review_form.questions}
    for question in old.review_form.questions:
        # KeyTextTransform takes the key as it is (a key may hold "__", which a lookup would split).
        # (cast to text: compared as JSON, SQLite refuses the empty string)
        answer = Cast(KeyTextTransform(question.key, "answers"), output_field=TextField())
        answered = reviews.annotate(answer=answer).exclude(answer__isnull=True).exclude(answer="")
        after = new_questions.get(question.key)
        if after is None:
            count = answered.count()
            if count:
                effects.append(Effect(CONFIRM, f"Question “{question.label}” ({question.key}) is answered in {plural(count, 'review')}; "
                                               f"removing it hides these answers from everyone (they stay stored, and come back if a "
                                               f"question with the key {question.key} is added again)."))
            continue
        if after.kind != question.kind:
            count = answered.count()
            if count:
                effects.append(Effect(REFUSE, f"Question “{question.label}” ({question.key}) is answered in {plural(count, 'review')}, "
                                              f"so it cannot change from {question.kind} to {after.kind}. Add a new question instead."))
            continue
        if question.kind == "choice":
            kept = {o.slug for o in after.options}
            for option in question.options:
                if option.slug in kept:
                    continue
                count = answered.filter(answer=option.slug).count()
                if count:
                    effects.append(Effect(REFUSE, f"Option “{option.name}” ({option.slug}) of question “{question.label}” is chosen in "
                                                  f"{plural(count, 'review')}, so it cannot be removed. Keep it (you may rename it)."))
    for name in ("overall", "confidence"):
        old_scale, new_scale = getattr(old.review_form, name), getattr(new.review_form, name)
        for level in old_scale.levels:
            if level.value in new_scale.values:
                continue
            count = reviews.filter(**{name: level.value}).count()
            if count:
                effects.append(Effect(REFUSE, f"{old_scale.label}: the level {level.value} ({level.label}) is given in {plural(count, 'review')}, "
                                              f"so it cannot be removed. Keep it (you may rename it)."))
    old_keys = {q.key for q in old.review_form.questions}
    added_required = [q for q in new.review_form.questions if q.required and q.key not in old_keys]
    if added_required:
        submitted = reviews.filter(state=Review.State.SUBMITTED).count()
        if submitted:
            labels = ", ".join(f"“{q.label}”" for q in added_required)
            effects.append(Effect(CONFIRM, f"The new required question{'s' if len(added_required) > 1 else ''} {labels}: "
                                           f"{plural(submitted, 'review')} already submitted {'has' if submitted == 1 else 'have'} no "
                                           f"answer to {'them' if len(added_required) > 1 else 'it'}, and "
                                           f"{'its reviewer is' if submitted == 1 else 'their reviewers are'} not asked again."))
    return effects
