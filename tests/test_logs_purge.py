"""Retention: `flask logs purge`, the purge itself and the daily automatic one."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app import create_app
from app.conversation_log import SqlConversationLog
from app.log_retention import retention_cutoff
from app.rag.result import AnswerResult
from app.services import Services
from tests.conftest import app_config
from tests.helpers.log_data import LONG_AGO, ONE_SESSION, row_counts, seed_session


@pytest.fixture
def make_app(tmp_path, example_index, embedder):
    """An app on the real embedder (no language model), with extra settings."""
    def make(**settings):
        config = app_config(tmp_path, example_index) | settings
        return create_app(config, make_services=lambda cfg: Services(cfg, embedder=embedder))
    return make


def test_purge_removes_old_sessions_with_every_row_and_keeps_newer_ones(tmp_path):
    log = SqlConversationLog(f"sqlite:///{tmp_path / 'log.sqlite3'}")
    seed_session(log, "old", LONG_AGO)
    seed_session(log, "new")
    assert log.purge(datetime(2020, 1, 2, tzinfo=UTC), dry_run=True) == (1, 2)
    assert row_counts(log) == {table: 2 * n for table, n in ONE_SESSION.items()}  # a dry run deletes nothing
    assert log.purge(datetime(2020, 1, 2, tzinfo=UTC)) == (1, 2)
    assert row_counts(log) == ONE_SESSION and log.transcript("old") is None and log.transcript("new")
    assert log.purge(datetime(2020, 1, 1, tzinfo=UTC)) == (0, 0)  # "before" the day: not on it


def test_a_reader_back_in_an_old_session_keeps_the_new_turns(tmp_path):
    log = SqlConversationLog(f"sqlite:///{tmp_path / 'log.sqlite3'}")
    seed_session(log, "returning", LONG_AGO)
    today = log.record_turn("returning", "example", "And the valuation cap?", AnswerResult("$22 million.", False))
    assert log.purge(datetime(2020, 1, 2, tzinfo=UTC)) == (0, 2)
    assert [t.id for t in log.transcript("returning").turns] == [today]
    assert row_counts(log) == {"chat_session": 1, "turn": 1, "turn_source": 0, "feedback": 0, "handoff": 0}


def test_flask_logs_purge_deletes_before_the_day_and_says_how_much(make_app):
    app = make_app()
    log = app.extensions["deckchat"].log
    seed_session(log, "old", LONG_AGO)
    seed_session(log, "new")
    dry = app.test_cli_runner().invoke(args=["logs", "purge", "--before", "2020-01-02", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "would remove 2 turns from before 2020-01-02 (UTC) and 1 sessions left empty" in dry.output
    assert row_counts(log)["chat_session"] == 2
    done = app.test_cli_runner().invoke(args=["logs", "purge", "--before", "2020-01-02"])
    assert done.exit_code == 0 and "removed 2 turns" in done.output and "1 sessions left empty" in done.output
    assert row_counts(log) == ONE_SESSION and log.transcript("new")


def test_flask_logs_purge_refuses_a_bad_date_or_no_date_at_all(make_app):
    runner = make_app().test_cli_runner()
    bad = runner.invoke(args=["logs", "purge", "--before", "01/02/2020"])
    assert bad.exit_code != 0 and "--before must be a date like 2026-11-24" in bad.output
    neither = runner.invoke(args=["logs", "purge"])
    assert neither.exit_code != 0 and "DECKCHAT_RETENTION_DAYS" in neither.output


def test_flask_logs_purge_uses_the_retention_setting_without_a_date(make_app):
    app = make_app(RETENTION_DAYS=30)
    log = app.extensions["deckchat"].log
    seed_session(log, "old", LONG_AGO)
    seed_session(log, "new")
    result = app.test_cli_runner().invoke(args=["logs", "purge"])
    cutoff = retention_cutoff(30)
    assert result.exit_code == 0 and f"removed 2 turns from before {cutoff:%Y-%m-%d}" in result.output


def test_the_app_purges_past_the_retention_on_its_first_request_then_once_a_day(make_app):
    app = make_app(RETENTION_DAYS=30)
    log = app.extensions["deckchat"].log
    seed_session(log, "old", LONG_AGO)
    seed_session(log, "new")
    client = app.test_client()
    client.get("/admin/login")
    assert row_counts(log) == ONE_SESSION
    seed_session(log, "old-too", LONG_AGO)
    client.get("/admin/login")
    assert log.transcript("old-too") is not None  # purged already today


def test_without_a_retention_the_app_keeps_everything(make_app):
    app = make_app()  # RETENTION_DAYS defaults to 0: keep forever
    log = app.extensions["deckchat"].log
    seed_session(log, "old", LONG_AGO)
    app.test_client().get("/admin/login")
    assert row_counts(log) == ONE_SESSION


def test_the_retention_cutoff_is_midnight_utc_so_many_days_ago():
    now = datetime(2026, 3, 10, 23, 30, tzinfo=UTC)
    assert retention_cutoff(30, now) == datetime(2026, 2, 8, tzinfo=UTC)
