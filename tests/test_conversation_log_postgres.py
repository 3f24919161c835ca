"""The conversation log behaves the same on SQLite and on a real PostgreSQL server (DATABASE_URL)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, func, inspect, select, text, update
from sqlalchemy.orm import Session

from app.conversation_log import EXPORT_COLUMNS, MIGRATIONS, SessionFilter, SqlConversationLog, upgrade_schema
from app.models import Base, ChatSession, Turn
from app.rag.result import AnswerResult
from tests.postgres_server import postgres_server  # noqa: F401  (the session's server, used by name)
from tests.helpers.log_data import LONG_AGO, ONE_SESSION, row_counts, seed_session, seeded_log

SOURCES = [{"doc": "pitch.pdf", "page": 4, "kind": "page", "title": "Market", "score": 0.71, "used": True,
            "snippet": "A $4B market."},
           {"doc": "faq.md", "page": None, "kind": "section", "title": None, "score": 0.52, "used": False}]


def head_revision() -> str:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config).get_current_head()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> str:
    """An empty database of each kind: a SQLite file, or a new database on the session's PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'log.sqlite3'}"
    return request.getfixturevalue("postgres_server").create_database()


@pytest.fixture
def log(database_url):
    log = SqlConversationLog(database_url)
    yield log
    log.engine.dispose()


def as_utc(moment: datetime) -> datetime:
    """SQLite hands back naive UTC; PostgreSQL an aware time, which must be in UTC whatever the server's zone."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def test_a_turn_reads_back_with_its_sources_feedback_and_handoff(log):
    answer = AnswerResult("A $4B market [1].", False, SOURCES, model_id="m", prompt_tokens=120, completion_tokens=9,
                          retrieval_ms=12.5, generation_ms=800.0)
    answer.grounded, answer.quote, answer.model_answer = False, {"text": "A $4B market.", "source": 0}, "Huge."
    asked = log.record_turn("s-reader-01", "example", "How big is the market?", answer)
    refused = log.record_turn("s-reader-01", "example", "Who is the CTO?", AnswerResult("Not said.", True))
    log.record_turn("s-reader-01", "example", "And then?", AnswerResult("", False, error="boom"))

    assert log.record_feedback("s-reader-01", asked, 1, None)
    assert log.record_feedback("s-reader-01", asked, -1, "vague")  # replaces the thumbs up
    assert not log.record_feedback("s-someone-else", asked, 1, None)
    assert log.record_handoff("s-reader-01", refused, "first@example.com")
    assert log.record_handoff("s-reader-01", refused, "reader@example.com")  # replaces the address
    assert not log.record_handoff("s-someone-else", refused, "x@example.com")

    shown = log.reader_turns("s-reader-01", "example")
    assert [t["message_id"] for t in shown] == sorted(t["message_id"] for t in shown) and len(shown) == 3
    assert shown[0]["rating"] == -1 and shown[0]["quote"] == {"text": "A $4B market.", "source": 0}
    assert shown[0]["sources"] == [
        {"doc": "pitch.pdf", "page": 4, "kind": "page", "title": "Market", "snippet": "A $4B market.", "used": True},
        {"doc": "faq.md", "page": None, "kind": "section", "title": None, "snippet": None, "used": False}]
    assert [t["handoff"] for t in shown] == [False, True, False] and shown[2]["error"] is True
    assert log.reader_turns("s-reader-01", "other-deck") == []
    assert log.recent_turns("s-reader-01") == [("How big is the market?", "A $4B market [1].")]

    chat = log.transcript("s-reader-01")
    first = chat.turns[0]
    assert (first.grounded, first.quote_rank, first.model_answer, first.retrieval_ms) == (False, 1, "Huge.", 12.5)
    assert [(f.rating, f.comment) for f in first.feedback] == [(-1, "vague")]
    now = datetime.now(UTC)
    assert abs(as_utc(chat.created_at) - now) < timedelta(minutes=1)
    assert chat.created_at.utcoffset() in (None, timedelta(0))  # shown as UTC on every database

    (handoff,) = log.handoffs(10)
    assert (handoff.question, handoff.email, handoff.deck) == ("Who is the CTO?", "reader@example.com", "example")
    assert [q.question for q in log.unanswered_questions(10)] == ["Who is the CTO?", "How big is the market?"]
    assert log.session_deck("s-reader-01") == "example" and log.session_deck("s-unknown") is None


def test_a_source_title_longer_than_its_column_is_cut_not_refused(log):
    long_title = "Market " * 60  # 420 characters: PostgreSQL enforces VARCHAR(255), SQLite would not
    source = dict(SOURCES[0], title=long_title)
    answer = AnswerResult("Big.", False, [source], model_id="m" * 300)
    turn = log.record_turn("s-long-title", "example", "How big?", answer)
    assert log.reader_turns("s-long-title", "example")[0]["sources"][0]["title"] == long_title[:255]
    assert log.transcript("s-long-title").turns[0].id == turn


def seeded_log_with_literals(log: SqlConversationLog) -> None:
    """seeded_log's four outcomes, plus two sessions that LIKE wildcards would confuse."""
    seeded_log(log)
    log.record_turn("s-literal", "example", "Is it 100% recurring?", AnswerResult("Yes, see page_7.", False))
    log.record_turn("s-decoy", "example", "Is it 1000 customers?", AnswerResult("Yes, see pageX7.", False))
    with Session(log.engine) as db, db.begin():
        db.execute(update(ChatSession).where(ChatSession.id == "s-decoy").values(created_at=LONG_AGO))


