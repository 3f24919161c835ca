"""The generation queue: one answering, a bounded number waiting, the rest told when to come back."""

from __future__ import annotations

import pytest

from app import create_app
from app.services import Services
from tests.conftest import app_config

QUESTION = {"deck": "example", "question": "When does the seed round close?"}


@pytest.fixture
def single_place_app(tmp_path, example_index, embedder, generator):
    """The real app with room for one chat request at a time (nobody may wait)."""
    config = app_config(tmp_path, example_index) | {"QUEUE_WAITING": 0}
    return create_app(config, make_services=lambda cfg: Services(cfg, embedder=embedder, generator=generator))


def test_a_full_queue_answers_503_with_retry_after_and_health_shows_it(single_place_app):
    client, queue = single_place_app.test_client(), single_place_app.extensions["deckchat"].queue
    queue.enter()  # someone else's answer is being written
    busy = client.post("/api/chat", json=QUESTION)
    assert busy.status_code == 503 and busy.headers["Retry-After"] == "5" and "busy" in busy.get_json()["error"]
    assert client.get("/api/health").get_json()["queue"] == {"depth": 1, "capacity": 1}
    queue.leave()
    assert client.post("/api/chat", json=QUESTION).status_code == 200
    assert client.get("/api/health").get_json()["queue"]["depth"] == 0


def test_a_stream_holds_its_place_until_it_is_closed(single_place_app):
    client = single_place_app.test_client()
    first = client.post("/api/chat/stream", json=QUESTION, buffered=False)
    assert first.status_code == 200
    assert client.post("/api/chat/stream", json=QUESTION).status_code == 503
    first.close()  # read or not, a closed response gives its place back
    with client.post("/api/chat/stream", json=QUESTION) as second:  # a server closes what it sent
        assert second.status_code == 200 and "event: done" in second.get_data(as_text=True)
    assert client.get("/api/health").get_json()["queue"]["depth"] == 0


def test_a_request_turned_away_before_the_model_does_not_leak_a_place(single_place_app):
    client = single_place_app.test_client()
    assert client.post("/api/chat/stream", json={"deck": "nosuch", "question": "Hi?"}).status_code == 404
    assert client.post("/api/chat", json={"deck": "example", "question": ""}).status_code == 400
    assert client.get("/api/health").get_json()["queue"]["depth"] == 0
