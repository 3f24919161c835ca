"""The owner's admin pages: login from an environment hash, CSRF on every form, sessions and transcripts."""

from __future__ import annotations

import logging
import re
import time

import pytest
from werkzeug.security import check_password_hash

from app import create_app
from app.admin.auth import hash_password
from app.conversation_log import SessionFilter, SqlConversationLog
from app.rag.result import AnswerResult
from app.services import Services
from tests.conftest import app_config
from tests.helpers.admin import PASSWORD, csrf_token, log_in
from tests.helpers.log_data import seeded_log


@pytest.fixture
def admin_app(tmp_path, example_index, embedder, generator):
    config = app_config(tmp_path, example_index) | {"ADMIN_PASSWORD_HASH": hash_password(PASSWORD),
                                                    "SECRET_KEY": "test-secret"}
    return create_app(config, make_services=lambda cfg: Services(cfg, embedder=embedder, generator=generator))


def test_admin_pages_need_a_login(admin_app):
    client = admin_app.test_client()
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login" in response.headers["Location"]
    assert client.get("/admin/sessions/anything").status_code == 302


def test_a_wrong_password_gets_no_hint_a_delay_and_a_log_line(admin_app, caplog):
    client = admin_app.test_client()
    started = time.perf_counter()
    with caplog.at_level(logging.WARNING, logger="app.admin.auth"):
        response = log_in(client, "wrong password")
    assert time.perf_counter() - started >= 1.0
    assert response.status_code == 401 and "Login failed." in response.get_data(as_text=True)
    assert "password" not in response.get_data(as_text=True).split("Login failed.")[1].lower()
    assert any("admin login failed" in r.getMessage() for r in caplog.records)
    assert client.get("/admin/").status_code == 302  # still logged out


def test_a_missing_or_forged_csrf_token_is_refused(admin_app):
    client = admin_app.test_client()
    assert client.post("/admin/login", data={"password": PASSWORD}).status_code == 400
    assert client.post("/admin/login", data={"password": PASSWORD, "csrf_token": "forged"}).status_code == 400
    assert client.get("/admin/").status_code == 302


def test_a_login_link_cannot_send_the_owner_to_another_site(admin_app):
    response = log_in(admin_app.test_client(), next_path="?next=https://evil.example/")
    assert response.status_code == 302 and response.headers["Location"] == "/admin/"


def test_the_owner_reads_a_real_conversation_with_its_sources_and_timings(admin_app):
    reader = admin_app.test_client()
    asked = reader.post("/api/chat", json={"deck": "example", "question": "Who is the CTO?"}).get_json()
    owner = admin_app.test_client()
    assert log_in(owner).headers["Location"] == "/admin/"
    listing = owner.get("/admin/").get_data(as_text=True)
    assert "Who is the CTO?" in listing and "1 session" in listing
    page = owner.get(f"/admin/sessions/{asked['session_id']}").get_data(as_text=True)
    assert asked["quote"]["text"] in page and "pitch_deck.pdf" in page and "&middot; quoted &middot;" in page and "no model" in page
    assert "retrieval" in page and "generation" in page
    token = csrf_token(owner, "/admin/")
    assert owner.post("/admin/logout", data={"csrf_token": token}).status_code == 302
    assert owner.get("/admin/").status_code == 302


def test_html_in_questions_and_answers_is_shown_as_text(admin_app):
    log = admin_app.extensions["deckchat"].log
    log.record_turn("s-html", "example", "<img src=x onerror=alert(1)>?",
                    AnswerResult("<script>alert('x')</script>", False, model_id="m"))
    client = admin_app.test_client()
    log_in(client)
    page = client.get("/admin/sessions/s-html").get_data(as_text=True)
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    assert "<img src=x" not in page and "&lt;img src=x" in page
    assert client.get("/admin/sessions/no-such-session").status_code == 404


def test_the_sessions_list_pages_and_filters_by_deck(tmp_path):
    log = SqlConversationLog(f"sqlite:///{tmp_path / 'log.sqlite3'}")
    for n in range(55):
        log.record_turn(f"s{n:02d}", "alpha" if n % 5 else "beta", f"Question {n}?", AnswerResult(f"Answer {n}.", False))
    first, total = log.list_sessions(page=1, per_page=50)
    second, _ = log.list_sessions(page=2, per_page=50)
    assert total == 55 and len(first) == 50 and len(second) == 5
    assert {s.id for s in first} | {s.id for s in second} == {f"s{n:02d}" for n in range(55)}
    beta, beta_total = log.list_sessions(where=SessionFilter(deck="beta"))
    assert beta_total == 11 and all(s.deck == "beta" for s in beta)
    assert beta[0].turns == 1 and beta[0].first_question.startswith("Question ")