@pytest.mark.parametrize("where, expected", [
    (SessionFilter(outcome="refused"), {"s-refused"}),
    (SessionFilter(outcome="ungrounded"), {"s-ungrounded"}),
    (SessionFilter(outcome="errored"), {"s-errored"}),
    (SessionFilter(outcome="thumbs-down"), {"s-disliked"}),
    (SessionFilter(deck="other"), {"s-errored"}),
    (SessionFilter(deck="example", outcome="errored"), set()),
    (SessionFilter(search="GOTHENBURG"), {"s-disliked"}),  # answers too, in any case (ILIKE on PostgreSQL)
    (SessionFilter(search="raise 9"), {"s-ungrounded"}),  # every word must appear
    (SessionFilter(search="100%"), {"s-literal"}),
    (SessionFilter(search="10%"), set()),  # % is a literal: "100% recurring" has no "10%"
    (SessionFilter(search="page_7"), {"s-literal"}),  # _ is a literal: "pageX7" does not match
    (SessionFilter(until=datetime(2021, 1, 1, tzinfo=UTC)), {"s-decoy"}),
    (SessionFilter(since=datetime(2021, 1, 1, tzinfo=UTC), search="customers"), set()),
    (SessionFilter(since=datetime(2021, 1, 1, tzinfo=UTC), until=datetime(2999, 1, 1, tzinfo=UTC), deck="example"),
     {"s-refused", "s-ungrounded", "s-disliked", "s-literal"}),
])
def test_sessions_filter_by_deck_outcome_words_and_dates(log, where, expected):
    seeded_log_with_literals(log)
    rows, total = log.list_sessions(where=where)
    assert {r.id for r in rows} == expected and total == len(expected)


def test_the_sessions_list_counts_and_pages_newest_first(log):
    seeded_log_with_literals(log)
    log.record_turn("s-disliked", "example", "And the team?", AnswerResult("Five people.", False))
    first, total = log.list_sessions(page=1, per_page=4)
    second, _ = log.list_sessions(page=2, per_page=4)
    assert total == 6 and len(first) == 4 and [s.id for s in second][-1] == "s-decoy"  # the oldest comes last
    disliked = next(s for s in first + second if s.id == "s-disliked")
    assert (disliked.first_question, disliked.turns, disliked.thumbs_down, disliked.thumbs_up, disliked.errors) == (
        "Where is the headquarters?", 2, 1, 0, 0)
    assert next(s for s in first + second if s.id == "s-errored").errors == 1


def test_the_export_has_every_column_sources_and_feedback(log):
    log.record_turn("s-export-1", "example", "How big?", AnswerResult("A $4B market.", False, SOURCES, model_id="m"))
    seeded_log(log)
    rows = list(log.export_rows())
    assert all(tuple(row) == EXPORT_COLUMNS for row in rows)
    assert [r["turn_id"] for r in rows] == sorted(r["turn_id"] for r in rows) and len(rows) == 5
    assert rows[0]["sources"] == "pitch.pdf p.4; faq.md" and rows[0]["refused"] is False
    assert abs(as_utc(datetime.fromisoformat(rows[0]["created_at"])) - datetime.now(UTC)) < timedelta(minutes=1)
    disliked = list(log.export_rows(SessionFilter(outcome="thumbs-down")))
    assert [(r["session_id"], r["feedback"]) for r in disliked] == [("s-disliked", "down: too short")]


