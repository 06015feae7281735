"""The `[notifications]` table: reminder days and the default decision e-mail per outcome
kind; every mistake is reported with its line, and the table survives a JSON round trip."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from paperdesk.venueconfig import (
    DecisionEmail,
    Notifications,
    VenueConfigError,
    parse_venue,
    spec_from_dict,
    spec_to_dict,
)
from paperdesk.venueconfig.notifications import DEFAULT_BODY, DEFAULT_SUBJECT

VENUE_FILE = Path(__file__).resolve().parents[2] / "venues" / "mechinterp-2025.toml"


@pytest.fixture(scope="module")
def text() -> str:
    return VENUE_FILE.read_text()


def without_notifications(text: str) -> str:
    """The venue file with its whole `[notifications]` table (and sub-tables) removed."""
    return re.sub(r"\n\[notifications\].*?(?=\n\[accounts\])", "\n", text, flags=re.S)


def with_notifications(text: str, table: str) -> str:
    return without_notifications(text).replace("\n[accounts]\n", f"\n{table.strip()}\n\n[accounts]\n", 1)


def problems_of(text: str) -> list[str]:
    with pytest.raises(VenueConfigError) as caught:
        parse_venue(text, "venue.toml")
    return [str(p) for p in caught.value.problems]


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if needle in line)


def test_the_venue_file_states_todays_schedule_and_e_mails(text):
    notifications = parse_venue(text).notifications
    assert notifications.review_reminder_days == (7, 2, 1)
    assert notifications.overdue_reminder_days == (0.5,)
    assert notifications.accept_email == notifications.reject_email == DecisionEmail(DEFAULT_SUBJECT, DEFAULT_BODY)


def test_without_the_table_the_defaults_keep_todays_behaviour(text):
    spec = parse_venue(without_notifications(text))
    assert "[notifications" not in without_notifications(text)
    assert spec.notifications == Notifications()
    assert spec.notifications.review_reminder_days == (7, 2, 1) and spec.notifications.overdue_reminder_days == (0.5,)


def test_configured_values_are_read_sorted_and_survive_a_json_round_trip(text):
    spec = parse_venue(with_notifications(text, '''
[notifications]
review_reminder_days = [1, 10, 3]
overdue_reminder_days = [3, 1]

[notifications.decision_email.accept]
subject = "Good news on “{{ title }}”"
body = """Dear {{ author_name }}, {{ outcome }}. {{ next_steps }} {{ results_url }}"""

[notifications.decision_email.reject]
body = """Dear {{ author_name }}, we are sorry. {{ results_url }}"""
'''))
    notifications = spec.notifications
    assert notifications.review_reminder_days == (10, 3, 1)
    assert notifications.overdue_reminder_days == (1, 3)
    assert notifications.decision_email(True).subject == "Good news on “{{ title }}”"
    assert notifications.decision_email(False) == DecisionEmail(DEFAULT_SUBJECT, "Dear {{ author_name }}, we are sorry. {{ results_url }}")
    assert spec_from_dict(json.loads(json.dumps(spec_to_dict(spec)))) == spec


def test_empty_lists_mean_no_reminders(text):
    spec = parse_venue(with_notifications(text, "[notifications]\nreview_reminder_days = []\noverdue_reminder_days = []"))
    assert spec.notifications.review_reminder_days == () and spec.notifications.overdue_reminder_days == ()


def test_a_venue_stored_before_the_table_existed_gets_the_defaults(text):
    stored = spec_to_dict(parse_venue(text))
    del stored["notifications"]
    assert spec_from_dict(stored).notifications == Notifications()


def test_an_unknown_placeholder_is_an_error_at_its_line(text):
    broken = with_notifications(text, '''
[notifications.decision_email.reject]
subject = "Decision for {{ reviewer_name }}"
body = """Dear {{ author_name }},
your paper {{ title }} was not accepted.
Reviewed by {{ reviewer_email }}.
"""
''')
    problems = problems_of(broken)
    subject_line, body_line = line_of(broken, "Decision for {{"), line_of(broken, 'body = """Dear')
    assert len(problems) == 2
    assert problems[0].startswith(f"line {subject_line}: notifications.decision_email.reject.subject: Unknown placeholder: {{{{ reviewer_name }}}}")
    assert problems[1].startswith(f"line {body_line}: notifications.decision_email.reject.body: Unknown placeholder: {{{{ reviewer_email }}}}")
    assert "Known: author_name" in problems[0]


@pytest.mark.parametrize("setting, message", [
    ("review_reminder_days = [7, 0]", "review_reminder_days: must list whole numbers of days from 1 to 90, got 0"),
    ("review_reminder_days = [2.5]", "review_reminder_days: must list whole numbers of days from 1 to 90, got 2.5"),
    ("review_reminder_days = [2, 2]", "review_reminder_days: lists a day twice"),
    ("review_reminder_days = 7", "review_reminder_days: must be list, got int 7"),
    ("overdue_reminder_days = [-1]", "overdue_reminder_days: must list numbers of days after the deadline"),
    ("overdue_reminder_days = [\"soon\"]", "overdue_reminder_days: must list numbers of days after the deadline"),
    ("remind_chairs = true", "notifications.remind_chairs: unknown key 'remind_chairs'"),
])
def test_bad_reminder_days_are_reported_with_their_line(text, setting, message):
    broken = with_notifications(text, f"[notifications]\n{setting}")
    [problem] = problems_of(broken)
    assert problem.startswith(f"line {line_of(broken, setting)}: ")
    assert message in problem


def test_an_unknown_outcome_kind_or_key_is_reported(text):
    broken = with_notifications(text, '''
[notifications.decision_email.maybe]
subject = "Hm"

[notifications.decision_email.accept]
subjet = "Typo"
''')
    problems = problems_of(broken)
    assert any(p.startswith(f"line {line_of(broken, '[notifications.decision_email.maybe]')}:") and "unknown key 'maybe' (known: accept, reject)" in p for p in problems)
    assert any(p.startswith(f"line {line_of(broken, 'subjet =')}:") and "unknown key 'subjet'" in p for p in problems)


def test_an_empty_or_multi_line_subject_is_refused(text):
    broken = with_notifications(text, '[notifications.decision_email.accept]\nsubject = """two\nlines"""\n[notifications.decision_email.reject]\nbody = " "')
    problems = problems_of(broken)
    assert any("accept.subject: The subject must be one line." in p for p in problems)
    assert any("reject.body: The message is empty." in p for p in problems)
