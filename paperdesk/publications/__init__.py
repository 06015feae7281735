"""Publication lists read from files people bring (BibTeX, JSON, CSV, DBLP XML): a pure
library, no Django and no app, used by reviewers' profiles (affinity) and by anything else
that imports a bibliography. Never the network. See `parsers`."""

from .parsers import KINDS, LABELS, MAX_BYTES, MAX_RECORDS, ParseError, guess_kind, parse_in_child

__all__ = ["KINDS", "LABELS", "MAX_BYTES", "MAX_RECORDS", "ParseError", "guess_kind", "parse_in_child"]
