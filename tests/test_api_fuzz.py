"""The JSON API fuzzed from docs/openapi.yaml (schemathesis, in-process) and hit with hostile requests
no generator finds: nothing answers 5xx except the 503s the schema documents, every error is JSON.

The model is incidental (a scripted one answers); retrieval runs on the real embedder and the example
index. Runs are deterministic (derandomized Hypothesis, no example database) and bounded by
MAX_EXAMPLES. The number of requests sent is printed at the end of the module (run with -s).
"""

from __future__ import annotations

import gzip
import json
import time
from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app import create_app
from app.rag.result import AnswerResult
from app.services import Services
from tests.conftest import REPO_ROOT, app_config
from tests.fakes import ScriptedGenerator

SCHEMA = schemathesis.openapi.from_path(REPO_ROOT / "docs" / "openapi.yaml")
MAX_EXAMPLES = 50  # per operation, per test below
ALLOWED_ORIGIN = "https://partner.example"
SESSION = "fuzz-session-0001"  # seeded on deck "example": turn 1 answered, turn 2 refused
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          response_headers_conformance]

SENT: Counter[str] = Counter()  # requests, by where they came from
STATUSES: Counter[str] = Counter()  # responses, by status code


@pytest.fixture(scope="module", autouse=True)
def report_counts():
    """Print how many requests this module sent, and the statuses they got."""
    started = time.perf_counter()
    yield
    total = sum(SENT.values())
    detail = ", ".join(f"{k} {v}" for k, v in sorted(SENT.items()))
    statuses = ", ".join(f"{k} {v}" for k, v in sorted(STATUSES.items()))
    print(f"\nAPI fuzz: {total} requests in {time.perf_counter() - started:.1f} s ({detail}; {statuses})")


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory, example_index, embedder):
    """The app on the example index and a scripted model, rate limits off, one seeded session."""
    tmp = tmp_path_factory.mktemp("fuzz")
    config = app_config(tmp, example_index) | {
        "ALLOWED_ORIGINS": ALLOWED_ORIGIN,
        "RATE_LIMIT_ADDRESS": "0", "RATE_LIMIT_SESSION": "0", "RATE_LIMIT_OTHER": "0",
    }
    app = create_app(config, make_services=lambda cfg: Services(cfg, embedder=embedder, generator=ScriptedGenerator()))
    log = app.extensions["deckchat"].log
    source = {"doc": "pitch_deck.pdf", "page": 10, "kind": "page", "title": "The Ask",
              "snippet": "Raising $4.5 million", "score": 0.8, "used": True}
    assert log.record_turn(SESSION, "example", "How much?", AnswerResult("$4.5 million [1]", False,
                                                                           sources=[source], grounded=True)) == 1
    assert log.record_turn(SESSION, "example", "Who owns the boats?", AnswerResult("The documents do not say.",
                                                                                     True)) == 2
    return app


def _aim_at_known_data(case) -> None:
    """Point a generated request at the example deck and the seeded session, past the 404s."""
    case.headers.pop("Origin", None)
    if isinstance(case.body, dict):
        if case.operation.path.startswith(("/api/chat", "/api/events", "/api/access")):
            case.body["deck"] = "example"
        case.body["session_id"] = SESSION  # on the example deck: chat questions become follow-ups
    if case.operation.path.startswith("/api/sessions"):
        case.path_parameters["session_id"] = SESSION
        case.query = {**(case.query or {}), "deck": "example"}


def _send(case, app, label: str):
    """Call the app in-process, counting the request and its status."""
    response = case.call(app=app)
    SENT[label] += 1
    STATUSES[f"{response.status_code}"] += 1
    return response


def _check(case, response, app) -> None:
    case.validate_response(response, checks=CHECKS)
    if response.status_code >= 400:
        assert isinstance(json.loads(response.content)["error"], str)
    if response.status_code == 503:  # documented: queue full (Retry-After) or model/index missing
        assert case.operation.path.startswith("/api/chat"), response.text
    if "text/event-stream" in response.headers.get("content-type", [""])[0]:
        assert "event: done" in response.text or "event: error" in response.text
    assert app.extensions["deckchat"].queue.depth == 0  # every request gave its place back


