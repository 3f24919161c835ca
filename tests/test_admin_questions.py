"""The owner's questions view: unanswered questions grouped by meaning, and the hand-off requests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from app import create_app
from app.admin.auth import hash_password
from app.admin.question_groups import group_questions
from app.conversation_log import SessionFilter, SqlConversationLog, UnansweredQuestion
from app.rag.result import AnswerResult
from app.services import Services
from tests.conftest import app_config
from tests.helpers.admin import PASSWORD, log_in

RAISING = ["How much are you raising?", "How much money are you raising in this round?", "What amount are you raising?"]
CTO = ["Who is the CTO?", "Who is the CTO of the company?"]


@pytest.fixture
def questions_app(tmp_path, example_index, embedder):
    """The admin app on the real embedder; no language model is loaded (no one asks the API)."""
    config = app_config(tmp_path, example_index) | {"ADMIN_PASSWORD_HASH": hash_password(PASSWORD),
                                                    "SECRET_KEY": "test-secret"}
    return create_app(config, make_services=lambda cfg: Services(cfg, embedder=embedder))


def _question(text: str, minutes_ago: int = 0, deck: str = "example", turn_id: int = 1) -> UnansweredQuestion:
    asked = datetime(2026, 3, 1, 12, 0) - timedelta(minutes=minutes_ago)
    return UnansweredQuestion(turn_id, f"s-{turn_id}", deck, text, asked)


def _record(log: SqlConversationLog, session_id: str, question: str, *, refused: bool = False,
            grounded: bool | None = None, rating: int | None = None, deck: str = "example") -> int:
    """One turn as the pipeline would log it, with the reader's thumbs when given."""
    result = AnswerResult("The documents do not say." if refused else "An answer.", refused, model_id="m")
    result.grounded = grounded
    turn_id = log.record_turn(session_id, deck, question, result)
    if rating is not None:
        assert log.record_feedback(session_id, turn_id, rating, None)
    return turn_id


def test_groups_come_biggest_first_then_most_recent_with_the_most_typical_wording():
    x, y, between = np.array([1.0, 0.0]), np.array([0.0, 1.0]), np.array([0.8, 0.6])
    questions = [_question("x newest", 0, turn_id=1), _question("y", 1, "other", turn_id=2),
                 _question("between", 2, turn_id=3), _question("x again", 3, turn_id=4),
                 _question("lonely old y", 9, turn_id=5)]
    groups = group_questions(questions, np.stack([x, y, between, x, y]), threshold=0.75)
    assert [g.count for g in groups] == [3, 2]
    first, second = groups
    assert [q.question for q in first.questions] == ["x newest", "between", "x again"]  # newest first
    assert first.representative == "x newest" and first.last_asked == questions[0].asked
    assert second.decks == ["example", "other"] and second.representative in ("y", "lonely old y")
    two_singles = group_questions(questions[1:3], np.stack([y, x]))
    assert [g.representative for g in two_singles] == ["y", "between"]  # same size: the newer first
    with pytest.raises(ValueError, match="2 questions but 1 vectors"):
        group_questions(questions[:2], x[None, :])


def test_the_real_embedder_groups_paraphrases_and_keeps_other_topics_apart(embedder):
    texts = [RAISING[0], CTO[0], RAISING[1], CTO[1], RAISING[2]]
    questions = [_question(text, minutes, turn_id=minutes + 1) for minutes, text in enumerate(texts)]
    groups = group_questions(questions, embedder.embed(texts))
    assert [sorted(q.question for q in g.questions) for g in groups] == [sorted(RAISING), sorted(CTO)]


