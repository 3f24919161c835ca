"""Bad input and failures at the JSON API. The model is incidental here, so a scripted one stands in."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.generation.embedded import embedded_model_path
from app import create_app
from app.models import Turn
from app.services import Services
from tests.conftest import app_config
from tests.fakes import ScriptedGenerator


@pytest.fixture
def scripted(tmp_path, example_index, embedder):
    gen = ScriptedGenerator()
    app = create_app(app_config(tmp_path, example_index) | {"WRITE_ANSWERS": True},  # the model answers
                     make_services=lambda cfg: Services(cfg, embedder=embedder, generator=gen))
    return app, gen


@pytest.mark.parametrize("body, message", [
    ({"deck": "example", "question": ""}, "non-empty"),
    ({"deck": "example", "question": "   "}, "non-empty"),
    ({"deck": "example", "question": "x" * 1001}, "longer than 1000"),
    ({"deck": "../etc", "question": "hi"}, "deck name"),
    ({"question": "hi"}, "deck name"),
    ({"deck": "example", "question": "hi", "session_id": "a b"}, "session_id"),
    (["not", "an", "object"], "JSON object"),
])
def test_bad_requests_get_400_with_a_json_error(scripted, body, message):
    app, _ = scripted
    response = app.test_client().post("/api/chat", json=body)
    assert response.status_code == 400
    assert message in response.get_json()["error"]


def test_malformed_json_and_oversized_body(scripted):
    client = scripted[0].test_client()
    response = client.post("/api/chat", data="{not json", content_type="application/json")
    assert response.status_code == 400 and "error" in response.get_json()
    response = client.post("/api/chat", data="x" * 20000, content_type="application/json")
    assert response.status_code == 413 and "error" in response.get_json()


def test_unknown_deck_is_404_and_unbuilt_deck_is_503(tmp_path, embedder):
    content = tmp_path / "content"
    (content / "newdeck").mkdir(parents=True)
    config = app_config(tmp_path, tmp_path / "empty_index") | {"CONTENT_DIR": str(content)}
    app = create_app(config, make_services=lambda cfg: Services(cfg, embedder=embedder, generator=ScriptedGenerator()))
    client = app.test_client()
    assert client.post("/api/chat", json={"deck": "nosuch", "question": "hi"}).status_code == 404
    response = client.post("/api/chat", json={"deck": "newdeck", "question": "hi"})
    assert response.status_code == 503
    assert "flask ingest" in response.get_json()["error"]


def test_model_failure_is_logged_with_the_conversation(scripted):
    app, gen = scripted
    gen.replies.append(RuntimeError("out of memory"))
    response = app.test_client().post("/api/chat", json={"deck": "example", "question": "Who is the CEO?"})
    assert response.status_code == 503
    body = response.get_json()
    with Session(app.extensions["deckchat"].log.engine) as db:
        turn = db.get(Turn, body["message_id"])
        assert turn.question == "Who is the CEO?" and "out of memory" in turn.error
        assert turn.session_id == body["session_id"]


def test_a_session_stays_with_its_deck(scripted, tmp_path):
    client = scripted[0].test_client()
    first = client.post("/api/chat", json={"deck": "example", "question": "Who is the CEO?"}).get_json()
    again = client.post("/api/chat", json={"deck": "example", "question": "And the CTO?",
                                           "session_id": first["session_id"]})
    assert again.status_code == 200 and again.get_json()["session_id"] == first["session_id"]
    with Session(scripted[0].extensions["deckchat"].log.engine) as db:
        turns = db.scalars(select(Turn).where(Turn.session_id == first["session_id"])).all()
        assert len(turns) == 2


def test_health_reports_model_and_decks_without_loading_the_model(tmp_path, example_index, embedder):
    app = create_app(app_config(tmp_path, example_index),
                     make_services=lambda cfg: Services(cfg, embedder=embedder))
    health = app.test_client().get("/api/health").get_json()
    assert health["model"] == {"id": embedded_model_path().name, "state": "not loaded", "error": None}
    assert health["decks"][0]["deck"] == "example" and health["decks"][0]["chunks"] > 0
    assert health["decks"][0]["built_at"]


def test_model_that_cannot_load_gives_503_and_health_says_so(tmp_path, example_index, embedder):
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"GGUF" + b"\x00" * 64)  # a model file that exists but cannot be loaded
    config = app_config(tmp_path, example_index) | {"MODEL_PATH": str(broken), "WRITE_ANSWERS": True}
    app = create_app(config, make_services=lambda cfg: Services(cfg, embedder=embedder))
    client = app.test_client()
    response = client.post("/api/chat", json={"deck": "example", "question": "Who is the CEO of the company?"})
    assert response.status_code == 503 and "try again" in response.get_json()["error"]
    model = client.get("/api/health").get_json()["model"]
    assert model["state"] == "error" and "broken.gguf" in model["error"]
    with Session(app.extensions["deckchat"].log.engine) as db:
        assert "could not be loaded" in db.get(Turn, response.get_json()["message_id"]).error


def test_flask_config_shows_settings_without_the_database_password(tmp_path, example_index, embedder):
    config = app_config(tmp_path, example_index) | {"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}
    app = create_app(config, make_services=lambda cfg: Services(cfg, embedder=embedder))
    app.config["DATABASE_URL"] = "postgresql://deckchat:s3cret@db.internal/deckchat"
    output = app.test_cli_runner().invoke(args=["config"]).output
    assert f"INDEX_DIR = {example_index}" in output and "TOP_K = 5" in output
    assert "s3cret" not in output and "postgresql://***@db.internal/deckchat" in output