_FUZZ = settings(max_examples=MAX_EXAMPLES, derandomize=True, database=None, deadline=None,
                 suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate, Phase.shrink])


@SCHEMA.parametrize()
@_FUZZ
def test_generated_requests_get_no_server_error(case, fuzz_app):
    """Whatever the schema's generators send (valid and invalid): no 5xx, responses as documented."""
    _check(case, _send(case, fuzz_app, "schema"), fuzz_app)


@SCHEMA.parametrize()
@SCHEMA.given(known=st.booleans())
@settings(_FUZZ, phases=[Phase.generate, Phase.shrink])  # the schema's examples ran above
def test_generated_requests_on_a_real_deck_and_session(case, known, fuzz_app):
    """The same, with half the requests reaching retrieval, the model and the log."""
    if known:
        _aim_at_known_data(case)
    _check(case, _send(case, fuzz_app, "schema, real deck/session" if known else "schema"), fuzz_app)


# Hand-written hostile requests: bytes, sizes, nesting and look-alikes that generators rarely produce.

JSON = "application/json"
ASK = {"deck": "example", "question": "How much are they raising?"}


def _raw(text: str) -> dict:
    """A body sent exactly as written (escapes such as \\ud800 reach the JSON parser as typed)."""
    return {"data": text.encode("utf-8"), "content_type": JSON}


def _nested(depth: int, leaf: str = "1") -> str:
    return "[" * depth + leaf + "]" * depth


