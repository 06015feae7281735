"""What the anonymity checks look for: each author's identity (names, addresses,
affiliations, GitHub and HuggingFace usernames, websites) as the checker reads it, and its
digest, which tells when a verdict was reached on identities that changed since (see
rechecks)."""

from __future__ import annotations

import hashlib
import json

from .models import Submission


def identities_for(submission: Submission, published: dict[int, tuple[str, str]] | None = None) -> list:
    """Each author's identity for the checker. `published` (authorship id -> the name and
    affiliation the authors confirmed for the camera-ready) makes those the expected ones,
    the submitted name still counting as another name."""
    from allauth.account.models import EmailAddress

    from paperdesk.checks import Identity

    identities = []
    for author in submission.authorships.select_related("user").prefetch_related("user__affiliations"):
        user = author.user
        emails = {author.email}
        affiliations = {author.affiliation} if author.affiliation else set()
        other_names: list[str] = []
        github = huggingface = website = ""
        name = author.name
        if published and author.pk in published:
            name, affiliation = published[author.pk]
            if author.name and author.name != name:
                other_names.append(author.name)
            if affiliation:
                affiliations.add(affiliation)
        if user is not None:
            emails |= set(EmailAddress.objects.filter(user=user).values_list("email", flat=True)) | {user.email}
            affiliations |= {a.institution for a in user.affiliations.all()}
            other_names = [n for n in (user.other_names or []) if n]
            if user.full_name and user.full_name != name:
                other_names.append(user.full_name)
            github, huggingface, website = user.github, user.huggingface, user.website
        # Identity holds tuples of strings (a bare string would be read letter by letter).
        identities.append(Identity(
            name=name,
            other_names=tuple(other_names),
            emails=tuple(sorted({e.lower() for e in emails if e})),
            affiliations=tuple(sorted(affiliations)),
            github=(github,) if github else (),
            huggingface=(huggingface,) if huggingface else (),
            websites=(website,) if website else (),
        ))
    return identities


def identities_digest(identities: list) -> str:
    """What the anonymity check looked for, as one SHA-256: the same people with the same
    names, addresses, usernames and affiliations give the same digest, in any order."""
    people = sorted(json.dumps({k: sorted(v) if isinstance(v, list) else v for k, v in i.to_dict().items()}, sort_keys=True)
                    for i in identities)
    return hashlib.sha256("\n".join(people).encode()).hexdigest()


def judge_form_links(submission: Submission, identities: list | None = None) -> None:
    """The form's code and data links judged against the authors' identities (a pure string
    check: paperdesk.checks.links), kept on the submission; chairs filter on links_flagged,
    reviewers see only the links that passed (supplementary.reviewer_link_rows)."""
    from paperdesk.checks.links import check_form_links, flagged

    links = {"code_url": submission.code_url or "", "data_url": submission.data_url or ""}
    if not any(links.values()):
        report = []
    else:
        report = check_form_links(links, identities if identities is not None else identities_for(submission))
    Submission.objects.filter(pk=submission.pk).update(link_report=report, links_flagged=flagged(report))
    submission.link_report, submission.links_flagged = report, flagged(report)
