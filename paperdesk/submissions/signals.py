"""Events the submissions app announces to the apps above it, which connect receivers in
their AppConfig.ready: submissions never imports them (see the layer contract in
pyproject.toml)."""

from __future__ import annotations

from django.dispatch import Signal

# A submission's author list changed (sent inside the service's transaction, with
# `submission=`). The reviewing app recomputes the paper's conflicts after the commit.
authors_changed = Signal()
