"""A body whose declared length is larger than anything the site accepts is refused with
a 413 before any of it is read — through the API, the camera-ready page and the
publication import alike (the submission pages refuse per field with the venue's limit)."""

from __future__ import annotations

import socket

import pytest
from django.test import Client

from paperdesk.submissions.body_limit import largest_upload_bytes

HUGE = 300_000_000


class Unreadable:
    """A request body that fails the test the moment anything reads it."""

    def read(self, *args):
        raise AssertionError("the body of an oversized request was read")

    readline = read


@pytest.mark.parametrize("path", [
    "/api/v1/submissions/abc/versions",
    "/api/v1/me/reviewer/publications",
    "/submissions/abc/camera-ready/",
    "/accounts/login/",
])
def test_a_declared_300_mb_body_is_refused_unread(db, venue, path):
    response = Client().generic("POST", path, b"", content_type="multipart/form-data; boundary=x",
                                CONTENT_LENGTH=str(HUGE), **{"wsgi.input": Unreadable()})
    assert response.status_code == 413
    assert "300 MB" in response.content.decode()
    assert "50 MB" in response.content.decode() or "100 MB" in response.content.decode()


def test_the_api_answers_json(db, venue):
    response = Client().generic("POST", "/api/v1/submissions/abc/versions", b"", content_type="application/pdf",
                                CONTENT_LENGTH=str(HUGE), **{"wsgi.input": Unreadable()})
    assert response.status_code == 413
    assert response.json()["detail"].startswith("The upload is 300 MB")


def test_a_malformed_length_is_a_400(db, venue):
    response = Client().generic("POST", "/api/v1/submissions/abc/versions", b"", content_type="application/pdf",
                                CONTENT_LENGTH="lots", **{"wsgi.input": Unreadable()})
    assert response.status_code == 400


def test_the_bound_is_the_largest_venue_limit(db, venue):
    rules = venue.spec.submission
    assert largest_upload_bytes() == int(max(rules.max_pdf_mb, rules.max_supplementary_mb) * 1_000_000)


def test_an_upload_within_every_limit_goes_through_to_the_view(db, venue):
    response = Client().generic("POST", "/api/v1/submissions/abc/versions", b"x" * 1000, content_type="application/pdf")
    assert response.status_code != 413


def test_a_live_server_answers_before_the_body_is_sent(live_server, venue):
    """Over a real socket: only the headers go out; the 413 comes back at once."""
    host, port = live_server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as conn:
        conn.sendall((f"POST /api/v1/submissions/abc/versions HTTP/1.1\r\nHost: {host}\r\n"
                      f"Content-Type: application/pdf\r\nContent-Length: {HUGE}\r\n\r\n%PDF-1.4\n").encode())
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = conn.recv(4096)
            if not chunk:
                break
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 413")
