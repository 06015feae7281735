"""The camera-ready models moved from the decisions app to paperdesk.cameraready without
moving their rows: an installation migrated before the move keeps its camera-ready rows and
its program publication, and migrating back and forth never touches the tables."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from paperdesk.cameraready.models import CameraReady, CameraReadyAuthor, ProgramPublication
from tests.reviews.review_world import make_paper

BEFORE_THE_MOVE = [("decisions", "0005_program_publication"), ("cameraready", None)]
MOVED = ["CameraReady", "CameraReadyAuthor", "CameraReadyReminderRun", "CameraReadyReminder", "ProgramPublication"]


def _migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection)  # a fresh loader sees what is applied now


@pytest.mark.django_db(transaction=True)
def test_rows_written_before_the_move_are_read_after_it(venue, make_user):
    author = make_user("ann@uni.edu", "Ann Author")
    paper = make_paper(venue, author, "A paper accepted before the move")
    try:
        executor = _migrate(BEFORE_THE_MOVE)
        old = executor.loader.project_state(BEFORE_THE_MOVE[:1]).apps
        assert not any(model._meta.app_label == "cameraready" for model in old.get_models())
        old_row = old.get_model("decisions", "CameraReady").objects.create(
            submission_id=paper.pk, title="Confirmed before the move", abstract="Kept", confirmed_at=timezone.now())
        old.get_model("decisions", "CameraReadyAuthor").objects.create(
            camera_ready_id=old_row.pk, authorship_id=paper.authorships.get().pk, position=1, name="Ann A. Author")
        old.get_model("decisions", "ProgramPublication").objects.create(
            venue_id=venue.pk, published_at=timezone.now(), updated_by_id=author.pk, updated_at=timezone.now())
    finally:
        executor = _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    row = CameraReady.objects.get(submission=paper)
    assert (row.pk, row.title, row.abstract) == (old_row.pk, "Confirmed before the move", "Kept")
    assert [a.name for a in CameraReadyAuthor.objects.filter(camera_ready=row)] == ["Ann A. Author"]
    assert ProgramPublication.objects.get(venue=venue).updated_by == author
    new = executor.loader.project_state(executor.loader.graph.leaf_nodes()).apps
    for name in MOVED:
        with pytest.raises(LookupError):
            new.get_model("decisions", name)
        assert new.get_model("cameraready", name)._meta.db_table == f"decisions_{name.lower()}"