# (body as test-client keyword arguments, the one status expected), the same on /api/chat and /api/chat/stream
CHAT_BODIES = [
    pytest.param({"data": b'{"deck": "example", "question": "\xff\xfe"}', "content_type": JSON}, 400,
                 id="invalid-utf8"),
    pytest.param({"data": b'{"deck": "..\xc0\xafetc", "question": "hi"}', "content_type": JSON}, 400,
                 id="overlong-utf8-slash"),
    pytest.param({"data": b'{"deck": "example", "question": "caf\xc3"}', "content_type": JSON}, 400,
                 id="truncated-utf8"),
    pytest.param({"data": json.dumps(ASK).encode("utf-16"), "content_type": JSON}, 200, id="utf16-body"),
    pytest.param({"data": b"\xef\xbb\xbf" + json.dumps(ASK).encode(), "content_type": JSON}, 200,
                 id="utf8-bom"),
    pytest.param({"data": b'{"deck": "example",\x00 "question": "hi"}', "content_type": JSON}, 400,
                 id="raw-nul-byte"),
    # NUL cannot be stored in PostgreSQL text: refused on every database alike.
    pytest.param(_raw('{"deck": "example", "question": "How much\\u0000 are they raising?"}'), 400,
                 id="nul-in-question"),
    pytest.param(_raw('{"deck": "exam\\u0000ple", "question": "hi"}'), 400, id="nul-in-deck"),
    pytest.param(_raw('{"deck": "example", "question": "hi", "session_id": "abcdefgh\\u0000"}'), 400,
                 id="nul-in-session"),
    pytest.param(_raw('{"deck": "example", "question": "\\ud83d\\ude00 How much?"}'), 200, id="surrogate-pair"),
    pytest.param(_raw('{"deck": "\\ud800example", "question": "hi"}'), 400, id="lone-surrogate-deck"),
    pytest.param(_raw('{"deck": "example", "question": "hi", "session_id": "abcdefgh\\udfff"}'), 400,
                 id="lone-surrogate-session"),
    pytest.param(_raw('{"deck": "example", "question": "hi \\ud800 there"}'), 400, id="lone-surrogate-question"),
    pytest.param({"data": b'{"deck": "example", "question": "hi \xed\xa0\x80 there"}', "content_type": JSON},
                 400, id="cesu8-surrogate-bytes"),
    pytest.param(_raw(_nested(100)), 400, id="nested-100"),
    pytest.param(_raw('{"deck": "example", "question": ' + _nested(100, '"x"') + "}"), 400,
                 id="nested-100-question"),
    pytest.param(_raw(_nested(5000)), 400, id="nested-5000-arrays"),
    pytest.param(_raw('{"a":' * 2000 + "1" + "}" * 2000), 400, id="nested-2000-objects"),
    pytest.param(_raw('{"deck": "nosuch", "deck": "example", "question": "How much?"}'), 200, id="duplicate-keys"),
    *[pytest.param({"json": {"deck": deck, "question": "hi"}}, 400, id=f"deck-{i}") for i, deck in enumerate([
        "..", "../example", "..%2fexample", "%2e%2e", "example/../example", "example/", "/etc/passwd", ".builds",
        ".", "example\\..", "exa mple", "", "-example", "_example", "x" * 65, "x" * 10000,
        "\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45", "ex\u0430mple", "example\u0301", "\u212aelvin", "example\u200b",
        None, 7, ["example"], {"name": "example"}])],
    pytest.param({"json": {"deck": "x" * 64, "question": "hi"}}, 404, id="deck-64-unknown"),
    pytest.param({"json": {"deck": "EXAMPLE", "question": "hi"}}, 404, id="deck-uppercase"),
    pytest.param({"json": {"deck": "example\n", "question": "hi"}}, 400, id="deck-trailing-newline"),
    pytest.param({"json": {"deck": "example", "question": "\u202eHow much\u200b are they raising?"}}, 200,
                 id="bidi-zero-width-question"),
    pytest.param({"json": {"deck": "example", "question": "\u3000\u00a0\u2003\n\t"}}, 400,
                 id="unicode-whitespace-question"),
    pytest.param({"json": {"deck": "example", "question": "\U0001f4b0" * 1000}}, 200, id="question-1000-astral"),
    pytest.param({"json": {"deck": "example", "question": "x" * 1001}}, 400, id="question-1001"),
    pytest.param({"json": {"deck": "example", "question": "x" * 19000}}, 413, id="question-over-body-limit"),
    pytest.param({"data": b"{" + b" " * (16 * 1024) + b"}", "content_type": JSON}, 413, id="body-limit-plus-1"),
    pytest.param({"data": b"[" * (5 * 1024 * 1024), "content_type": JSON}, 413, id="body-5mb"),
    *[pytest.param(_raw('{"deck": "example", "question": %s}' % q), 400, id=f"question-{q}")
      for q in ("1e999", "NaN", "-Infinity", "null", "true", "[]", "{}", "42")],
    *[pytest.param({"json": {**ASK, "session_id": sid}}, 400, id=f"session-{i}") for i, sid in enumerate([
        "a" * 65, "a" * 7, "a" * 10000, "\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18", "abcdefgh/..",
        "../../../etc/passwd", "%2e%2e%2f%2e%2e%2f", "abcd efgh", 12345678, True, ["abcdefgh"]])],
    pytest.param({"json": {**ASK, "session_id": "abcdefgh\n"}}, 400, id="session-trailing-newline"),
    *[pytest.param({"data": body, "content_type": JSON}, 400, id=f"top-level-{i}")
      for i, body in enumerate([b"null", b'"example"', b"123", b"[]", b"", b"{not json", b"\x00"])],
    pytest.param({"data": json.dumps(ASK), "content_type": "text/plain"}, 400, id="text-plain"),
    pytest.param({"data": ASK}, 400, id="form-urlencoded"),
    pytest.param({"data": ASK, "content_type": "multipart/form-data"}, 400, id="multipart"),
    pytest.param({"data": json.dumps(ASK)}, 400, id="no-content-type"),
    pytest.param({"data": json.dumps(ASK), "content_type": "application/vnd.api+json"}, 200, id="plus-json"),
    pytest.param({"data": json.dumps(ASK), "content_type": "application/json; charset=latin-1"}, 200,
                 id="json-latin1-charset"),
    pytest.param({"data": gzip.compress(json.dumps(ASK).encode()), "content_type": JSON,
                  "headers": {"Content-Encoding": "gzip"}}, 400, id="gzip-body"),
    pytest.param({"data": json.dumps(ASK), "content_type": JSON, "environ_overrides": {"CONTENT_LENGTH": "999999999"}},
                 413, id="content-length-lies"),
    pytest.param({"data": json.dumps(ASK), "content_type": JSON, "environ_overrides": {"CONTENT_LENGTH": "abc"}},
                 400, id="content-length-garbage"),
]


