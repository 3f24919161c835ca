"""The conversation log on a real SQLite file."""

from __future__ import annotations

from dataclasses import replace

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session

from app.conversation_log import FIRST_REVISION, MIGRATIONS, SqlConversationLog
from app.models import ChatSession, Turn, TurnSource
from app.rag.result import AnswerResult


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


def test_grounding_and_used_sources_are_stored(tmp_path):
    log = SqlConversationLog(f"sqlite:///{tmp_path / 'log.sqlite3'}")
    answer = result()
    answer.grounded = False
    answer.sources = [replace(answer.sources[0], used=True), replace(answer.sources[1], used=False)]
    turn_id = log.record_turn("session-0002", "example", "How many?", answer)
    with Session(log.engine) as db:
        turn = db.get(Turn, turn_id)
        assert turn.grounded is False and [s.used for s in turn.sources] == [True, False]


def test_the_quote_and_the_replaced_model_answer_are_stored(tmp_path):
    log = SqlConversationLog(f"sqlite:///{tmp_path / 'log.sqlite3'}")
    answer = result()
    answer.quote = {"text": "The round closes on 30 April 2026.", "source": 1}
    answer.model_answer = "It closes in May 2031."
    with Session(log.engine) as db:
        turn = db.get(Turn, log.record_turn("s-quote", "example", "When?", answer))
        assert (turn.quote, turn.quote_rank, turn.model_answer) == (
            "The round closes on 30 April 2026.", 2, "It closes in May 2031.")
        assert turn.sources[turn.quote_rank - 1].rank == 2


def test_a_log_from_before_migrations_is_upgraded_and_keeps_its_turns(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    engine = create_engine(url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:  # the tables as an older DeckChat's create_all() left them
        config.attributes["connection"] = connection
        command.upgrade(config, FIRST_REVISION)
        connection.execute(text("DROP TABLE alembic_version"))
        connection.execute(text("INSERT INTO chat_session (id, deck, created_at) VALUES ('old-session', 'example', '2026-01-01')"))
        connection.execute(text(
            "INSERT INTO turn (session_id, question, answer, refused, prompt_tokens, completion_tokens, retrieval_ms, "
            "generation_ms, created_at) VALUES ('old-session', 'Old question?', 'Old answer.', 0, 1, 1, 1, 1, '2026-01-01')"))
    engine.dispose()
    log = SqlConversationLog(url)
    new_id = log.record_turn("old-session", "example", "New question?", result())
    with Session(log.engine) as db:
        turns = db.scalars(select(Turn).order_by(Turn.id)).all()
        assert [t.question for t in turns] == ["Old question?", "New question?"] and turns[-1].id == new_id
        assert turns[0].grounded is None
        assert db.scalar(text("SELECT version_num FROM alembic_version")) == ScriptDirectory.from_config(config).get_current_head()


def test_how_each_answer_was_decided_is_stored(tmp_path):
    log = SqlConversationLog(f"sqlite:///{tmp_path / 'log.sqlite3'}")
    answer = result()
    answer.why = "refused: the documents do not seem to answer it (p=0.21)"
    turn_id = log.record_turn("session-0003", "example", "What is the churn?", answer)
    with Session(log.engine) as db:
        assert db.get(Turn, turn_id).decided == answer.why
