"""The API through a real gunicorn server (one worker, threads) on a loopback port, real models."""

from __future__ import annotations

import json
import shutil
import time

import pytest
import requests

from app.generation.embedded import embedded_model_path
from tests.conftest import EXAMPLE_DECK, make_ingester
from tests.live_server import gunicorn


@pytest.fixture(scope="module")
def server(example_index, generator, tmp_path_factory):
    """gunicorn serving wsgi:app on the example index; the model comes from the shared cache."""
    instance = tmp_path_factory.mktemp("server_instance")
    index_dir = instance / "index_store"  # its own copy: the hot-swap test re-ingests into it
    shutil.copytree(example_index, index_dir, symlinks=True)
    # The model writes the answers here, so the written path runs through a real server too.
    with gunicorn(instance, index_dir, env={"DECKCHAT_WRITE_ANSWERS": "1"}) as base:
        # DECKCHAT_PRELOAD_MODEL loads the model in the background: ready once it is in, before any question.
        deadline = time.monotonic() + 120
        while requests.get(f"{base}/api/health", timeout=10).json()["model"]["state"] == "not loaded":
            assert time.monotonic() < deadline, "the preloaded model was not in within 120 s"
            time.sleep(0.2)
        yield base, index_dir


def test_health_over_http(server):
    server, _ = server
    health = requests.get(f"{server}/api/health", timeout=10).json()
    assert health["decks"][0]["deck"] == "example"
    assert health["model"]["id"] == embedded_model_path().name
    assert health["model"]["state"] == "loaded" and health["model"]["error"] is None  # preloaded, no question asked
    assert health["status"] == "ok"


def test_chat_over_http_answers_with_sources_and_a_session(server):
    server, _ = server
    response = requests.post(f"{server}/api/chat", timeout=120,
                             json={"deck": "example", "question": "Who is the CEO of the company?"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"answer", "refused", "grounded", "quote", "sources", "session_id", "message_id",
                         "curated"}  # the founders' own answer, when one was given (null here)
    assert body["curated"] is None
    assert body["answer"] and isinstance(body["refused"], bool)
    assert body["sources"] and set(body["sources"][0]) - {"used"} == {"doc", "page", "kind", "title", "snippet", "score"}
    if body["quote"]:  # the line the answer rests on comes from one of its sources
        assert body["sources"][body["quote"]["source"]]["used"] is True
    follow = requests.post(f"{server}/api/chat", timeout=120, json={
        "deck": "example", "question": "When was the company founded?", "session_id": body["session_id"]})
    assert follow.status_code == 200 and follow.json()["session_id"] == body["session_id"]
    assert follow.json()["message_id"] > body["message_id"]


def test_what_do_they_do_over_http_is_answered_about_the_company(server):
    """The reader's first question names nothing the deck says; the deck's title (deck.toml) names the company."""
    server, _ = server
    body = requests.post(f"{server}/api/chat", timeout=120, json={"deck": "example", "question": "What do they do?"}).json()
    assert body["refused"] is False and "hull" in body["answer"].lower(), body


def test_a_near_refusal_over_http_shows_the_closest_passage_and_cites_it(server):
    """"What is the pricing?": the deck never writes "price", so the decision refuses it, but only just;
    the reader is shown the subscription line with its slide, and the turn still counts as unanswered.
    A question nothing in the deck comes near stays a plain refusal."""
    server, _ = server
    body = requests.post(f"{server}/api/chat", timeout=120,
                         json={"deck": "example", "question": "What is the pricing?"}).json()
    assert body["refused"] is True and body["answer"].startswith("The documents do not say this clearly."), body
    assert "$48,000 per ship per year" in body["answer"] and "$48,000" in body["quote"]["text"], body
    used = [s for s in body["sources"] if s["used"]]
    assert len(used) == 1 and used[0] == body["sources"][body["quote"]["source"]], body
    far = requests.post(f"{server}/api/chat", timeout=120,
                        json={"deck": "example", "question": "What's the weather in Paris?"}).json()
    assert far["refused"] is True and far["answer"] == "The documents do not say." and far["quote"] is None, far


def test_stream_over_http_delivers_sentences_as_they_pass(server):
    server, _ = server
    arrivals: list[tuple[str, float]] = []
    texts: list[str] = []
    with requests.post(f"{server}/api/chat/stream", timeout=120, stream=True,
                       json={"deck": "example", "question": "What does the MantaBot M2 do?"}) as response:
        assert response.status_code == 200
        assert response.headers["Content-Type"].startswith("text/event-stream")
        for line in response.iter_lines(chunk_size=1, decode_unicode=True):
            if line.startswith("event: "):
                arrivals.append((line.removeprefix("event: "), time.monotonic()))
            elif line.startswith("data: "):
                texts.append(line.removeprefix("data: "))
    names = [name for name, _ in arrivals]
    assert names[0] == "sources" and names[-1] == "done" and names.count("token") >= 1
    streamed = "".join(json.loads(t)["text"] for name, t in zip(names, texts) if name == "token")
    assert json.loads(texts[-1])["answer"].startswith(streamed.strip())  # nothing shown was taken back
    deadline = time.monotonic() + 5  # the server closes the response just after its last byte
    while requests.get(f"{server}/api/health", timeout=10).json()["queue"]["depth"] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert requests.get(f"{server}/api/health", timeout=10).json()["queue"]["depth"] == 0  # place given back


def test_bad_input_over_http_is_json_4xx(server):
    server, _ = server
    response = requests.post(f"{server}/api/chat", data="{oops", headers={"Content-Type": "application/json"},
                             timeout=10)
    assert response.status_code == 400 and "error" in response.json()
    response = requests.post(f"{server}/api/chat", json={"deck": "nosuch", "question": "hi"}, timeout=10)
    assert response.status_code == 404 and "nosuch" in response.json()["error"]
    response = requests.get(f"{server}/api/nothing-here", timeout=10)
    assert response.status_code == 404 and "error" in response.json()


def test_a_re_ingested_deck_is_served_without_a_restart(server, embedder, tmp_path):
    base, index_dir = server
    source = tmp_path / "example"
    shutil.copytree(EXAMPLE_DECK, source)
    (source / "news.md").write_text("# News\n\n## Latest customer\n\n"
                                    "Oceanic Lines signed up its whole fleet of 30 ships in November 2026.\n")
    before = requests.get(f"{base}/api/health", timeout=10).json()["decks"][0]["chunks"]
    report = make_ingester(index_dir, embedder).ingest("example", source)
    assert report.ok and report.status == "built"
    after = requests.get(f"{base}/api/health", timeout=10).json()["decks"][0]["chunks"]
    assert after == before + 1
    body = requests.post(f"{base}/api/chat", timeout=120, json={
        "deck": "example", "question": "Which shipping line signed up its whole fleet in November 2026?"}).json()
    assert body["sources"][0]["doc"] == "news.md", body
