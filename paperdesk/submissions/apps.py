from django.apps import AppConfig

from paperdesk.accounts.events import email_address_confirmed, identities_changed


class SubmissionsConfig(AppConfig):
    name = "paperdesk.submissions"
    label = "submissions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from paperdesk.jobs import add_sweep

        add_sweep(_sweep_checks)
        email_address_confirmed.connect(_pending_invitations, dispatch_uid="paperdesk.submissions.pending_invitations")
        identities_changed.connect(_recheck_papers_of, dispatch_uid="paperdesk.submissions.recheck_papers_of")


def _pending_invitations(sender, user=None, email: str = "", **kwargs) -> int:
    """An address was confirmed: how many co-authorship invitations wait under it (they are
    answered by the person, never linked here)."""
    from .services import pending_invitations_for

    return pending_invitations_for(email)


def _recheck_papers_of(sender, user=None, **kwargs) -> int:
    """A person's identities changed: their papers' anonymity checks may be out of date.
    Answers how many papers with a PDF are looked at again."""
    from .rechecks import papers_of, recheck_after_commit

    if user is None:
        return 0
    papers = papers_of(user)
    recheck_after_commit(papers)
    from .models import Upload

    return Upload.objects.filter(submission_id__in=papers).values("submission_id").distinct().count()


def _sweep_checks(live: set[str], now) -> int:
    """Check runs left "running" by a dead holder (the lease sweep calls it; see
    checking.sweep_checks)."""
    from .checking import sweep_checks

    return sweep_checks(live, now)
