"""The two ways an assignment request can fail, both meant to be shown to a chair."""

from __future__ import annotations

from collections.abc import Iterable


class InputError(ValueError):
    """A malformed input file or argument; the message names the file and line."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        where = ""
        if path is not None:
            where = f"{path}:{line}: " if line is not None else f"{path}: "
        super().__init__(where + message)
        self.path = path
        self.line = line


class Infeasible(ValueError):
    """No assignment satisfies the rules; `problems` lists each reason found.

    `papers` and `reviewers` hold the ids at fault (across all reasons), so a UI can
    point at them.
    """

    def __init__(self, problems: list[str], *, papers: Iterable[str] = (), reviewers: Iterable[str] = ()) -> None:
        self.problems = list(problems)
        self.papers = list(papers)
        self.reviewers = list(reviewers)
        super().__init__("no feasible assignment:\n" + "\n".join("  - " + p for p in self.problems))


def name_some(ids: Iterable[object], limit: int = 8) -> str:
    """'a, b, c' or 'a, b, c and 12 more'."""
    listed = list(ids)
    shown = ", ".join(str(i) for i in listed[:limit])
    if len(listed) > limit:
        shown += f" and {len(listed) - limit} more"
    return shown