def test_set_password_prints_a_hash_that_checks(admin_app):
    result = admin_app.test_cli_runner().invoke(args=["admin", "set-password", "--password", "a long enough secret"])
    assert result.exit_code == 0, result.output
    stored = re.search(r"DECKCHAT_ADMIN_PASSWORD_HASH='([^']+)'", result.output).group(1)
    assert check_password_hash(stored, "a long enough secret") and "a long enough secret" not in result.output
    short = admin_app.test_cli_runner().invoke(args=["admin", "set-password", "--password", "short"])
    assert short.exit_code != 0 and "10 characters" in short.output


@pytest.mark.parametrize("where, expected", [
    ({"outcome": "refused"}, {"s-refused"}),
    ({"outcome": "ungrounded"}, {"s-ungrounded"}),
    ({"outcome": "errored"}, {"s-errored"}),
    ({"outcome": "thumbs-down"}, {"s-disliked"}),
    ({"deck": "other"}, {"s-errored"}),
    ({"q": "GOTHENBURG"}, {"s-disliked"}),  # answers too, any case
    ({"q": "raise 9"}, {"s-ungrounded"}),  # every word must appear
    ({"q": "100%"}, set()),  # LIKE wildcards are literal
    ({"from": "2000-01-01", "to": "2999-12-31"}, {"s-refused", "s-ungrounded", "s-errored", "s-disliked"}),
    ({"to": "2000-01-01"}, set()),
])
def test_the_owner_filters_sessions_by_outcome_deck_text_and_date(tmp_path, where, expected):
    from app.admin.filters import session_filter

    log = SqlConversationLog(f"sqlite:///{tmp_path / 'log.sqlite3'}")
    seeded_log(log)
    rows, total = log.list_sessions(where=session_filter(where))
    assert {r.id for r in rows} == expected and total == len(expected)


def test_the_filtered_turns_export_as_csv_and_jsonl_from_the_page(admin_app):
    import csv
    import io
    import json

    seeded_log(admin_app.extensions["deckchat"].log)
    client = admin_app.test_client()
    log_in(client)
    listing = client.get("/admin/?outcome=thumbs-down").get_data(as_text=True)
    assert "Where is the headquarters?" in listing and "Who won" not in listing
    rows = list(csv.DictReader(io.StringIO(client.get("/admin/export.csv?outcome=thumbs-down").get_data(as_text=True))))
    assert [(r["session_id"], r["feedback"]) for r in rows] == [("s-disliked", "down: too short")]
    lines = client.get("/admin/export.jsonl?deck=example").get_data(as_text=True).splitlines()
    assert {json.loads(line)["session_id"] for line in lines} == {"s-refused", "s-ungrounded", "s-disliked"}
    assert client.get("/admin/?from=yesterday").status_code == 400
    assert client.get("/admin/export.xml").status_code == 404
    assert admin_app.test_client().get("/admin/export.csv").status_code == 302  # logged out: no export


def test_flask_logs_export_writes_the_same_rows(admin_app, tmp_path):
    import json

    seeded_log(admin_app.extensions["deckchat"].log)
    out = tmp_path / "errored.jsonl"
    result = admin_app.test_cli_runner().invoke(args=["logs", "export", "--outcome", "errored", "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [(r["session_id"], r["error"]) for r in rows] == [("s-errored", "model failed")]
    bad = admin_app.test_cli_runner().invoke(args=["logs", "export", "--from", "24/11/2026"])
    assert bad.exit_code != 0 and "2026-11-24" in bad.output


def test_a_question_written_like_a_formula_exports_as_text():
    from app.admin.filters import export_lines

    row = {"session_id": "s", "question": "=HYPERLINK(\"http://evil\")", "answer": "-1 point", "turn_id": 3}
    csv_text = "".join(export_lines([row], "csv"))
    assert "'=HYPERLINK" in csv_text and "'-1 point" in csv_text and ",3," in csv_text
    assert '"=HYPERLINK' in "".join(export_lines([row], "jsonl"))  # JSON keeps the reader's words


def test_password_guessing_is_limited_per_address(admin_app, monkeypatch):
    monkeypatch.setattr("app.admin.auth.FAILED_LOGIN_DELAY_S", 0)  # the limit is under test, not the delay
    client = admin_app.test_client()
    codes = [log_in(client, password=f"guess number {n}").status_code for n in range(6)]
    assert codes == [401] * 5 + [429]
    refused = log_in(client)  # even the right password waits: the limit is checked first
    assert refused.status_code == 429 and refused.headers["Retry-After"] and "Too many attempts" in refused.get_data(as_text=True)