def test_purge_deletes_children_first_and_keeps_a_returning_readers_new_turn(log):
    seed_session(log, "old", LONG_AGO)
    seed_session(log, "returning", LONG_AGO)
    today = log.record_turn("returning", "example", "And the valuation cap?", AnswerResult("$22 million.", False))
    seed_session(log, "new")
    cutoff = datetime(2020, 1, 2, tzinfo=UTC)
    assert log.purge(cutoff, dry_run=True) == (1, 4)
    assert row_counts(log)["turn"] == 7  # a dry run deletes nothing
    assert log.purge(cutoff) == (1, 4)
    assert log.transcript("old") is None and [t.id for t in log.transcript("returning").turns] == [today]
    assert row_counts(log) == {"chat_session": 2, "turn": 3, "turn_source": 1, "feedback": 1, "handoff": 1}
    assert log.purge(cutoff) == (0, 0) and row_counts(log)["turn"] == ONE_SESSION["turn"] + 1


def test_migrations_build_the_models_schema_from_empty_and_rerun_as_no_ops(database_url):
    engine = create_engine(database_url)
    try:
        upgrade_schema(engine)
        with engine.connect() as connection:
            assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
            assert connection.scalar(text("SELECT version_num FROM alembic_version")) == head_revision()
            if engine.dialect.name == "postgresql":
                created = next(c for c in inspect(connection).get_columns("turn") if c["name"] == "created_at")
                assert created["type"].timezone is True
        first = SqlConversationLog(database_url)
        first.record_turn("s-migrated", "example", "Still there?", AnswerResult("Yes.", False))
        first.engine.dispose()
        again = SqlConversationLog(database_url)  # a restart: the schema is current, the rows stay
        assert [t.question for t in again.transcript("s-migrated").turns] == ["Still there?"]
        with again.engine.connect() as connection:
            assert connection.scalar(text("SELECT count(*) FROM alembic_version")) == 1
        again.engine.dispose()
    finally:
        engine.dispose()


def test_a_log_from_before_migrations_is_stamped_and_upgraded(database_url):
    from alembic import command

    engine = create_engine(database_url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:  # the tables as an older DeckChat's create_all() left them
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
        connection.execute(text("DROP TABLE alembic_version"))
        connection.execute(text("INSERT INTO chat_session (id, deck, created_at) "
                                "VALUES ('old-session', 'example', '2026-01-01 00:00:00')"))
        connection.execute(text(
            "INSERT INTO turn (session_id, question, answer, refused, prompt_tokens, completion_tokens, "
            "retrieval_ms, generation_ms, created_at) "
            "VALUES ('old-session', 'Old question?', 'Old answer.', false, 1, 1, 1, 1, '2026-01-01 00:00:00')"))
    engine.dispose()
    log = SqlConversationLog(database_url)
    log.record_turn("old-session", "example", "New question?", AnswerResult("New.", False))
    turns = log.transcript("old-session").turns
    assert [t.question for t in turns] == ["Old question?", "New question?"] and turns[0].grounded is None
    log.engine.dispose()


def run_together(threads: int, work) -> list[BaseException]:
    """Run work(n) on `threads` threads released at once; returns what they raised."""
    start, errors = threading.Barrier(threads), []

    def worker(n: int) -> None:
        try:
            start.wait(timeout=30)
            work(n)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)

    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in pool), "a writer hung"
    return errors


def test_concurrent_writers_lose_no_turn(log):
    def ten_turns(n: int) -> None:
        for i in range(10):
            log.record_turn(f"s-writer-{n:02d}", "example", f"Q{n}.{i}?", AnswerResult(f"A{n}.{i}.", False, SOURCES))

    assert run_together(8, ten_turns) == []
    with Session(log.engine) as db:
        per_session = dict(db.execute(select(Turn.session_id, func.count()).group_by(Turn.session_id)).all())
    assert per_session == {f"s-writer-{n:02d}": 10 for n in range(8)}
    assert row_counts(log)["turn_source"] == 160


