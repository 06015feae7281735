"""Opaque public identifiers: they reveal neither order nor count of objects."""

import secrets

ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"


def new_public_id(length: int = 10) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))
