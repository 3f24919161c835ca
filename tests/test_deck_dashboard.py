"""The founder's dashboard per deck: readers, visits, questions by outcome over time, slides, a reader's
page, CSV downloads and personal links from the admin. The model is incidental (turns are recorded
directly); the index, the log (SQLite) and the pages are real."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update

from app import create_app
from app.admin.auth import hash_password
from app.conversation_log.deck_stats import visits
from app.models import ChatSession, SlideView, Turn
from app.rag.result import AnswerResult, Source
from app.reader_access.passes import ReaderPass
from app.services import Services
from tests.conftest import app_config
from tests.helpers.admin import PASSWORD, csrf_token, log_in
from tests.test_reader_access import content_with_access

NOW = datetime.now(UTC)


@pytest.fixture
def console(tmp_path, example_index, embedder, generator):
    config = app_config(tmp_path, example_index) | {"CONTENT_DIR": str(content_with_access(tmp_path, "link")),
                                                    "ADMIN_PASSWORD_HASH": hash_password(PASSWORD),
                                                    "TIMEZONE": "Europe/Berlin"}
    app = create_app(config, make_services=lambda cfg: Services(cfg, embedder=embedder, generator=generator))
    log = app.extensions["deckchat"].log
    ada = ReaderPass("example", "link", "ada@fund.example", "Ada", 1)
    # Ada: slides 1 and 2, an answered question citing slide 2, a refused one nearest to slide 3.
    log.record_views("ada-1", "example", ada, [("pitch_deck.pdf", 1, 4.0), ("pitch_deck.pdf", 2, 12.0)])
    log.record_turn("ada-1", "example", "How much are you raising?", AnswerResult(
        "$4.5 million", False, sources=[Source("pitch_deck.pdf", 2, "slide", "Raise", "Raising $4.5 million", 0.8, True)]))
    log.record_turn("ada-1", "example", "What is the valuation?", AnswerResult(
        "The documents do not say.", True, sources=[Source("pitch_deck.pdf", 3, "slide", "Team", "...", 0.4)]))
    # Ada again, two days ago, in another browser: the same reader, another visit.
    log.record_views("ada-2", "example", ada, [("pitch_deck.pdf", 2, 6.0)])
    _backdate(log, "ada-2", NOW - timedelta(days=2))
    # An anonymous reader who only looked.
    log.record_views("anon-1", "example", None, [("pitch_deck.pdf", 1, 2.0)])
    return app


def _backdate(log, session_id, when):
    with log.sessions.begin() as db:
        db.execute(update(ChatSession).where(ChatSession.id == session_id).values(created_at=when))
        db.execute(update(SlideView).where(SlideView.session_id == session_id).values(created_at=when))
        db.execute(update(Turn).where(Turn.session_id == session_id).values(created_at=when))


def test_the_activity_sums_readers_visits_outcomes_and_slides(console):
    activity = console.extensions["deckchat"].log.deck_activity("example", ZoneInfo("UTC"), 7)
    readers = {r.key: r for r in activity.readers}
    assert set(readers) == {"ada@fund.example", "anon-1"}
    ada = readers["ada@fund.example"]
    assert (ada.sessions, ada.visits, ada.slides_seen, ada.seconds, ada.questions) == (2, 2, 3, 22.0, 2)
    assert activity.outcomes["answered"] == 1 and activity.outcomes["refused"] == 1 and activity.visits == 3
    assert activity.slides[("pitch_deck.pdf", 2)].views == 2 and activity.slides[("pitch_deck.pdf", 2)].median_seconds == 9.0
    assert activity.slides[("pitch_deck.pdf", 2)].cited_by == 1
    assert activity.slides[("pitch_deck.pdf", 3)].refused_near == ["What is the valuation?"]
    assert [v for _, v, _ in activity.days][-3:] == [1, 0, 2]  # two days ago, yesterday, today


def test_a_session_splits_into_visits_where_the_reader_was_away(console):
    chat = console.extensions["deckchat"].log.deck_sessions("example", reader="anon-1")[0]
    start = datetime(2026, 1, 1, 9, tzinfo=UTC)
    chat.created_at = start
    chat.views = [SlideView(doc="d", page=1, seconds=1, created_at=start + timedelta(minutes=m)) for m in (5, 20, 80)]
    chat.turns = []
    assert visits(chat) == [start, start + timedelta(minutes=80)]


def test_the_dashboard_shows_readers_charts_slides_and_links_to_the_owner_only(console):
    client = console.test_client()
    assert client.get("/admin/decks/example").status_code == 302  # the login first
    log_in(client)
    listing = client.get("/admin/decks/").get_data(as_text=True)
    assert "/admin/decks/example" in listing and "2 readers" in listing
    page = client.get("/admin/decks/example?days=7").get_data(as_text=True)
    assert "Ada &lt;ada@fund.example&gt;" in page and "anonymous anon-1" in page
    assert page.count("<svg") == 2 and "Questions per day by outcome" in page and "answered (1)" in page
    assert "slide 2" in page and "What is the valuation?" in page and "9.0 s" in page
    # Times in the founder's zone, with the zone shown.
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d CES?T", page)
    # Thumbnails of a link-only deck load for the owner.
    thumb = re.search(r'<img src="(/decks/example/pages/[^"]+)"', page).group(1).replace("&amp;", "&")
    assert client.get(thumb).status_code == 200
    reader = client.get("/admin/decks/example/readers/ada@fund.example").get_data(as_text=True)
    assert "How much are you raising?" in reader and "slide 1" in reader and "2 sessions" in reader
    assert client.get("/admin/decks/example/readers/nobody").status_code == 404
    assert client.get("/admin/decks/nosuchdeck").status_code == 404


def test_the_numbers_download_as_csv(console):
    client = console.test_client()
    log_in(client)
    slides = list(csv.DictReader(io.StringIO(client.get("/admin/decks/example/slides.csv").get_data(as_text=True))))
    second = next(r for r in slides if r["document"] == "pitch_deck.pdf" and r["page"] == "2")
    assert (second["views"], second["median_seconds"], second["cited_by_answers"]) == ("2", "9.0", "1")
    readers = list(csv.DictReader(io.StringIO(client.get("/admin/decks/example/readers.csv").get_data(as_text=True))))
    assert {r["reader"] for r in readers} == {"ada@fund.example", "anonymous anon-1"}
    days = list(csv.DictReader(io.StringIO(client.get("/admin/decks/example/days.csv?days=7").get_data(as_text=True))))
    assert len(days) == 7 and sum(int(d["visits"]) for d in days) == 3
    assert client.get("/admin/decks/example/other.csv").status_code == 404


def test_the_owner_creates_and_revokes_a_personal_link_in_the_admin(console):
    owner = console.test_client()
    log_in(owner)
    token = csrf_token(owner, "/admin/decks/example")
    assert owner.post("/admin/decks/example/links", data={"email": "bad", "csrf_token": token}).status_code == 400
    owner.post("/admin/decks/example/links", data={"email": "zoe@fund.example", "name": "Zoe", "csrf_token": token})
    page = owner.get("/admin/decks/example").get_data(as_text=True)
    link = re.search(r'value="(/decks/example\?t=[^"]+)"', page).group(1)
    reader = console.test_client()
    assert reader.get(link).status_code == 302 and reader.get("/decks/example").status_code == 200
    revoke = re.search(r'action="(/admin/decks/example/links/\d+/revoke)"', page).group(1)
    assert owner.post(revoke, data={"csrf_token": token}).status_code == 302
    assert reader.get("/decks/example").status_code == 404
    assert "revoked" in owner.get("/admin/decks/example").get_data(as_text=True)


def test_the_admin_speaks_the_readers_labels_the_founders_zone_and_tracks_handoffs(console):
    log = console.extensions["deckchat"].log
    turn = log.record_turn("ada-1", "example", "Can I meet the team?", AnswerResult("The documents do not say.", True))
    assert log.record_handoff("ada-1", turn, "ada@fund.example")
    log.record_feedback("ada-1", turn, -1, None)
    client = console.test_client()
    log_in(client)
    sessions = client.get("/admin/").get_data(as_text=True)
    assert '<option value="example"' in sessions  # decks to choose from, not a text box
    assert "1 not helpful" in sessions and "&#128078;" not in sessions  # a rating as words, not an emoji box
    assert re.search(r"\d\d:\d\d CES?T", sessions)
    transcript = client.get("/admin/sessions/ada-1").get_data(as_text=True)
    assert "slide 2" in transcript and "p. 2" not in transcript and "Ada &lt;ada@fund.example&gt;" in transcript

    questions = client.get("/admin/questions").get_data(as_text=True)
    handoff = questions.split('<tr class="handoff">')[1]
    assert 'class="badge state-open"' in handoff
    action = re.search(r'action="(/admin/handoffs/\d+/state)"', handoff).group(1)
    token = csrf_token(client, "/admin/questions")
    assert client.post(action, data={"state": "replied"}).status_code == 400  # no CSRF token
    assert client.post(action, data={"state": "lost", "csrf_token": token}).status_code == 400
    assert client.post(action, data={"state": "replied", "csrf_token": token}).status_code == 302
    assert 'class="badge state-replied"' in client.get("/admin/questions").get_data(as_text=True)
    assert log.handoffs(5)[0].state == "replied"
    assert client.post("/admin/handoffs/99999/state", data={"state": "closed", "csrf_token": token}).status_code == 404


def test_every_page_names_a_favicon_that_is_served(console):
    client = console.test_client()
    assert 'rel="icon"' in client.get("/admin/login").get_data(as_text=True)
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml" and b"<svg" in icon.data
