"""The OpenAI-compatible backend against llama-cpp-python's own server (llama_cpp.server) on the embedded model."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from app import create_app
from app.eval.metrics import answer_matches
from app.models import Turn
from app.services import Services
from tests.conftest import app_config
from cluster.model_server import MODEL_ALIAS, ModelServerUnavailable, start_model_server
from tests.openai_standin import StandinServer, make_recording_proxy
from tests.live_server import free_port
from tests.helpers.sse import parse_events


@pytest.fixture(scope="module")
def model_server(tmp_path_factory):
    """The real model server, behind a proxy that records what the backend sent."""
    try:
        model = start_model_server(tmp_path_factory.mktemp("model-server") / "server.log")
    except ModelServerUnavailable as exc:
        pytest.skip(str(exc))
    try:
        app = make_recording_proxy(model.base_url)
        with StandinServer(app) as server:
            yield server, app
    finally:
        model.stop()


def remote_app(tmp_path, example_index, embedder, base_url):
    config = app_config(tmp_path, example_index) | {
        "BACKEND": "openai", "OPENAI_BASE_URL": base_url, "OPENAI_MODEL": MODEL_ALIAS, "WRITE_ANSWERS": True}
    return create_app(config, make_services=lambda cfg: Services(cfg, embedder=embedder))


def test_answers_come_from_the_server_with_the_pipeline_prompt(model_server, tmp_path, example_index, embedder):
    server, proxy_app = model_server
    app = remote_app(tmp_path, example_index, embedder, server.base_url)
    body = app.test_client().post("/api/chat", json={"deck": "example", "question": "Who is the CTO?"})
    assert body.status_code == 200, body.get_json()
    answer = body.get_json()
    assert answer_matches("Tomas Lindqvist", answer["answer"]), answer["answer"]
    sent = proxy_app.config["requests"][-1]
    assert sent["stream"] is True and sent["model"] == MODEL_ALIAS and sent["stop"] == ["\n\n"]
    assert [m["role"] for m in sent["messages"]] == ["system", "user"]
    assert sent["messages"][1]["content"].startswith("Context:\n[1] ")
    with Session(app.extensions["deckchat"].log.engine) as db:
        assert db.get(Turn, answer["message_id"]).model_id == MODEL_ALIAS


def test_the_stream_endpoint_relays_the_servers_tokens(model_server, tmp_path, example_index, embedder):
    server, _ = model_server
    app = remote_app(tmp_path, example_index, embedder, server.base_url)
    response = app.test_client().post("/api/chat/stream", json={"deck": "example", "question": "What does the MantaBot M2 do?"})
    events = parse_events(response.get_data(as_text=True))
    tokens = [data["text"] for name, data in events if name == "token"]
    assert len(tokens) >= 1 and events[-1][0] == "done"
    done, streamed = events[-1][1], "".join(tokens).strip()
    # Greedy decoding: the model's own sentence stands (no fallback to the quote), and the final answer is
    # exactly what streamed with the one block it rests on cited: the reader never sees text taken back.
    assert done["grounded"] is True and done["refused"] is False and done["used"] == [0]
    assert "magnetic crawler robot that cleans the hull" in streamed, streamed
    assert done["answer"] == f"{streamed} [1]"


def test_a_server_that_is_down_gives_503_and_the_turn_keeps_the_error(tmp_path, example_index, embedder):
    app = remote_app(tmp_path, example_index, embedder, f"http://127.0.0.1:{free_port()}/v1")
    response = app.test_client().post("/api/chat", json={"deck": "example", "question": "Who is the CTO?"})
    assert response.status_code == 503
    with Session(app.extensions["deckchat"].log.engine) as db:
        assert "failed" in db.get(Turn, response.get_json()["message_id"]).error


def test_the_api_key_is_never_printed(tmp_path, example_index, embedder):
    config = app_config(tmp_path, example_index) | {"BACKEND": "openai", "OPENAI_BASE_URL": "http://127.0.0.1:9/v1",
                                                     "OPENAI_API_KEY": "sk-very-secret"}
    app = create_app(config, make_services=lambda cfg: Services(cfg, embedder=embedder))
    output = app.test_cli_runner().invoke(args=["config"]).output
    assert "sk-very-secret" not in output and "OPENAI_API_KEY = ***" in output
