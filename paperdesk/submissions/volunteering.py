"""Whom a submission's receipt asks to volunteer as reviewers (the call for papers asks the
(co-)first authors of submitted papers, requested, not required)."""

from __future__ import annotations

from .models import Authorship, Submission


def volunteer_ask(submission: Submission, authorships: list[Authorship]) -> str:
    """The (co-)first authors the call for papers asks to volunteer as reviewers, as "A and
    B" ("" when the venue does not ask, or the paper is not submitted): the first author and
    every author marked co-first."""
    reviewing = submission.venue.spec.reviewing
    if submission.status != Submission.Status.SUBMITTED or not (reviewing.ask_first_authors_to_volunteer and reviewing.volunteer_form):
        return ""
    names = [a.name for a in sorted(authorships, key=lambda a: a.position) if (a.position == 1 or a.is_co_first) and a.declined_at is None]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]
