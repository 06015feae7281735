"""Fixtures for the camera-ready tests (accepted papers come from the reviewing world)."""

from tests.reviews.fixtures import FakeChecker, at, fake_checker, rworld  # noqa: F401
