"""Decisions, notifications and the program (issue 5)."""