def _open(app, method: str, url: str, **kwargs):
    """One request through the test client, read whole and closed (a stream gives back its queue place)."""
    response = app.test_client().open(url, method=method, **kwargs)
    try:
        response.get_data()
    finally:
        response.close()
    SENT["hostile"] += 1
    STATUSES[f"{response.status_code}"] += 1
    return response


def _assert_handled(app, response, expected: int) -> None:
    assert response.status_code == expected, (response.status_code, response.get_data(as_text=True)[:300])
    if response.status_code >= 400:
        assert isinstance(response.get_json()["error"], str)
    elif response.mimetype == "text/event-stream":
        assert "event: done" in response.get_data(as_text=True)
    assert app.extensions["deckchat"].queue.depth == 0


@pytest.mark.parametrize("path", ["/api/chat", "/api/chat/stream"])
@pytest.mark.parametrize("kwargs, expected", CHAT_BODIES)
def test_hostile_questions_get_a_json_4xx_or_an_answer(fuzz_app, path, kwargs, expected):
    _assert_handled(fuzz_app, _open(fuzz_app, "POST", path, **kwargs), expected)


def _fb(**fields) -> dict:
    return {"json": {"session_id": SESSION, "message_id": 1, "rating": 1} | fields}


def _ho(**fields) -> dict:
    return {"json": {"session_id": SESSION, "message_id": 2, "email": "reader@example.com"} | fields}


