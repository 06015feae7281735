"""Helpers for the venue-settings tests: read a settings form as a browser would submit it;
make papers and reviews straight in the database."""

from __future__ import annotations

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    """The name -> value pairs a browser submits for the form with id `form_id`."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self._textarea: str | None = None
        self._text: list[str] = []
        self._select: str | None = None
        self._first_option: str | None = None
        self._selected: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("id") == self.form_id:
            self.inside = True
            return
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields.append((name, a.get("value", "on")))
            else:
                self.fields.append((name, a.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []
        elif tag == "select" and name:
            self._select, self._first_option, self._selected = name, None, None
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._first_option is None:
                self._first_option = value
            if "selected" in a:
                self._selected = value

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._text)
            # As a browser parses it: one newline right after <textarea> is dropped.
            text = text[1:] if text.startswith("\n") else text
            self.fields.append((self._textarea, text.replace("\n", "\r\n")))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            self.fields.append((self._select, self._selected if self._selected is not None else (self._first_option or "")))
            self._select = None


def form_fields(html: str, form_id: str = "settings-form") -> dict[str, str]:
    reader = _FormReader(form_id)
    reader.feed(html)
    assert reader.fields, f"no form #{form_id} in the page"
    return dict(reader.fields)


def make_paper(venue, user, number=1, track="short", topic="circuits", status="submitted"):
    from paperdesk.submissions.models import Submission
    from paperdesk.venues.models import ContributionType, TopicArea, Track

    return Submission.objects.create(
        venue=venue, number=number, title=f"Paper {number}", abstract="Circuits.", status=status,
        track=Track.objects.get(venue=venue, slug=track), primary_topic=TopicArea.objects.get(venue=venue, slug=topic),
        contribution_type=ContributionType.objects.get(venue=venue, slug="empirical"), created_by=user,
    )


def make_review(paper, reviewer, *, answers=None, overall=None, state="submitted"):
    from paperdesk.committee.models import Assignment
    from paperdesk.reviews.models import Review

    number = Assignment.objects.filter(submission=paper).count() + 1
    assignment = Assignment.objects.create(submission=paper, user=reviewer, alias_number=number, published=True)
    return Review.objects.create(assignment=assignment, answers=answers or {}, overall=overall, confidence=3, state=state)
