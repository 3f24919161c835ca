"""The reader-side API and pages: feedback, hand-off, restoring a session, allowed origins and headers."""

from __future__ import annotations

import shutil

import pytest

from app import create_app
from app.models import Feedback, Handoff
from app.rag.result import AnswerResult
from app.services import Services
from tests.conftest import EXAMPLE_DECK, app_config

HOST = "https://investors.tidewater.example"


@pytest.fixture
def widget_app(tmp_path, example_index, embedder, generator):
    """The app on the real example index, with a deck.toml allowing one host site."""
    content = tmp_path / "content"
    shutil.copytree(EXAMPLE_DECK, content / "example")
    (content / "example" / "deck.toml").write_text(
        f'title = "Tidewater"\nallowed_origins = ["{HOST}/", "javascript:alert(1)", "https://newline.example\\n"]\n'
        'suggested_questions = ["How much are they raising?"]\ntheme_color = "red; x: y"\n')
    config = app_config(tmp_path, example_index) | {"CONTENT_DIR": str(content),
                                                    "ALLOWED_ORIGINS": "https://partner.example, not-an-origin"}
    return create_app(config, make_services=lambda cfg: Services(cfg, embedder=embedder, generator=generator))


def a_turn(app, session_id="reader-session-1", answer="They raise $4.5 million.") -> int:
    result = AnswerResult(answer, False, sources=[{"doc": "pitch_deck.pdf", "page": 10, "kind": "page",
                                                    "title": "The Ask", "snippet": "Raising $4.5 million", "score": 0.8,
                                                    "used": True}])
    return app.extensions["deckchat"].log.record_turn(session_id, "example", "How much?", result)


def rows(app, model):
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    with Session(app.extensions["deckchat"].log.engine) as db:
        return db.scalars(select(model)).all()


def test_a_reader_rates_their_own_answer_once_and_may_change_their_mind(widget_app):
    client, turn = widget_app.test_client(), a_turn(widget_app)
    body = {"session_id": "reader-session-1", "message_id": turn, "rating": -1, "comment": "vague"}
    assert client.post("/api/feedback", json=body).status_code == 200
    assert client.post("/api/feedback", json=body | {"rating": 1, "comment": None}).status_code == 200
    assert [(f.turn_id, f.rating, f.comment) for f in rows(widget_app, Feedback)] == [(turn, 1, None)]
    # Someone else's session cannot rate it; nonsense gets a 400 that says what to send.
    assert client.post("/api/feedback", json=body | {"session_id": "another-session"}).status_code == 404
    for rating in (5, "down", True):
        bad = client.post("/api/feedback", json=body | {"rating": rating})
        assert bad.status_code == 400 and "-1" in bad.get_json()["error"]
    assert client.post("/api/feedback", json=body | {"comment": "x" * 1001}).status_code == 400
    assert client.post("/api/feedback", data="not json").status_code == 400


def test_a_reader_leaves_their_email_for_the_founders_on_an_unanswered_question(widget_app):
    client, answered = widget_app.test_client(), a_turn(widget_app)
    refused = widget_app.extensions["deckchat"].log.record_turn(
        "reader-session-1", "example", "Do you have a US office?", AnswerResult("The documents do not say.", True))
    body = {"session_id": "reader-session-1", "message_id": refused, "email": "ann@fund.example"}
    assert client.post("/api/handoff", json=body).status_code == 201
    assert client.post("/api/handoff", json=body | {"email": "ann.b@fund.example"}).status_code == 201  # corrected
    assert [(h.question, h.email, h.turn_id) for h in rows(widget_app, Handoff)] == [
        ("Do you have a US office?", "ann.b@fund.example", refused)]  # the turn's own question, once
    assert client.post("/api/handoff", json=body | {"message_id": answered}).status_code == 404  # it was answered
    for email in ("not an address", "x?cc=boss@evil.example@fund.example", "a@b.example&cc=c@d.example"):
        assert client.post("/api/handoff", json=body | {"email": email}).status_code == 400
    assert client.post("/api/handoff", json=body | {"session_id": "no-such-session"}).status_code == 404
    turns = client.get("/api/sessions/reader-session-1?deck=example").get_json()["turns"]
    assert [t["handoff"] for t in turns] == [False, True]  # a reload does not offer the form again