def test_concurrent_first_turns_of_one_session_all_land(log):
    """A reader's double submit: two first turns race to create the same session."""
    errors = run_together(8, lambda n: log.record_turn("s-shared-01", "example", f"Q{n}?", AnswerResult("A.", False)))
    assert errors == []
    assert len(log.transcript("s-shared-01").turns) == 8 and row_counts(log)["chat_session"] == 1


def test_readers_links_views_and_the_outbox_behave_alike(log):
    """The founder's console's rows: a named reader on a session, slide views, the dashboard's sums,
    personal links and the notification outbox (once per key, claimed by one sender)."""
    from zoneinfo import ZoneInfo

    from app.conversation_log.writes import Opened
    from app.notifications.outbox import Outbox
    from app.reader_access.links import ReaderLinks
    from app.reader_access.passes import ReaderPass

    links = ReaderLinks(log.sessions)
    link = links.create("example", "ada@fund.example", "Ada", days=2)
    reader = ReaderPass("example", "link", "ada@fund.example", "Ada", link.id)
    assert log.record_views("s-ada-0001", "example", reader, [("pitch.pdf", 1, 3.5), ("pitch.pdf", 2, 8.0)]) \
        is Opened.NAMED
    assert log.open_session("s-ada-0001", "example", reader) is Opened.OPENED
    assert log.open_session("s-ada-0001", "other", None) is Opened.OTHER_DECK
    log.record_turn("s-ada-0001", "example", "What is the valuation?", AnswerResult("No.", True))
    activity = log.deck_activity("example", ZoneInfo("UTC"), 7)
    assert [(r.key, r.slides_seen, r.seconds, r.questions) for r in activity.readers] == \
        [("ada@fund.example", 2, 11.5, 1)]
    assert links.usable(link.id, "example") is not None and links.revoke(link.id, "other") is None
    assert links.revoke(link.id).state == "revoked" and links.usable(link.id, "example") is None

    outbox = Outbox(log.sessions)
    assert outbox.add("first-visit", ["mail", "webhook"], "s", "b", dedupe_key="first-visit:example:ada") == 2
    assert outbox.add("first-visit", ["mail", "webhook"], "s", "b", dedupe_key="first-visit:example:ada") == 0
    assert outbox.add("handoff", ["mail"], "s", "b") == 1 and outbox.add("handoff", ["mail"], "two\nlines", "b") == 1
    assert outbox.recent()[0].subject == "two lines"  # a mail header holds no line break
    now = datetime.now(UTC) + timedelta(seconds=1)
    due = outbox.due(now)
    assert len(due) == 4
    assert outbox.claim(due[0].id, now) and not outbox.claim(due[0].id, now)  # a second sender finds it taken
    assert log.purge(now + timedelta(seconds=1)) == (1, 1) and outbox.recent() == []


def test_a_turn_whose_commit_answer_is_lost_is_stored_once_on_the_retry(log):
    """The connection drops after the server committed: the client sees an error and tries again; the
    turn's write key finds the row the first try stored instead of storing it twice."""
    from sqlalchemy import event
    from sqlalchemy.exc import OperationalError

    lost = {"left": 1}

    def drop_after_commit(session):
        if lost["left"]:
            lost["left"] -= 1
            raise OperationalError("COMMIT", {}, Exception("server closed the connection unexpectedly"))

    event.listen(log.sessions, "after_commit", drop_after_commit)
    try:
        answer = AnswerResult("A $4B market [1].", False, SOURCES, model_id="m")
        turn_id = log.record_turn("s-lost", "deck", "How big is the market?", answer)
        begun = log.begin_turn("s-lost", "deck", "And the margin?", "interrupted")
    finally:
        event.remove(log.sessions, "after_commit", drop_after_commit)
    assert lost["left"] == 0  # the first commit's answer was lost
    with Session(log.engine) as db:
        turns = db.scalars(select(Turn).where(Turn.session_id == "s-lost").order_by(Turn.id)).all()
        assert [(t.id, t.question) for t in turns] == [(turn_id, "How big is the market?"), (begun, "And the margin?")]
        assert len({t.write_key for t in turns}) == 2 and len(turns[0].sources) == 2
