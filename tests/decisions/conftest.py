"""Fixtures for the decisions tests."""

from tests.reviews.fixtures import FakeChecker, at, fake_checker, rworld  # noqa: F401
