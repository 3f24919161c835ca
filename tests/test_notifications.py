"""Notifications for the founders through a real SMTP server on loopback (aiosmtpd) and a local HTTP
receiver: a hand-off at once, an identified reader's first visit once, the daily digest once a day; with
the mail server down, the hand-off is stored and the send retried until it goes."""

from __future__ import annotations

import http.server
import json
import re
import threading
import time
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy

import pytest
from sqlalchemy import update

from app import create_app
from app.admin.auth import hash_password
from app.models import Notification, Turn
from app.rag.result import AnswerResult
from app.services import Services
from tests.conftest import app_config
from tests.helpers.admin import PASSWORD, csrf_token, log_in
from tests.live_server import free_port
from tests.test_reader_access import content_with_access, create_link

aiosmtpd = pytest.importorskip("aiosmtpd", reason="aiosmtpd is not installed: run `make test`")
from aiosmtpd.controller import Controller  # noqa: E402


class Inbox:
    """aiosmtpd's handler: every message the server accepts."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"


@pytest.fixture
def smtp_port():
    return free_port()


@pytest.fixture
def inbox(smtp_port):
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    yield handler
    controller.stop()


@pytest.fixture
def webhook():
    """A local HTTP receiver that records every JSON body posted to it."""
    received = []

    class Receiver(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's name)
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", received
    server.shutdown()


def make(tmp_path, example_index, embedder, generator, smtp_port, hook_url, access="public", **extra):
    config = app_config(tmp_path, example_index) | {
        "CONTENT_DIR": str(content_with_access(tmp_path, access)), "SMTP_URL": f"smtp://127.0.0.1:{smtp_port}",
        "NOTIFY_TO": "founders@tidewater.example", "MAIL_FROM": "deckchat@tidewater.example",
        "WEBHOOK_URL": hook_url, "PUBLIC_URL": "https://deck.tidewater.example",
        "DIGEST_HOUR": -1} | extra  # no digest unless a test asks: run at the digest hour, it would come first
    return create_app(config, make_services=lambda cfg: Services(cfg, embedder=embedder, generator=generator))


def until(condition, seconds=10.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def refused_turn(app, session_id="reader-session-1") -> int:
    return app.extensions["deckchat"].log.record_turn(session_id, "example", "What is your valuation?",
                                                      AnswerResult("The documents do not say.", True))


def test_a_handoff_mails_the_founders_and_posts_the_webhook_at_once(tmp_path, example_index, embedder, generator,
                                                                    smtp_port, inbox, webhook):
    hook_url, posted = webhook
    app = make(tmp_path, example_index, embedder, generator, smtp_port, hook_url)
    turn = refused_turn(app)
    response = app.test_client().post("/api/handoff", json={"session_id": "reader-session-1", "message_id": turn,
                                                            "email": "ada@fund.example"})
    assert response.status_code == 201
    assert until(lambda: inbox.messages and posted)
    recipients, mail = inbox.messages[0]
    body = mail.get_content()
    assert recipients == ["founders@tidewater.example"] and mail["From"] == "deckchat@tidewater.example"
    assert "Tidewater Robotics" in mail["Subject"]
    assert "What is your valuation?" in body and "ada@fund.example" in body
    assert "https://deck.tidewater.example/admin/sessions/reader-session-1" in body
    assert "What is your valuation?" in posted[0]["text"] and "ada@fund.example" in posted[0]["text"]


def test_with_the_mail_server_down_the_handoff_is_stored_and_the_mail_retried(tmp_path, example_index, embedder,
                                                                              generator, smtp_port, webhook, caplog):
    hook_url, posted = webhook
    app = make(tmp_path, example_index, embedder, generator, smtp_port, hook_url)  # nothing listens on the port yet
    turn = refused_turn(app)
    started = time.perf_counter()
    response = app.test_client().post("/api/handoff", json={"session_id": "reader-session-1", "message_id": turn,
                                                            "email": "bo@fund.example"})
    assert response.status_code == 201 and time.perf_counter() - started < 2  # the reader does not wait
    assert app.extensions["deckchat"].log.handoffs(10)[0].email == "bo@fund.example"
    notifier = app.extensions["deckchat"].notifier
    assert until(lambda: posted)  # the webhook went; the mail waits for its retry
    mail_row = lambda: next(r for r in notifier.outbox.recent() if r.channel == "mail")  # noqa: E731
    assert until(lambda: mail_row().attempts == 1)
    assert mail_row().sent_at is None and "ConnectionRefused" in mail_row().last_error
    assert "retrying later" in caplog.text

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        with app.extensions["deckchat"].log.sessions.begin() as db:  # its retry time has come
            db.execute(update(Notification).values(next_attempt_at=datetime.now(UTC) - timedelta(seconds=1)))
        assert notifier.deliver_due() == 1
        assert "bo@fund.example" in inbox.messages[0][1].get_content()
        assert mail_row().sent_at is not None and mail_row().attempts == 2
    finally:
        controller.stop()


def test_an_identified_readers_first_visit_is_told_once(tmp_path, example_index, embedder, generator, smtp_port,
                                                         inbox, webhook):
    hook_url, posted = webhook
    app = make(tmp_path, example_index, embedder, generator, smtp_port, hook_url, access="link")
    link = create_link(app, "--email", "Cy@Fund.example", "--name", "Cy Young")
    reader = app.test_client()
    assert reader.get(link.removeprefix("https://deck.tidewater.example")).status_code == 302
    beacon = {"deck": "example", "events": [{"type": "open"}]}
    headers = {"Sec-Fetch-Site": "same-origin"}
    assert reader.post("/api/events", json=beacon | {"session_id": "cy-visit-1"}, headers=headers).status_code == 204
    assert reader.post("/api/events", json=beacon | {"session_id": "cy-visit-1"}, headers=headers).status_code == 204
    assert reader.post("/api/events", json=beacon | {"session_id": "cy-visit-2"}, headers=headers).status_code == 204
    assert until(lambda: inbox.messages and posted)
    time.sleep(0.5)  # a second one would have arrived by now
    assert len(inbox.messages) == 1 and len(posted) == 1
    assert "Cy Young <Cy@Fund.example> opened Tidewater Robotics" in inbox.messages[0][1]["Subject"]
    assert "/admin/decks/example/readers/cy%40fund.example" in inbox.messages[0][1].get_content()


def test_the_daily_digest_lists_the_days_unanswered_questions_once(tmp_path, example_index, embedder, generator,
                                                                   smtp_port, inbox, webhook):
    hook_url, _ = webhook
    app = make(tmp_path, example_index, embedder, generator, smtp_port, hook_url, DIGEST_HOUR=8,
               TIMEZONE="Europe/Berlin")
    log = app.extensions["deckchat"].log
    refused_turn(app)
    old = refused_turn(app, "older-session")
    with log.sessions.begin() as db:  # asked three days ago: in an earlier digest
        db.execute(update(Turn).where(Turn.id == old).values(question="An old question?",
                                                             created_at=datetime.now(UTC) - timedelta(days=3)))
    notifier = app.extensions["deckchat"].notifier
    zone_morning = datetime.now(UTC).replace(hour=5, minute=0)  # 06:00 or 07:00 in Berlin: before the hour
    assert not notifier.digest_if_due(zone_morning)
    after_hour = datetime.now(UTC).replace(hour=9, minute=30)
    assert notifier.digest_if_due(after_hour) and not notifier.digest_if_due(after_hour + timedelta(hours=1))
    assert notifier.deliver_due() == 2  # mail and webhook
    digest = inbox.messages[0][1]
    assert "Unanswered questions" in digest["Subject"]
    assert "What is your valuation?" in digest.get_content() and "An old question?" not in digest.get_content()
    assert "https://deck.tidewater.example/admin/questions" in digest.get_content()


def test_the_notify_commands_test_the_channels_and_show_the_outbox(tmp_path, example_index, embedder, generator,
                                                                   smtp_port, inbox, webhook):
    hook_url, posted = webhook
    app = make(tmp_path, example_index, embedder, generator, smtp_port, hook_url)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["notify", "test"])
    assert result.exit_code == 0 and "mail: sent" in result.output and "webhook: sent" in result.output
    assert inbox.messages and posted
    refused_turn(app)
    assert "digest queued" in runner.invoke(args=["notify", "digest"]).output
    assert "\tdigest\tmail\t" in runner.invoke(args=["notify", "status"]).output


def test_without_a_channel_nothing_is_queued(app):
    turn = refused_turn(app)
    assert app.test_client().post("/api/handoff", json={"session_id": "reader-session-1", "message_id": turn,
                                                        "email": "di@fund.example"}).status_code == 201
    assert app.extensions["deckchat"].notifier.outbox.recent() == []
    assert app.test_cli_runner().invoke(args=["notify", "test"]).exit_code != 0


def mailed_code(inbox, address) -> str:
    _, mail = next(m for m in reversed(inbox.messages) if m[0] == [address])
    return re.search(r"\b(\d{6})\b", mail.get_content()).group(1)


def test_with_mail_set_up_the_email_gate_proves_the_address_with_a_mailed_code(tmp_path, example_index, embedder,
                                                                                generator, smtp_port, inbox, webhook):
    app = make(tmp_path, example_index, embedder, generator, smtp_port, webhook[0], access="email")
    client = app.test_client()
    token = csrf_token(client, "/decks/example")
    step = client.post("/decks/example/access", data={"email": "eve@fund.example", "name": "Eve", "csrf_token": token})
    assert step.status_code == 200 and 'name="code"' in step.get_data(as_text=True)
    assert client.get("/decks/example/pages/0/1.webp").status_code == 404  # not open yet
    code = mailed_code(inbox, "eve@fund.example")
    signed = re.search(r'name="token" value="([^"]+)"', step.get_data(as_text=True)).group(1)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    assert client.post("/decks/example/access/confirm", data={"token": signed, "code": wrong,
                                                             "csrf_token": token}).status_code == 400
    assert client.post("/decks/example/access/confirm", data={"token": signed, "code": code,
                                                             "csrf_token": token}).status_code == 302
    assert 'name="email"' not in client.get("/decks/example").get_data(as_text=True)

    widget = app.test_client(use_cookies=False)
    given = widget.post("/api/access", json={"deck": "example", "email": "fay@fund.example"})
    assert given.status_code == 202 and given.get_json()["sent_to"] == "fay@fund.example"
    confirm = given.get_json()["confirm"]
    assert widget.post("/api/access/confirm", json={"deck": "example", "confirm": confirm, "code": wrong}).status_code == 400
    opened = widget.post("/api/access/confirm", json={"deck": "example", "confirm": confirm,
                                                      "code": mailed_code(inbox, "fay@fund.example")})
    assert opened.status_code == 200
    assert widget.get("/api/sessions/s-fay-0001?deck=example",
                      headers={"X-DeckChat-Pass": opened.get_json()["pass"]}).status_code == 200


def test_the_gate_says_so_when_the_code_cannot_be_sent(tmp_path, example_index, embedder, generator, smtp_port,
                                                       webhook):
    app = make(tmp_path, example_index, embedder, generator, smtp_port, webhook[0], access="email")  # no server
    response = app.test_client().post("/api/access", json={"deck": "example", "email": "gus@fund.example"})
    assert response.status_code == 503 and "try again" in response.get_json()["error"]


def test_the_admin_lists_what_was_sent_and_what_waits_with_why(tmp_path, example_index, embedder, generator,
                                                                smtp_port, webhook):
    app = make(tmp_path, example_index, embedder, generator, smtp_port, webhook[0],
               ADMIN_PASSWORD_HASH=hash_password(PASSWORD))  # no mail server: the mail waits
    turn = refused_turn(app)
    app.test_client().post("/api/handoff", json={"session_id": "reader-session-1", "message_id": turn,
                                                 "email": "hal@fund.example"})
    notifier = app.extensions["deckchat"].notifier
    assert until(lambda: all(r.attempts for r in notifier.outbox.recent()))
    client = app.test_client()
    assert client.get("/admin/notifications").status_code == 302
    log_in(client)
    page = client.get("/admin/notifications").get_data(as_text=True)
    assert "sent</span>" in page and "waiting</span>" in page and "ConnectionRefused" in page
