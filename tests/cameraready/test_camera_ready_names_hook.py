"""The camera-ready check (submissions, a lower layer) asks the camera-ready side for the
names the authors confirmed through a registered answer, not by importing decisions."""

from __future__ import annotations

from paperdesk.submissions.signals import published_authors
from tests.cameraready.camera_ready_world import author_ids, crworld  # noqa: F401
from tests.cameraready.test_camera_ready_metadata import confirm


def test_the_check_hears_the_confirmed_names_through_the_registered_answer(crworld):
    _john, jose = author_ids(crworld)
    assert published_authors(crworld.paper) == {}
    assert confirm(crworld, **{f"author-{jose}-name": "José A. Núñez", f"author-{jose}-affiliation": "Glenvale Institute"}).status_code == 302
    assert published_authors(crworld.paper)[jose] == ("José A. Núñez", "Glenvale Institute")
