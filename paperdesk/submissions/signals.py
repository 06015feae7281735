"""Events the submissions app announces to the apps above it, which connect receivers in
their AppConfig.ready: submissions never imports them (see the layer contract in
pyproject.toml)."""

from __future__ import annotations

from django.dispatch import Signal

# A submission's author list changed (sent inside the service's transaction, with
# `submission=`). The reviewing app recomputes the paper's conflicts after the commit.
authors_changed = Signal()

# A new paper PDF became the version in force of a submitted paper (its check passed; sent
# inside the transaction, with `submission=` and `upload=`). The reviews app tells the
# paper's reviewers and area chair after the commit.
paper_version_adopted = Signal()


# --- questions asked of a higher app -------------------------------------------------------
# The camera-ready check expects the author names the authors confirmed for publication;
# the camera-ready app (paperdesk.cameraready) keeps them and registers the answer in its
# AppConfig.ready: authorship id -> (name, affiliation), empty until they confirm.
_published_authors = None


def answer_published_authors(answer) -> None:
    """Register the function that answers `published_authors(submission)`."""
    global _published_authors
    _published_authors = answer


def published_authors(submission) -> dict[int, tuple[str, str]]:
    if _published_authors is None:
        raise RuntimeError("No app answers published_authors: is paperdesk.cameraready installed?")
    return _published_authors(submission)
