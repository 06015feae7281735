"""The anonymity checks run again when what they look for changes.

The checker and the form's link check look for the authors' names, addresses,
affiliations, GitHub and HuggingFace usernames and websites as they are when they run. When
these change afterwards (an author adds a GitHub username to their profile, a co-author
confirms and brings their profile, the author list changes), the verdicts would stay what
they were: a link to the new username would still pass, and reviewers would still be shown
it. So each check keeps a digest of the identities it looked for
(`CheckRun.identities_digest`), and a change of identities (announced by accounts or by the
submission's services) queues the check again for the papers whose digest no longer matches
(the newest PDF of a draft, the version in force of a submitted paper, the newest
supplementary archive) and judges the form's links again. A check that was running when the
identities changed is queued again when it finishes (checking.perform_check). The authors are
told by e-mail when a run finds more possible leaks than the one before.
"""

from __future__ import annotations

from django.db import transaction

from paperdesk.audit.services import record
from paperdesk.jobs import CHECKS_QUEUE, task

from .checking import LIVE, REASON_IDENTITIES, RECHECK_MODES, queue_again
from .identities import identities_digest, identities_for, judge_form_links
from .models import CheckRun, Submission, Upload


def current_runs(submission: Submission) -> list[CheckRun]:
    """The checks whose verdict stands for the paper now: the newest PDF of a draft or the
    version in force of a submitted paper, and the newest supplementary archive."""
    uploads: list[Upload] = []
    if submission.status == Submission.Status.SUBMITTED and submission.submitted_paper_id:
        uploads += Upload.objects.filter(pk=submission.submitted_paper_id)
    else:
        uploads += submission.uploads.filter(kind=Upload.Kind.PAPER).order_by("-version")[:1]
    uploads += submission.uploads.filter(kind=Upload.Kind.SUPPLEMENTARY).order_by("-version")[:1]
    return list(CheckRun.objects.filter(upload__in=uploads, mode__in=RECHECK_MODES).select_related("upload"))


def recheck_identities(submission_id: int, reason: str = REASON_IDENTITIES) -> int:
    """Judge this paper's links again and queue again its finished checks that looked for
    other identities than its authors' now. Returns how many checks were queued. Safe to
    call again: a second call finds them queued, or finished with the new digest."""
    with transaction.atomic():
        submission = Submission.objects.select_for_update().select_related("venue").filter(pk=submission_id).first()
        if submission is None or submission.status not in LIVE:
            return 0
        links_before = (submission.link_report, submission.links_flagged)
        identities = identities_for(submission)
        judge_form_links(submission, identities)
        digest = identities_digest(identities)
        queued = [run for run in current_runs(submission)
                  if run.state == CheckRun.State.DONE and run.identities_digest != digest and queue_again(run, reason)]
        links_changed = links_before != (submission.link_report, submission.links_flagged)
        if queued or links_changed:
            record("check.rerun", submission, actor=None, venue=submission.venue, reason=reason,
                   uploads=[{"kind": run.upload.kind, "version": run.upload.version} for run in queued],
                   links_flagged=submission.links_flagged if links_changed else None)
    return len(queued)


@task(queue_name=CHECKS_QUEUE)
def recheck_identities_job(submission_ids: list[int], reason: str = REASON_IDENTITIES) -> int:
    return sum(recheck_identities(pk, reason) for pk in submission_ids)


def recheck_after_commit(submission_ids: list[int], reason: str = REASON_IDENTITIES) -> None:
    """Once the change is committed, look at these papers' checks again (in a job: the
    identities of every author of every paper of a person cost queries)."""
    ids = sorted(set(submission_ids))
    if ids:
        transaction.on_commit(lambda: recheck_identities_job.enqueue(ids, reason))


def papers_of(user) -> list[int]:
    """The live papers this person is a confirmed author of."""
    return list(Submission.objects.filter(authorships__user=user, status__in=LIVE).values_list("pk", flat=True).distinct())
