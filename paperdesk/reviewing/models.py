"""Reviewer pool, bids, assignments and reviews (issue 4 and 5)."""