def test_the_log_lists_refused_ungrounded_and_thumbed_down_turns_newest_first(tmp_path):
    log = SqlConversationLog(f"sqlite:///{tmp_path / 'log.sqlite3'}")
    _record(log, "s1", "Who won the World Cup?", refused=True)
    _record(log, "s1", "What is the ARR?", grounded=True, rating=1)  # answered and liked
    _record(log, "s2", "How much do they raise?", grounded=False)
    _record(log, "s2", "Where is the headquarters?", grounded=True, rating=-1)
    _record(log, "s3", "When is the launch?", grounded=True)  # answered, no thumbs
    log.record_turn("s3", "example", "Who is the CEO?", AnswerResult("", False, error="model failed"))
    _record(log, "s4", "What is the burn rate?", refused=True, deck="other")
    assert [q.question for q in log.unanswered_questions(10)] == [
        "What is the burn rate?", "Where is the headquarters?", "How much do they raise?", "Who won the World Cup?"]
    assert [q.question for q in log.unanswered_questions(2)] == ["What is the burn rate?", "Where is the headquarters?"]
    assert [q.session_id for q in log.unanswered_questions(10, SessionFilter(deck="other"))] == ["s4"]


def test_the_page_groups_unanswered_questions_and_lists_hand_offs(questions_app):
    log = questions_app.extensions["deckchat"].log
    raising = [_record(log, f"s-raise-{n}", text, refused=True) for n, text in enumerate(RAISING)]
    cto_turn = _record(log, "s-cto", CTO[0], grounded=True, rating=-1)  # answered, but thumbed down
    _record(log, "s-liked", "What does the company sell?", grounded=True, rating=1)
    assert log.record_handoff("s-raise-0", raising[0], "angel@example.com")
    assert not log.record_handoff("s-liked", cto_turn, "x@example.com")  # not that session's turn
    client = questions_app.test_client()
    log_in(client)
    page = client.get("/admin/questions").get_data(as_text=True)
    assert "4 questions in 2 groups" in page
    rows = page.split('<tr class="question-group">')[1:]
    assert len(rows) == 2 and all(text in rows[0] for text in RAISING) and "<td>3</td>" in rows[0]
    assert CTO[0] in rows[1] and f'href="/admin/sessions/s-cto#turn-{cto_turn}"' in rows[1]
    assert "What does the company sell?" not in page
    handoff = page.split('<tr class="handoff">')[1]
    assert RAISING[0] in handoff and "mailto:angel%40example.com" in handoff
    assert 'href="/admin/sessions/s-raise-0"' in handoff and "<td>example</td>" in handoff
    assert 'href="/admin/questions"' in client.get("/admin/").get_data(as_text=True)  # the nav link


def test_the_page_filters_by_deck_and_date_and_escapes_html(questions_app):
    log = questions_app.extensions["deckchat"].log
    html_turn = _record(log, "s-html", "<script>alert(1)</script> raise?", refused=True)
    _record(log, "s-other", "What is the burn rate?", refused=True, deck="other")
    assert log.record_handoff("s-html", html_turn, "a@example.com")
    client = questions_app.test_client()
    log_in(client)
    page = client.get("/admin/questions?deck=example").get_data(as_text=True)
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)" in page
    assert "&lt;script&gt;alert(1)" in page.split('<tr class="handoff">')[1]  # the hand-off shows it as text too
    assert "burn rate" not in page and 'value="example"' in page
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%d")
    later = client.get(f"/admin/questions?from={tomorrow}").get_data(as_text=True)
    assert "No unanswered questions." in later and "No hand-off requests." in later
    assert client.get("/admin/questions?to=yesterday").status_code == 400


def test_the_page_says_when_only_the_latest_questions_are_grouped(questions_app, monkeypatch):
    monkeypatch.setattr("app.admin.routes.MAX_QUESTIONS", 2)
    log = questions_app.extensions["deckchat"].log
    for n in range(3):
        _record(log, f"s{n}", f"Question number {n}?", refused=True)
    client = questions_app.test_client()
    log_in(client)
    page = client.get("/admin/questions").get_data(as_text=True)
    assert "Only the latest 2 are grouped" in page and "Question number 0?" not in page
    assert "Question number 2?" in page


def test_the_questions_page_needs_a_login(questions_app):
    response = questions_app.test_client().get("/admin/questions")
    assert response.status_code == 302 and "/admin/login" in response.headers["Location"]
