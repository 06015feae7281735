"""The OpenAPI description and the docs page."""

from __future__ import annotations

import json

EXPECTED = {
    ("get", "/api/venues"),
    ("get", "/api/venues/{slug}"),
    ("get", "/api/me"),
    ("get", "/api/submissions"),
    ("post", "/api/venues/{slug}/submissions"),
    ("get", "/api/venues/{slug}/submissions"),
    ("get", "/api/submissions/{public_id}"),
    ("patch", "/api/submissions/{public_id}"),
    ("get", "/api/submissions/{public_id}/versions"),
    ("post", "/api/submissions/{public_id}/versions"),
    ("post", "/api/submissions/{public_id}/submit"),
    ("post", "/api/submissions/{public_id}/withdraw"),
    ("post", "/api/submissions/{public_id}/restore"),
    ("get", "/api/venues/{slug}/review-form"),
    ("get", "/api/venues/{slug}/assignments"),
    ("get", "/api/papers/{public_id}/review"),
    ("put", "/api/papers/{public_id}/review"),
    ("post", "/api/papers/{public_id}/review/submit"),
    ("get", "/api/papers/{public_id}/reviews"),
    ("get", "/api/papers/{public_id}/discussion"),
    ("post", "/api/papers/{public_id}/discussion"),
    ("get", "/api/papers/{public_id}/meta-review"),
    ("put", "/api/papers/{public_id}/meta-review"),
    ("post", "/api/papers/{public_id}/meta-review/submit"),
    ("get", "/api/papers/{public_id}/review-history"),
    ("get", "/api/submissions/{public_id}/results"),
    ("get", "/api/venues/{slug}/bidding"),
    ("get", "/api/venues/{slug}/bids"),
    ("put", "/api/venues/{slug}/bids/{public_id}"),
    ("delete", "/api/venues/{slug}/bids/{public_id}"),
    ("get", "/api/venues/{slug}/decisions"),
    ("post", "/api/venues/{slug}/decisions"),
    ("get", "/api/submissions/{public_id}/camera-ready"),
    ("post", "/api/submissions/{public_id}/camera-ready/versions"),
    ("put", "/api/submissions/{public_id}/camera-ready/details"),
    ("put", "/api/submissions/{public_id}/camera-ready/hosting"),
    # Publishing the program (chairs).
    ("get", "/api/venues/{slug}/program/publication"),
    ("post", "/api/venues/{slug}/program/publication"),
    ("delete", "/api/venues/{slug}/program/publication"),
    # Chasing reviews (issue 11).
    ("get", "/api/venues/{slug}/late-reviews"),
    ("post", "/api/venues/{slug}/late-reviews/remind"),
    ("post", "/api/papers/{public_id}/review-deadline"),
    ("post", "/api/papers/{public_id}/give-back"),
    ("post", "/api/venues/{slug}/papers/{public_id}/emergency-reviewer"),
    ("get", "/api/venues/{slug}/papers/{public_id}/emergency-invitations"),
    ("post", "/api/venues/{slug}/papers/{public_id}/emergency-invitations"),
    ("post", "/api/venues/{slug}/papers/{public_id}/emergency-invitations/{invitation_id}/withdraw"),
    # Review ratings and decisions from the area chairs' recommendations (issue 11).
    ("put", "/api/papers/{public_id}/reviews/{review_id}/rating"),
    ("get", "/api/papers/{public_id}/review-ratings"),
    ("get", "/api/me/review-ratings"),
    ("get", "/api/venues/{slug}/decisions/from-recommendations"),
    ("post", "/api/venues/{slug}/decisions/from-recommendations"),
    # E-mail preferences.
    ("get", "/api/me/email-preferences"),
    ("put", "/api/me/email-preferences"),
    # The author response (issue 11).
    ("get", "/api/submissions/{public_id}/response"),
    ("put", "/api/submissions/{public_id}/response"),
    ("get", "/api/papers/{public_id}/author-response"),
    # Archival matches (issue 12) and review-integrity hints (issue 11).
    ("get", "/api/submissions/{public_id}/archival-matches"),
    ("post", "/api/submissions/{public_id}/archival-matches/{match_id}/dismiss"),
    ("get", "/api/papers/{public_id}/integrity-hints"),
    # The chairs' outbox (issue 11).
    ("get", "/api/venues/{slug}/outbox"),
    ("get", "/api/venues/{slug}/outbox/{email_id}"),
    ("post", "/api/venues/{slug}/outbox/{email_id}/resend"),
}


def test_api_openapi_json_is_a_valid_openapi_document(client, db):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    spec = json.loads(response.content)
    assert spec["openapi"].startswith("3.")
    assert spec["info"] == {"title": "Paperdesk API", "version": "1", "description": spec["info"]["description"]}
    operations = {(method, path) for path, item in spec["paths"].items() for method in item}
    assert operations == EXPECTED
    assert spec["components"]["securitySchemes"]["TokenAuth"] == {"type": "http", "scheme": "bearer"}
    # Public venue facts carry no security requirement; everything else does.
    assert "security" not in spec["paths"]["/api/venues"]["get"]
    assert spec["paths"]["/api/me"]["get"]["security"] == [{"TokenAuth": []}, {"SessionAuth": []}]


def test_api_openapi_passes_schemathesis_validation(db):
    import schemathesis

    from paperdesk.wsgi import application

    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
    schema.validate()
    assert len(list(schema.get_all_operations())) == len(EXPECTED)


def test_api_docs_page_renders(client, db):
    response = client.get("/api/docs")
    assert response.status_code == 200
    assert b"/api/openapi.json" in response.content


def test_api_unknown_address_is_a_json_404(client, db):
    for url in ("/api/nothing-here", "/api/venues/", "/api/submissions/abc/unknown"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json() == {"detail": "Not found.", "field": None}