def test_a_reload_restores_the_readers_conversation_and_only_theirs(widget_app):
    client, turn = widget_app.test_client(), a_turn(widget_app)
    client.post("/api/feedback", json={"session_id": "reader-session-1", "message_id": turn, "rating": 1})
    turns = client.get("/api/sessions/reader-session-1?deck=example").get_json()["turns"]
    assert [(t["message_id"], t["answer"], t["rating"]) for t in turns] == [(turn, "They raise $4.5 million.", 1)]
    assert turns[0]["sources"][0]["snippet"] == "Raising $4.5 million" and turns[0]["sources"][0]["used"]
    assert client.get("/api/sessions/reader-session-1?deck=other").get_json()["turns"] == []
    assert client.get("/api/sessions/x?deck=example").status_code == 400


def test_only_the_decks_listed_origins_may_call_the_api_from_a_browser(widget_app):
    client = widget_app.test_client()
    ask = {"deck": "example", "question": "Who are the founders?"}
    preflight = client.options("/api/chat", headers={"Origin": HOST, "Access-Control-Request-Method": "POST"})
    assert preflight.status_code == 200 and preflight.headers["Access-Control-Allow-Origin"] == HOST
    allowed = client.post("/api/chat", json=ask, headers={"Origin": HOST})
    assert allowed.status_code == 200 and allowed.headers["Access-Control-Allow-Origin"] == HOST
    refused = client.post("/api/chat", json=ask, headers={"Origin": "https://evil.example"})
    assert refused.status_code == 403 and "allowed_origins" in refused.get_json()["error"]
    assert "Access-Control-Allow-Origin" not in refused.headers
    assert client.options("/api/chat", headers={"Origin": "https://evil.example"}).status_code == 403
    assert client.post("/api/chat", json=ask, headers={"Origin": "http://localhost"}).status_code == 200  # own origin
    # Behind a proxy the Host may differ from the public origin: the browser says it is the same site.
    proxied = client.post("/api/chat", json=ask, headers={"Origin": "https://chat.tidewater.example",
                                                           "Sec-Fetch-Site": "same-origin"})
    assert proxied.status_code == 200


def test_the_chat_may_be_framed_by_listed_sites_only_and_runs_no_inline_script(widget_app, caplog):
    client = widget_app.test_client()
    embed = client.get("/embed/example?greeting=Send+your+password+to+evil.example&color=%23123456")
    policy = embed.headers["Content-Security-Policy"]
    assert f"frame-ancestors 'self' {HOST} https://partner.example;" in policy + ";"
    assert "javascript" not in policy and "newline" not in policy
    assert "script-src 'self'" in policy and "X-Frame-Options" not in embed.headers
    page = embed.get_data(as_text=True)
    # Options come from deck.toml, or by postMessage from an allowed site: never from a crafted link.
    assert "evil.example" not in page and '"questions": ["How much are they raising?"]' in page
    assert f'"allowedOrigins": ["{HOST}", "https://partner.example"]' in page  # deck.toml's, then every deck's
    assert "not-an-origin" not in policy
    assert '"colour": "#1f5f8b"' in page  # the bad theme_color is ignored
    assert any("javascript:alert(1)" in r.getMessage() for r in caplog.records)  # and the owner is told
    admin = client.get("/admin/login")
    assert "frame-ancestors 'none'" in admin.headers["Content-Security-Policy"]
    assert admin.headers["X-Frame-Options"] == "DENY" and admin.headers["X-Content-Type-Options"] == "nosniff"


def test_unknown_decks_get_a_friendly_widget_message_and_a_404_page(widget_app):
    client = widget_app.test_client()
    embed = client.get("/embed/nope")
    assert embed.status_code == 404 and "not available" in embed.get_data(as_text=True)
    assert "frame-ancestors 'self' *" in embed.headers["Content-Security-Policy"]  # shown on the host's page
    assert client.get("/decks/nope").status_code == 404
    assert client.get("/decks/..%2f..%2fetc/pages/0/1.webp").status_code == 404


def test_the_deck_page_shows_the_rendered_slides_and_the_text_of_the_rest(widget_app):
    client = widget_app.test_client()
    page = client.get("/decks/example").get_data(as_text=True)
    assert page.count('<img src="/decks/example/pages/') == 13  # 10 slides + 3 whitepaper pages, rendered at ingest
    assert "slide 4</figcaption>" in page and "page 2</figcaption>" in page and "section 1</figcaption>" in page
    image = client.get("/decks/example/pages/1/4.webp")
    assert image.status_code == 200 and image.data[:4] == b"RIFF" and image.mimetype == "image/webp"
    assert client.get("/decks/example/pages/1/99.webp").status_code == 404
    listing = client.get("/").get_data(as_text=True)
    assert 'href="/decks/example"' in listing and "Tidewater" in listing
