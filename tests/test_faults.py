"""Faults under a running app: a damaged index, a full disk during ingest, a locked log database, and
the server killed while it streams. Each says what the reader and the owner see, and what survives."""

from __future__ import annotations

import json
import sqlite3

import pytest
import requests
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from app import create_app
from app.models import Turn
from app.rag.result import INTERRUPTED
from app.services import Services
from ingest.store import load_deck_index, read_manifest
from tests.conftest import EXAMPLE_DECK, app_config, make_ingester
from tests.fakes import ScriptedGenerator

QUESTION = {"deck": "example", "question": "Who are the founders?"}


def two_deck_index(tmp_path, embedder, index_copy):
    """The example deck plus a small second deck, to show one deck's fault does not reach another."""
    other = tmp_path / "other_source"
    other.mkdir()
    (other / "faq.md").write_text("# Who are the founders?\n\nAda Byron and Charles Babbage founded Engines Ltd.\n")
    assert make_ingester(index_copy, embedder).ingest("other", other).ok
    return index_copy


def scripted_app(tmp_path, index_dir, embedder, reply="The founders are Maren Okafor and Tomas Lindqvist."):
    # The model is incidental to these faults: a scripted one answers at once.
    config = app_config(tmp_path, index_dir) | {"WRITE_ANSWERS": True}
    return create_app(config, make_services=lambda cfg: Services(cfg, embedder=embedder,
                                                                 generator=ScriptedGenerator(*[reply] * 20)))


@pytest.mark.parametrize("damage", ["corrupt index.faiss", "delete chunks.jsonl", "garble manifest.json"])
def test_a_damaged_index_is_503_for_its_deck_only_and_flask_ingest_repairs_it(tmp_path, embedder, index_copy, damage):
    index_dir = two_deck_index(tmp_path, embedder, index_copy)
    build = (index_dir / "example").resolve()
    if damage == "corrupt index.faiss":
        (build / "index.faiss").write_bytes(b"\x00" * 100)
    elif damage == "delete chunks.jsonl":
        (build / "chunks.jsonl").unlink()
    else:
        (build / "manifest.json").write_text("{ half a manifest")
    client = scripted_app(tmp_path, index_dir, embedder).test_client()
    broken = client.post("/api/chat", json=QUESTION)
    assert broken.status_code == 503 and "flask ingest" in broken.get_json()["error"]
    assert client.post("/api/chat", json=QUESTION | {"deck": "other"}).status_code == 200
    assert client.get("/api/health").status_code == 200
    # The owner runs `flask ingest`: the same files, but the damaged build is rebuilt, not skipped.
    report = make_ingester(index_dir, embedder).ingest("example", EXAMPLE_DECK)
    assert report.status == "built", report
    assert client.post("/api/chat", json=QUESTION).status_code == 200  # no restart needed


def test_an_index_damaged_after_it_was_loaded_keeps_answering_from_memory(tmp_path, embedder, index_copy):
    client = scripted_app(tmp_path, index_copy, embedder).test_client()
    assert client.post("/api/chat", json=QUESTION).status_code == 200
    for name in ("index.faiss", "chunks.jsonl"):
        ((index_copy / "example").resolve() / name).unlink()
    assert client.post("/api/chat", json=QUESTION).status_code == 200  # loaded once, still whole in memory
    (index_copy / "example").unlink()  # the deck itself removed: it is gone for readers too
    assert client.post("/api/chat", json=QUESTION).status_code == 503


def test_a_full_disk_during_ingest_leaves_the_previous_index_serving(tmp_path, embedder, index_copy, monkeypatch):
    import faiss

    before = read_manifest(index_copy, "example")

    real_write = faiss.write_index

    def disk_full(index, _path):  # faiss writing to a full disk: /dev/full fails every write with ENOSPC
        real_write(index, "/dev/full")

    monkeypatch.setattr(faiss, "write_index", disk_full)
    report = make_ingester(index_copy, embedder).ingest("example", EXAMPLE_DECK, rebuild=True)
    assert report.status == "failed" and "No space left on device" in report.error, report.error
    assert "previous index keeps serving" in report.error
    assert read_manifest(index_copy, "example") == before
    assert load_deck_index(index_copy, "example").faiss_index.ntotal == before["chunk_count"]
    builds = list((index_copy / ".builds").iterdir())
    assert builds == [(index_copy / "example").resolve()]  # the half-written build was removed