OTHER_CALLS = [
    *[pytest.param("POST", "/api/feedback", _fb(message_id=m), 400, id=f"feedback-message-{m!r}")
      for m in (1.5, 1.0, "1", True, None, [1], {"id": 1})],
    *[pytest.param("POST", "/api/feedback", _fb(message_id=m), 400, id=f"feedback-message-{m}")
      for m in (-1, 0, 2**31, 2**63 - 1, -(2**63))],  # outside a 32-bit turn id
    pytest.param("POST", "/api/feedback", _fb(message_id=10**6), 404, id="feedback-message-unknown"),
    pytest.param("POST", "/api/feedback", _fb(message_id=2**63), 400, id="feedback-message-2**63"),
    pytest.param("POST", "/api/feedback", _fb(message_id=-(2**63) - 1), 400, id="feedback-message--2**63-1"),
    pytest.param("POST", "/api/handoff", _ho(message_id=10**30), 400, id="handoff-message-10**30"),
    pytest.param("POST", "/api/feedback", _raw('{"session_id": "%s", "message_id": %s, "rating": 1}'
                                              % (SESSION, "9" * 5000)), 400, id="feedback-message-5000-digits"),
    pytest.param("POST", "/api/feedback", _raw('{"session_id": "%s", "message_id": NaN, "rating": 1}' % SESSION),
                 400, id="feedback-message-nan"),
    *[pytest.param("POST", "/api/feedback", _fb(rating=r), 400, id=f"feedback-rating-{r!r}")
      for r in (True, False, "1", 0, 2, 2**70, None, -1.5)],
    pytest.param("POST", "/api/feedback", _fb(rating=-1.0), 400, id="feedback-rating-float"),
    pytest.param("POST", "/api/feedback", _fb(comment="x" * 1001), 400, id="feedback-comment-1001"),
    pytest.param("POST", "/api/feedback", _fb(comment=42), 400, id="feedback-comment-number"),
    pytest.param("POST", "/api/feedback", _fb(comment="nul\x00 inside"), 400, id="feedback-comment-nul"),
    pytest.param("POST", "/api/feedback", _fb(comment="\U0001f44d" * 1000), 200, id="feedback-comment-astral"),
    pytest.param("POST", "/api/feedback", _raw('{"session_id": "%s", "message_id": 1, "rating": 1, '
                                              '"comment": "\\udfff"}' % SESSION), 400,
                 id="feedback-comment-lone-surrogate"),
    pytest.param("POST", "/api/feedback", _fb(session_id="another-session"), 404, id="feedback-other-session"),
    pytest.param("POST", "/api/feedback", _raw(_nested(200)), 400, id="feedback-nested-200"),
    pytest.param("POST", "/api/feedback", _raw(_nested(5000)), 400, id="feedback-nested-5000"),
    *[pytest.param("POST", "/api/handoff", _ho(email=e), 400, id=f"handoff-email-{i}") for i, e in enumerate([
        "a@b.co?x=1", "a@b.co%0A", "\u0430@b.co", "a" * 250 + "@b.co", "a@b.c", "mailto:a@b.co",
        "a@b.co\r\nBcc: x@y.z", "a\x00@b.co", "\udfff@b.co", "", None, ["a@b.co"], "reader@ex\u00e4mple.com"])],
    pytest.param("POST", "/api/handoff", _ho(email=" reader@example.com\n"), 201, id="handoff-email-padded"),
    pytest.param("POST", "/api/handoff", _ho(message_id=1), 404, id="handoff-answered-turn"),
    pytest.param("GET", f"/api/sessions/{SESSION}?deck=example", {}, 200, id="sessions-own"),
    *[pytest.param("GET", url, {}, 400, id=f"sessions-{i}") for i, url in enumerate([
        f"/api/sessions/{SESSION}", f"/api/sessions/{SESSION}?deck=..%2F..%2Fetc",
        f"/api/sessions/{SESSION}?deck=%2e%2e",
        f"/api/sessions/{SESSION}?deck=example%00", f"/api/sessions/{SESSION}?deck=%EF%BD%85xample",
        f"/api/sessions/{SESSION}?deck=" + "x" * 5000, "/api/sessions/%2e%2e?deck=example",
        "/api/sessions/" + "a" * 100_000 + "?deck=example", "/api/sessions/%EF%BC%91%EF%BC%92%EF%BC%93%EF%BC%94"
        "%EF%BC%95%EF%BC%96%EF%BC%97%EF%BC%98?deck=example", "/api/sessions/abcdefgh%00?deck=example",
        "/api/sessions/abcdefgh%ED%A0%80?deck=example", "/api/sessions/%FF%FE%FD%FC%FB%FA%F9%F8?deck=example"])],
    pytest.param("GET", "/api/sessions/..%2F..%2Fetc%2Fpasswd?deck=example", {}, 404, id="sessions-traversal"),
    pytest.param("GET", f"/api/sessions/{SESSION}%0A?deck=example", {}, 400, id="sessions-id-trailing-newline"),
    pytest.param("GET", f"/api/sessions/{SESSION}?deck=example%0A", {}, 400, id="sessions-deck-trailing-newline"),
    *[pytest.param(method, url, {}, 405, id=f"method-{method}-{url}") for method, url in [
        ("GET", "/api/chat"), ("PUT", "/api/chat"), ("DELETE", "/api/chat/stream"), ("PATCH", "/api/feedback"),
        ("GET", "/api/handoff"), ("POST", "/api/health"), ("POST", f"/api/sessions/{SESSION}")]],
    pytest.param("GET", "/api/nope", {}, 404, id="unknown-path"),
    pytest.param("HEAD", "/api/health", {}, 200, id="head-health"),
    *[pytest.param("POST", "/api/chat", {"json": ASK, "headers": {"Origin": origin}}, 403, id=f"origin-{i}")
      for i, origin in enumerate(["https://evil.example", "null", "https://partner.example.evil.example",
                                  "https://\u00e9.example", "https://" + "e" * 8000 + ".example"])],
    pytest.param("GET", "/api/health", {"headers": {"Origin": "https://evil.example"}}, 403, id="origin-health"),
    pytest.param("GET", "/api/health", {"headers": {"Origin": "HTTPS://PARTNER.EXAMPLE"}}, 200,
                 id="origin-allowed-any-case"),
    pytest.param("OPTIONS", "/api/chat", {"headers": {"Origin": ALLOWED_ORIGIN}}, 200, id="preflight-allowed"),
    pytest.param("OPTIONS", "/api/chat", {"headers": {"Origin": "https://evil.example"}}, 403,
                 id="preflight-refused"),
]


@pytest.mark.parametrize("method, url, kwargs, expected", OTHER_CALLS)
def test_hostile_calls_get_a_json_error_or_their_answer(fuzz_app, method, url, kwargs, expected):
    _assert_handled(fuzz_app, _open(fuzz_app, method, url, **kwargs), expected)
