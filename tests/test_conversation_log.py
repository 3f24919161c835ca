"""The conversation log on a real SQLite file."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.conversation_log import SqlConversationLog
from app.models import ChatSession, Turn, TurnSource
from app.rag.answer import AnswerResult


def result(answer="Three [1].", refused=False, error=None) -> AnswerResult:
    sources = [{"doc": "pitch.pdf", "page": 4, "kind": "page", "title": "Market", "snippet": "...", "score": 0.71},
               {"doc": "faq.md", "page": 2, "kind": "section", "title": None, "snippet": "...", "score": 0.52}]
    return AnswerResult(answer, refused, sources, model_id="m", prompt_tokens=120, completion_tokens=9,
                        retrieval_ms=12.5, generation_ms=800.0, error=error)


def test_turns_are_recorded_with_sources_timings_and_errors(tmp_path):
    log = SqlConversationLog(f"sqlite:///{tmp_path / 'log.sqlite3'}")
    first = log.record_turn("session-0001", "example", "How many?", result())
    second = log.record_turn("session-0001", "example", "And then?", result("", False, error="boom"))
    assert second > first
    with Session(log.engine) as db:
        assert db.scalar(select(func.count()).select_from(ChatSession)) == 1
        turns = db.scalars(select(Turn).order_by(Turn.id)).all()
        assert [t.question for t in turns] == ["How many?", "And then?"]
        assert turns[0].prompt_tokens == 120 and turns[0].generation_ms == 800.0 and turns[0].model_id == "m"
        assert turns[0].created_at is not None
        assert turns[1].error == "boom"
        sources = db.scalars(select(TurnSource).where(TurnSource.turn_id == first).order_by(TurnSource.rank)).all()
        assert [(s.rank, s.doc, s.page, s.score) for s in sources] == [(1, "pitch.pdf", 4, 0.71), (2, "faq.md", 2, 0.52)]
    assert log.session_deck("session-0001") == "example"
    assert log.session_deck("unknown-session") is None


def test_sqlite_runs_in_wal_mode(tmp_path):
    log = SqlConversationLog(f"sqlite:///{tmp_path / 'log.sqlite3'}")
    with log.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
