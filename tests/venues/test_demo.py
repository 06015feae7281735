"""`paperdesk demo`: synthetic accounts and submissions, through the real services."""

from __future__ import annotations

import pypdfium2
import pytest
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from paperdesk.submissions.models import Submission, Upload
from paperdesk.venues import demo_pdf
from paperdesk.venues.models import Venue
from venue_helpers import VENUE_FILE, run


@pytest.mark.django_db(transaction=True)  # checks and e-mails run when their transaction commits
def test_demo_fills_both_venues_once(venue):
    run("venue", "load", str(VENUE_FILE), "--rehearsal")
    rehearsal = Venue.objects.get(slug="mechinterp-2025-rehearsal")

    out = run("demo")
    again = run("demo")

    User = get_user_model()
    demo_users = User.objects.filter(email__endswith=".demo.test")
    assert demo_users.count() == 13
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
    assert again == "13 demo accounts already exist; nothing was added.\n"


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