def lock_the_log(app, failures: int | None, statements: tuple[str, ...] = ("INSERT",)):
    """Make the next `failures` such statements fail as a locked SQLite database does (None: all)."""
    engine = app.extensions["deckchat"].log.engine
    left = {"n": failures}

    @event.listens_for(engine, "before_cursor_execute")
    def _locked(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(statements) and (left["n"] is None or left["n"] > 0):
            if left["n"] is not None:
                left["n"] -= 1
            raise sqlite3.OperationalError("database is locked")


def logged_turns(app) -> list[Turn]:
    with Session(app.extensions["deckchat"].log.engine) as db:
        return db.scalars(select(Turn)).all()


def test_a_log_locked_for_a_moment_is_retried_and_the_turn_kept_once(tmp_path, embedder, example_index):
    app = scripted_app(tmp_path, example_index, embedder)
    lock_the_log(app, failures=2)
    response = app.test_client().post("/api/chat", json=QUESTION)
    assert response.status_code == 200 and response.get_json()["message_id"]
    assert [t.question for t in logged_turns(app)] == ["Who are the founders?"]


def test_a_log_that_stays_down_still_answers_the_reader_and_reports_the_turn(tmp_path, embedder, example_index,
                                                                               caplog, monkeypatch):
    monkeypatch.setattr("app.conversation_log.writes.RETRY_WAITS_S", (0.01,))
    app = scripted_app(tmp_path, example_index, embedder)
    lock_the_log(app, failures=None, statements=("INSERT", "SELECT", "UPDATE"))  # reads fail too
    response = app.test_client().post("/api/chat", json=QUESTION | {"session_id": "reader-session-1"})
    body = response.get_json()
    assert response.status_code == 200 and "Okafor" in body["answer"] and body["message_id"] is None
    report = [r for r in caplog.records if "conversation log unavailable" in r.getMessage()]
    assert report and "Who are the founders?" in report[0].getMessage() and "Okafor" in report[0].getMessage()
    stream = app.test_client().post("/api/chat/stream", json=QUESTION).get_data(as_text=True)
    assert "event: done" in stream and '"message_id": null' in stream
    feedback = app.test_client().post("/api/feedback", json={"session_id": "reader-session-1", "message_id": 1,
                                                              "rating": 1})
    assert feedback.status_code == 503 and "try again" in feedback.get_json()["error"]  # nothing to answer with


def test_a_server_killed_while_streaming_leaves_the_question_logged_as_interrupted(tmp_path, embedder):
    """A real gunicorn, its model a slow OpenAI-compatible stand-in, killed with SIGKILL mid-answer."""
    from tests.live_server import PROCESSES, gunicorn
    from tests.openai_standin import StandinServer, make_scripted_standin

    instance = tmp_path / "instance"
    instance.mkdir()
    index_dir = instance / "index_store"
    assert make_ingester(index_dir, embedder).ingest("example", EXAMPLE_DECK).ok
    slow = make_scripted_standin("The founders are Maren Okafor and Tomas Lindqvist.", pieces=40, delay_s=0.25)
    with StandinServer(slow) as model, gunicorn(instance, index_dir, {
            "DECKCHAT_BACKEND": "openai", "DECKCHAT_OPENAI_BASE_URL": model.base_url,
            "DECKCHAT_OPENAI_MODEL": "slow", "DECKCHAT_MAX_NEW_TOKENS": "200"}) as base:
        with requests.post(f"{base}/api/chat/stream", json=QUESTION, stream=True, timeout=60) as response:
            lines = response.iter_lines(decode_unicode=True)
            while next(lines) != "event: token":  # the model has started answering
                pass
            # Master and worker at once, as the OOM killer or a power cut would: no handler runs.
            PROCESSES[base].kill()
    log = sqlite3.connect(instance / "deckchat.sqlite3")
    rows = log.execute("SELECT question, error FROM turn").fetchall()
    assert rows == [("Who are the founders?", INTERRUPTED)], json.dumps(rows)


def test_no_secret_reaches_the_logs(tmp_path, embedder, example_index, caplog):
    """Secrets come from the environment and stay out of every log line, response and `flask config`,
    the API key included while the OpenAI-compatible backend holds it and its server fails."""
    import logging

    from app.admin.auth import hash_password
    from tests.live_server import free_port

    secrets = {"SECRET_KEY": "s3cret-signing-key-0123456789", "ADMIN_PASSWORD_HASH": hash_password("owner pass 123"),
               "OPENAI_API_KEY": "sk-not-for-logs-987654321"}
    config = app_config(tmp_path, example_index) | secrets | {
        "BACKEND": "openai", "OPENAI_BASE_URL": f"http://127.0.0.1:{free_port()}/v1",  # nothing listens there
        "WRITE_ANSWERS": True}  # the model writes the answer: the request reaches the server
    caplog.set_level(logging.DEBUG)
    app = create_app(config, make_services=lambda cfg: Services(cfg, embedder=embedder))
    client = app.test_client()
    answer = client.post("/api/chat", json=QUESTION)
    stream = client.post("/api/chat/stream", json=QUESTION)
    assert app.extensions["deckchat"].generator()._client["api_key"] == secrets["OPENAI_API_KEY"]  # the key went in
    assert answer.status_code == 503  # and the request with it failed
    with Session(app.extensions["deckchat"].log.engine) as db:
        assert "failed" in db.get(Turn, answer.get_json()["message_id"]).error
    assert "event: error" in stream.get_data(as_text=True)
    page = client.get("/admin/login").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    login = client.post("/admin/login", data={"password": "wrong guess 999", "csrf_token": token})
    shown = app.test_cli_runner().invoke(args=["config"]).output
    logged = "\n".join(r.getMessage() for r in caplog.records) + "\n" + caplog.text  # messages and tracebacks
    assert "failed" in logged  # the server's failure is logged
    responses = "\n".join(r.get_data(as_text=True) for r in (answer, stream, login))
    for secret in ("s3cret-signing-key", secrets["ADMIN_PASSWORD_HASH"], "sk-not-for-logs", "wrong guess 999"):
        assert secret not in logged and secret not in shown and secret not in responses
    assert "admin login failed" in logged  # the failed login itself is logged, without what was typed
