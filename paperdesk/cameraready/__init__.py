"""What follows an acceptance: the camera-ready version of each accepted paper (its PDF,
checked in camera-ready mode, the hosting choice, the metadata its authors confirm for
publication, per-paper deadline extensions and the chairs' reminders) and the publication
of the program that lists these papers.

The program publication lives here, not in decisions, because the program is made of
camera-ready data: the public accepted-papers page, the program JSON and the hosted PDFs
show each paper's title, abstract, authors and links as its authors confirmed them
(`selectors.published_for`), leave out or mark "to be confirmed" the papers whose authors
have not confirmed yet (the publication's own `unconfirmed` choice), sort and search by the
confirmed title, and serve the latest camera-ready PDF; the chairs' publishing panel counts
confirmed papers. Without camera-ready there is nothing to publish.

This app sits above paperdesk.decisions (it reads decisions: which papers are accepted and
released, whether their PDF is hosted) and below paperdesk.api; decisions never imports it.
The authors' decision page (decisions) shows the camera-ready section that this app
registers with `paperdesk.decisions.author_page` in its AppConfig.ready.

Its models were first in the decisions app; their tables keep their names, so the rows
carried over without being copied (see migrations/0001_initial.py)."""
