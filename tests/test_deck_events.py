"""`POST /api/events`: the deck page's beacons (deck opened, slides on screen and for how long), stored
beside the conversations. The model is incidental here (no question is asked): real index, real SQLite."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.models import ChatSession, SlideView, utcnow
from tests.test_reader_access import create_link, make_app

SAME_SITE = {"Sec-Fetch-Site": "same-origin", "Origin": "http://localhost"}


def beacon(client, events, session_id="visit-session-1", deck="example", headers=SAME_SITE):
    return client.post("/api/events", json={"deck": deck, "session_id": session_id, "events": events},
                       headers=headers)


def stored(app):
    with app.extensions["deckchat"].log.sessions() as db:
        views = [(v.session_id, v.doc, v.page, v.seconds) for v in db.scalars(select(SlideView).order_by(SlideView.id))]
        sessions = {s.id: s for s in db.scalars(select(ChatSession))}
    return views, sessions


def test_opening_the_deck_starts_a_session_and_views_are_stored_in_order(app):
    client = app.test_client()
    assert beacon(client, [{"type": "open"}]).status_code == 204
    views, sessions = stored(app)
    assert views == [] and sessions["visit-session-1"].deck == "example"  # before any question
    response = beacon(client, [{"type": "view", "doc": "pitch_deck.pdf", "page": 2, "ms": 4200},
                               {"type": "view", "doc": "pitch_deck.pdf", "page": 3, "ms": 10_000_000}])
    assert response.status_code == 204
    views, _ = stored(app)
    # A tab left open is not 3 hours of reading: a view is cut at 30 minutes.
    assert views == [("visit-session-1", "pitch_deck.pdf", 2, 4.2), ("visit-session-1", "pitch_deck.pdf", 3, 1800.0)]


@pytest.mark.parametrize("events, why", [
    ([{"type": "view", "doc": "other.pdf", "page": 1, "ms": 10}], "documents"),
    ([{"type": "view", "doc": "pitch_deck.pdf", "page": 0, "ms": 10}], "page"),
    ([{"type": "view", "doc": "pitch_deck.pdf", "page": 1, "ms": -5}], "ms"),
    ([{"type": "view", "doc": "pitch_deck.pdf", "page": True, "ms": 5}], "page"),
    ([{"type": "click"}], "event"),
    ([{"type": "open"}] * 51, "at most 50"),
    ("open", "list"),
])
def test_a_malformed_batch_is_refused_with_what_to_send_and_stores_nothing(app, events, why):
    response = beacon(app.test_client(), events)
    assert response.status_code == 400 and why in response.get_json()["error"]
    assert stored(app)[0] == []


def test_only_the_decks_own_page_may_report(app):
    client = app.test_client()
    event = [{"type": "view", "doc": "pitch_deck.pdf", "page": 1, "ms": 900}]
    assert beacon(client, event, headers={"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}).status_code == 403
    assert beacon(client, event, headers={"Origin": "https://evil.example"}).status_code == 403
    assert beacon(client, event, deck="nosuchdeck").status_code == 404
    assert beacon(client, event, session_id="bad id!").status_code == 400
    assert stored(app)[0] == []


def test_a_private_decks_views_need_the_readers_pass_and_carry_who_they_are(tmp_path, example_index, embedder,
                                                                             generator):
    app = make_app(tmp_path, example_index, embedder, generator, "link")
    stranger = app.test_client()
    assert beacon(stranger, [{"type": "open"}]).status_code == 404
    reader = app.test_client()
    reader.get(create_link(app, "--email", "gil@fund.example"))
    assert beacon(reader, [{"type": "view", "doc": "pitch_deck.pdf", "page": 1, "ms": 2500}]).status_code == 204
    views, sessions = stored(app)
    assert views == [("visit-session-1", "pitch_deck.pdf", 1, 2.5)]
    assert (sessions["visit-session-1"].access, sessions["visit-session-1"].reader_email) == ("link", "gil@fund.example")


def test_a_session_of_another_deck_is_refused_and_old_views_are_purged(app):
    client = app.test_client()
    log = app.extensions["deckchat"].log
    log.open_session("other-deck-session", "another")
    assert beacon(client, [{"type": "open"}], session_id="other-deck-session").status_code == 400
    assert beacon(client, [{"type": "view", "doc": "pitch_deck.pdf", "page": 1, "ms": 800}]).status_code == 204
    assert log.purge(utcnow() + timedelta(seconds=1)) == (2, 0)  # both sessions held no turn
    assert stored(app) == ([], {})
