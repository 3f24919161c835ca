"""Rate limits per client address and per conversation: 429 with Retry-After, others unaffected."""

from __future__ import annotations

import pytest

from app import create_app
from app.services import Services
from tests.conftest import app_config
from tests.fakes import ScriptedGenerator
from tests.redis_server import redis_url  # noqa: F401  (the session's server, used by name)


def limited_app(tmp_path, example_index, embedder, **limits):
    # The model is incidental here: the limits act before it is asked.
    config = app_config(tmp_path, example_index) | limits
    return create_app(config, make_services=lambda cfg: Services(cfg, embedder=embedder, generator=ScriptedGenerator()))


def ask(client, address="10.0.0.1", session_id=None, **headers):
    body = {"deck": "example", "question": "Who are the founders?"}
    if session_id:
        body["session_id"] = session_id
    return client.post("/api/chat", json=body, environ_base={"REMOTE_ADDR": address}, headers=headers)


def test_an_address_asking_too_fast_gets_429_with_retry_after_and_others_still_get_answers(tmp_path, example_index, embedder):
    client = limited_app(tmp_path, example_index, embedder, RATE_LIMIT_ADDRESS="3/minute").test_client()
    assert [ask(client).status_code for _ in range(3)] == [200, 200, 200]
    refused = ask(client)
    assert refused.status_code == 429
    assert 50 <= int(refused.headers["Retry-After"]) <= 60
    assert "too many questions from your address" in refused.get_json()["error"]
    assert ask(client, address="10.0.0.2").status_code == 200  # another reader is not held up
    stream = client.post("/api/chat/stream", json={"deck": "example", "question": "Who?"},
                         environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert stream.status_code == 429 and stream.is_json  # the streaming API counts the same


def test_one_conversation_cannot_ask_more_than_its_share_even_from_many_addresses(tmp_path, example_index, embedder):
    client = limited_app(tmp_path, example_index, embedder, RATE_LIMIT_SESSION="2/minute").test_client()
    codes = [ask(client, address=f"10.0.1.{n}", session_id="one-conversation").status_code for n in range(3)]
    assert codes == [200, 200, 429]
    assert "in this conversation" in ask(client, session_id="one-conversation").get_json()["error"]
    assert ask(client, session_id="another-conversation").status_code == 200


def test_feedback_and_restores_have_their_own_limit(tmp_path, example_index, embedder):
    app = limited_app(tmp_path, example_index, embedder, RATE_LIMIT_OTHER="2/minute")
    client = app.test_client()
    answer = ask(client, session_id="rated-conversation").get_json()
    feedback = {"session_id": "rated-conversation", "message_id": answer["message_id"], "rating": 1}
    codes = [client.post("/api/feedback", json=feedback, environ_base={"REMOTE_ADDR": "10.0.0.1"}).status_code
             for _ in range(2)]
    restore = client.get("/api/sessions/rated-conversation?deck=example", environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert codes == [200, 200] and restore.status_code == 429 and restore.headers["Retry-After"]
    assert ask(client).status_code == 200  # questions are counted apart


def test_behind_a_proxy_the_forwarded_address_is_the_readers(tmp_path, example_index, embedder):
    client = limited_app(tmp_path, example_index, embedder, RATE_LIMIT_ADDRESS="1/minute", PROXY_HOPS=1).test_client()
    # Every request comes from the proxy's address; the readers differ.
    assert ask(client, address="127.0.0.1", **{"X-Forwarded-For": "203.0.113.7"}).status_code == 200
    assert ask(client, address="127.0.0.1", **{"X-Forwarded-For": "203.0.113.8"}).status_code == 200
    assert ask(client, address="127.0.0.1", **{"X-Forwarded-For": "203.0.113.7"}).status_code == 429


def test_limits_can_be_switched_off_and_a_malformed_one_stops_the_start(tmp_path, example_index, embedder):
    client = limited_app(tmp_path, example_index, embedder, RATE_LIMIT_ADDRESS="0", RATE_LIMIT_SESSION="").test_client()
    assert {ask(client, session_id="busy-conversation").status_code for _ in range(12)} == {200}
    with pytest.raises(ValueError, match="DECKCHAT_RATE_LIMIT_ADDRESS"):
        limited_app(tmp_path, example_index, embedder, RATE_LIMIT_ADDRESS="lots")


def test_an_ipv6_reader_cannot_rotate_addresses_within_their_64(tmp_path, example_index, embedder):
    client = limited_app(tmp_path, example_index, embedder, RATE_LIMIT_ADDRESS="2/minute").test_client()
    codes = [ask(client, address=f"2001:db8:1:2::{n}").status_code for n in range(1, 4)]
    assert codes == [200, 200, 429]
    assert ask(client, address="2001:db8:1:3::1").status_code == 200  # another /64, another subscriber


def test_two_instances_sharing_redis_count_one_quota(tmp_path, example_index, embedder, request):
    """A reader whose questions land on two instances behind a proxy gets one quota, not one per instance."""
    limits = {"RATE_LIMIT_ADDRESS": "3/minute", "REDIS_URL": request.getfixturevalue("redis_url")}
    first = limited_app(tmp_path / "a", example_index, embedder, **limits).test_client()
    second = limited_app(tmp_path / "b", example_index, embedder, **limits).test_client()
    codes = [ask(client, address="10.9.0.1").status_code for client in (first, second, first, second)]
    assert codes == [200, 200, 200, 429]
    assert ask(first, address="10.9.0.1").status_code == 429
    alone = limited_app(tmp_path / "c", example_index, embedder, RATE_LIMIT_ADDRESS="3/minute").test_client()
    assert ask(alone, address="10.9.0.1").status_code == 200  # without Redis each process counts its own


def test_with_redis_away_readers_are_still_answered(tmp_path, example_index, embedder, caplog):
    client = limited_app(tmp_path, example_index, embedder, RATE_LIMIT_ADDRESS="1/minute",
                         REDIS_URL="redis://127.0.0.1:1/0").test_client()
    assert [ask(client).status_code for _ in range(2)] == [200, 200]
    assert "rate limits not counted" in caplog.text
