"""POST /api/chat/stream with the real embedded model: events in order, and a reader who leaves."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import create_app
from app.eval.metrics import answer_matches
from app.generation.base import GenerationError
from app.models import Turn
from app.rag.result import INTERRUPTED
from app.services import Services
from tests.conftest import app_config
from tests.fakes import ScriptedGenerator
from tests.helpers.sse import parse_events


def test_sources_then_tokens_then_done_with_the_logged_answer(client, app):
    response = client.post("/api/chat/stream", json={"deck": "example", "question": "When does the seed round close?"})
    assert response.status_code == 200 and response.mimetype == "text/event-stream"
    events = parse_events(response.get_data(as_text=True))
    names = [name for name, _ in events]
    assert names[0] == "sources" and names[-1] == "done" and set(names[1:-1]) == {"token"}
    sources, done = events[0][1], events[-1][1]
    assert any(s["doc"] == "faq.md" and s["page"] == 7 for s in sources["sources"])
    streamed = "".join(data["text"] for name, data in events if name == "token")
    assert not done["refused"] and done["answer"].startswith(streamed.strip())  # + the citation marks
    assert answer_matches("30 April 2026", done["answer"]), done["answer"]
    assert "30 April 2026" in done["quote"]["text"] and done["quote"]["source"] in done["used"]
    with Session(app.extensions["deckchat"].log.engine) as db:
        turn = db.get(Turn, done["message_id"])
        assert turn.answer == done["answer"] and turn.error is None and turn.quote == done["quote"]["text"]
        assert turn.session_id == sources["session_id"]


def test_a_refusal_streams_no_tokens(client):
    response = client.post("/api/chat/stream", json={"deck": "example", "question": "Who won the 2018 FIFA World Cup?"})
    events = parse_events(response.get_data(as_text=True))
    assert [name for name, _ in events] == ["sources", "done"]
    assert events[-1][1]["refused"] is True and events[-1][1]["used"] == []
    assert not any(s["used"] for s in events[0][1]["sources"])


def test_a_reader_who_leaves_stops_the_model_and_the_partial_answer_is_logged(tmp_path, example_index, embedder,
                                                                              generator):
    app = create_app(app_config(tmp_path, example_index) | {"WRITE_ANSWERS": True},
                     make_services=lambda cfg: Services(cfg, embedder=embedder, generator=generator))
    client = app.test_client()
    question = "Describe the product, the market, the team and the business model in detail."
    response = client.post("/api/chat/stream", json={"deck": "example", "question": question}, buffered=False)
    chunks = iter(response.response)
    first = next(chunks).decode()  # sources
    token = next(chunks).decode()  # the first delta: the model is running and holds its lock
    assert first.startswith("event: sources") and token.startswith("event: token")
    response.close()  # what the server does when the reader's connection drops
    with Session(app.extensions["deckchat"].log.engine) as db:
        turn = db.scalars(select(Turn).where(Turn.question == question)).one()
        assert turn.error == INTERRUPTED
        first_delta = json.loads(token.split("data: ", 1)[1])["text"]
        assert turn.answer and turn.answer.startswith(first_delta.strip())  # the partial text, kept
        assert turn.completion_tokens < app.config["MAX_NEW_TOKENS"]
    # The model was released: the next reader gets a whole answer.
    again = client.post("/api/chat", json={"deck": "example", "question": "Who is the CTO?"})
    assert again.status_code == 200 and answer_matches("Tomas Lindqvist", again.get_json()["answer"])


def test_bad_stream_requests_are_json_errors_before_any_event(client):
    assert client.post("/api/chat/stream", json={"deck": "example"}).status_code == 400
    missing = client.post("/api/chat/stream", json={"deck": "nope", "question": "Hi?"})
    assert missing.status_code == 404 and missing.is_json


class FailingMidStream(ScriptedGenerator):
    """Writes two words, then the backend fails (a remote server dropping the connection, say)."""

    def stream(self, prompt, params):
        yield "The round"
        yield " closes"
        raise GenerationError("connection reset by the model server")


def test_a_model_failure_mid_stream_ends_with_an_error_event_and_is_logged(tmp_path, example_index, embedder):
    app = create_app(app_config(tmp_path, example_index) | {"WRITE_ANSWERS": True},
                     make_services=lambda cfg: Services(cfg, embedder=embedder, generator=FailingMidStream()))
    response = app.test_client().post("/api/chat/stream", json={"deck": "example", "question": "Tell me about the round."})
    events = parse_events(response.get_data(as_text=True))
    assert [name for name, _ in events] == ["sources", "error"]  # half a sentence is never shown
    assert "try again" in events[-1][1]["error"]
    with Session(app.extensions["deckchat"].log.engine) as db:
        turn = db.get(Turn, events[-1][1]["message_id"])
        assert turn.error == "connection reset by the model server" and turn.model_answer == "The round closes"
