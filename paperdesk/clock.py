"""The one source of "now" for deadline decisions, so tests can move time."""

import datetime as dt

from django.utils import timezone


def now() -> dt.datetime:
    return timezone.now()
