"""`paperdesk demo`: synthetic accounts and submissions, through the real services."""

from __future__ import annotations

import pypdfium2
import pytest
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.db import models
from venue_helpers import VENUE_FILE, run

from paperdesk.demo import pdf as demo_pdf
from paperdesk.submissions.models import Submission, Upload
from paperdesk.venues.models import Venue


@pytest.mark.django_db(transaction=True)  # checks and e-mails run when their transaction commits
def test_demo_fills_both_venues_once(venue):
    run("venue", "load", str(VENUE_FILE), "--rehearsal")
    rehearsal = Venue.objects.get(slug="mechinterp-2025-rehearsal")

    out = run("demo")
    again = run("demo")

    User = get_user_model()
    demo_users = User.objects.filter(email__endswith=".demo.test")
    assert demo_users.count() == 13
    assert User.objects.filter(email__endswith=".demo-pool.test").count() == 8  # the rehearsal's reviewer pool
    assert sorted(demo_users.filter(moderation_status="pending").values_list("email", flat=True)) == [
        "kai.andersen@mail.demo.test", "lena.fischer@mail.demo.test", "mateo.rossi@mail.demo.test",
    ]
    for target, total in ((venue, 8), (rehearsal, 12)):
        submissions = Submission.objects.filter(venue=target)
        assert submissions.count() == total
        assert set(submissions.values_list("track__slug", flat=True)) == {"short", "long"}
        assert submissions.filter(status="withdrawn").count() == 1
        assert submissions.filter(uploads__check_run__state="done").count() == total
        for s in submissions:
            assert target.submission_open < s.created_at < target.submission_deadline
    assert venue.submissions.filter(status="submitted").count() == 7
    # In the rehearsal venue, the draft stays a draft and the checker stops the over-long paper.
    assert rehearsal.submissions.filter(status="submitted").count() == 9
    over = rehearsal.submissions.get(title="Hidden Goal Detection with Cheap Activation Monitors")
    assert over.status == "draft"
    assert "  #12 stays a draft: The PDF cannot be submitted yet: The main content ends on page 5, over the limit of 4 pages." in out
    assert Upload.objects.filter(submission__venue=rehearsal).count() == 12
    assert "Every demo account has the password: " in out
    assert again == "21 demo accounts already exist; nothing was added.\n"


@pytest.mark.django_db(transaction=True)
def test_demo_gives_the_rehearsal_a_reviewer_pool_a_chair_can_assign(venue):
    """After `make demo`, a chair can run the assignment at once; it avoids the conflicts
    the demo plants (a reviewer at an author's institution, a reviewer who co-authored)."""
    from paperdesk.committee import assignment
    from paperdesk.committee.models import Assignment, Bid, Conflict, PoolMember, Publication

    run("venue", "load", str(VENUE_FILE), "--rehearsal")
    run("ensurechair", "--email", "chair@chairs.example")
    rehearsal = Venue.objects.get(slug="mechinterp-2025-rehearsal")
    out = run("demo")
    assert "reviewer pool of 8 (6 accepted, 2 waiting for a chair)" in out

    pool = PoolMember.objects.filter(venue=rehearsal)
    assert pool.filter(state="accepted").count() == 6 and pool.filter(state="volunteered").count() == 2
    assert not PoolMember.objects.filter(venue=venue).exists()  # the real venue's reviewing is over
    assert Publication.objects.filter(source="demo").count() == 24
    assert Bid.objects.filter(submission__venue=rehearsal).count() > 0
    reasons = " ".join(Conflict.objects.filter(submission__venue=rehearsal, user__email__startswith="rafael.costa").values_list("reason", flat=True))
    assert "same institution: fjord university" in reasons
    assert Conflict.objects.filter(submission__venue=rehearsal, user__email__startswith="quynh.tran", source="coauthor").exists()
    assert not Bid.objects.filter(submission__conflicts__user=models.F("user")).exists()

    chair = get_user_model().objects.get(email="chair@chairs.example")
    run_ = assignment.run_start(venue=rehearsal, actor=chair)
    run_.refresh_from_db()
    assert run_.state == "done", run_.message
    pairs = Assignment.objects.filter(submission__venue=rehearsal)
    assert pairs.count() == 3 * rehearsal.submissions.filter(status="submitted").count()
    assert not pairs.filter(submission__conflicts__user=models.F("user")).exists()


def test_demo_needs_default_venue(db):
    with pytest.raises(CommandError, match="The default venue 'mechinterp-2025' is not loaded"):
        run("demo")


@pytest.mark.parametrize("writer", ["reportlab", "plain"])
def test_demo_pdf_has_expected_pages(writer, tmp_path):
    pages = demo_pdf.paper_layout("A Title (with parentheses) \\ and a backslash", main_pages=4, seed=3)
    data = demo_pdf._write_with_reportlab(pages, "t") if writer == "reportlab" else demo_pdf._write_plain_pdf(pages, "t")
    path = tmp_path / "paper.pdf"
    path.write_bytes(data)

    document = pypdfium2.PdfDocument(str(path))
    assert len(document) == 6  # 4 main pages, references, appendix
    assert document[0].get_size() == (612.0, 792.0)
    texts = [document[i].get_textpage().get_text_range() for i in range(len(document))]
    assert "A Title (with parentheses) \\ and a backslash" in texts[0]
    assert "Limitations" in texts[3]
    assert texts[4].startswith("References")
