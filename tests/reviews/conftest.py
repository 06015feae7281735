"""Fixtures for the reviews tests."""

from tests.reviews.fixtures import FakeChecker, at, fake_checker, rworld  # noqa: F401
