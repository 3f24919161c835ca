"""Access per deck (deck.toml `access`): public, an e-mail gate, personal links (signed, expiring, revocable).

Real embedded models, the example index, real SQLite; the chat is asked through the Flask client.
"""

from __future__ import annotations

import re
import shutil
from datetime import timedelta

import pytest

from app import create_app
from app.admin.auth import hash_password
from app.models import ReaderLink
from app.services import Services
from tests.conftest import EXAMPLE_DECK, app_config
from tests.helpers.admin import PASSWORD, csrf_token, log_in

QUESTION = {"deck": "example", "question": "How much are you raising?", "session_id": "reader-session-1"}


def content_with_access(tmp_path, access: str):
    """content/example with its deck.toml saying `access`."""
    content = tmp_path / "content"
    shutil.copytree(EXAMPLE_DECK, content / "example")
    settings = content / "example" / "deck.toml"
    text = settings.read_text(encoding="utf-8") if settings.exists() else ""
    settings.write_text(re.sub(r"(?m)^access\s*=.*$", "", text) + f'\naccess = "{access}"\n', encoding="utf-8")
    return content


def make_app(tmp_path, example_index, embedder, generator, access: str, **extra):
    config = app_config(tmp_path, example_index) | {"CONTENT_DIR": str(content_with_access(tmp_path, access)),
                                                    "ADMIN_PASSWORD_HASH": hash_password(PASSWORD)} | extra
    return create_app(config, make_services=lambda cfg: Services(cfg, embedder=embedder, generator=generator))


@pytest.fixture
def link_app(tmp_path, example_index, embedder, generator):
    return make_app(tmp_path, example_index, embedder, generator, "link")


@pytest.fixture
def email_app(tmp_path, example_index, embedder, generator):
    return make_app(tmp_path, example_index, embedder, generator, "email")


def image_path(client) -> str:
    page = client.get("/decks/example").get_data(as_text=True)
    return re.search(r'src="(/decks/example/pages/[^"]+)"', page).group(1).replace("&amp;", "&")


def create_link(app, *args) -> str:
    result = app.test_cli_runner().invoke(args=["links", "create", "--deck", "example", *args])
    assert result.exit_code == 0, result.output
    return result.stdout.strip()


def unknown_deck_error(client) -> str:
    return client.post("/api/chat", json=QUESTION | {"deck": "nosuchdeck"}).get_json()["error"]


def test_a_link_only_deck_is_hidden_from_everyone_without_a_link(link_app):
    client = link_app.test_client()
    assert "/decks/example" not in client.get("/").get_data(as_text=True)
    assert client.get("/decks/example").status_code == 404
    assert client.get("/embed/example").status_code == 404
    assert client.get("/decks/example/pages/0/1.webp").status_code == 404
    response = client.post("/api/chat", json=QUESTION)
    # The same answer as for a deck that does not exist: the name gives nothing away.
    assert response.status_code == 404
    assert response.get_json()["error"] == unknown_deck_error(client).replace("nosuchdeck", "example")
    assert client.get("/api/sessions/reader-session-1?deck=example").status_code == 404


def test_a_personal_link_opens_the_deck_its_images_and_its_chat_and_names_the_reader(link_app):
    link = create_link(link_app, "--email", "ada@fund.example", "--name", "Ada Lovelace")
    assert link.startswith("/decks/example?t=")
    client = link_app.test_client()
    landing = client.get(link)
    assert landing.status_code == 302 and landing.headers["Location"] == "/decks/example"  # token off the URL
    assert client.get("/decks/example").status_code == 200
    assert client.get(image_path(client)).status_code == 200
    assert "private" in client.get(image_path(client)).headers["Cache-Control"]
    assert client.get("/embed/example").status_code == 200
    answer = client.post("/api/chat", json=QUESTION)
    assert answer.status_code == 200, answer.get_json()
    assert not answer.get_json()["refused"] and "4.5" in answer.get_json()["answer"]
    session = link_app.extensions["deckchat"].log.transcript("reader-session-1")
    assert (session.access, session.reader_email, session.reader_name) == ("link", "ada@fund.example", "Ada Lovelace")
    assert session.link_id is not None


def test_a_revoked_forged_expired_or_other_decks_link_gets_the_unknown_deck_404(link_app):
    link = create_link(link_app, "--email", "bob@fund.example")
    token = link.split("t=", 1)[1]
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert link_app.test_client().get(f"/decks/example?t={forged}").status_code == 404
    assert link_app.test_client().get(f"/embed/example?t={forged}").status_code == 404

    reader = link_app.test_client()
    assert reader.get(link).status_code == 302 and reader.get("/decks/example").status_code == 200
    image = image_path(reader)
    runner = link_app.test_cli_runner()
    listed = runner.invoke(args=["links", "list"]).output
    link_id = re.search(r"^(\d+)\texample\tbob@fund.example\tactive", listed, re.M).group(1)
    assert runner.invoke(args=["links", "revoke", link_id]).exit_code == 0
    assert "revoked" in runner.invoke(args=["links", "list", "--deck", "example"]).output
    # At once, on the pages, the API and the images alike, for the reader who had already opened it.
    assert reader.get("/decks/example").status_code == 404
    assert reader.get(image).status_code == 404
    assert reader.post("/api/chat", json=QUESTION).status_code == 404
    assert link_app.test_client().get(link).status_code == 404

    expiring = create_link(link_app, "--email", "cy@fund.example")
    with link_app.extensions["deckchat"].log.sessions.begin() as db:
        row = db.query(ReaderLink).filter_by(email="cy@fund.example").one()
        row.expires_at = row.created_at - timedelta(seconds=1)
    assert link_app.test_client().get(expiring).status_code == 404
    assert runner.invoke(args=["links", "revoke", "999"]).exit_code != 0


def test_links_are_absolute_with_a_public_url_and_survive_a_restart(tmp_path, example_index, embedder, generator):
    first = make_app(tmp_path, example_index, embedder, generator, "link", PUBLIC_URL="https://deck.example.com/")
    link = create_link(first, "--email", "dee@fund.example", "--expires", "2")
    assert link.startswith("https://deck.example.com/decks/example?t=")
    # Another process (the CLI, a restart) signs with the same key, kept in the instance folder.
    second = make_app(tmp_path / "again", example_index, embedder, generator, "link",
                      INSTANCE_DIR=str(tmp_path / "instance"),
                      DATABASE_URL=first.config["DATABASE_URL"])
    assert second.config["SECRET_KEY"] == first.config["SECRET_KEY"]
    assert second.test_client().get(link.removeprefix("https://deck.example.com")).status_code == 302


def test_the_email_gate_asks_first_then_opens_the_deck_and_chat(email_app):
    client = email_app.test_client()
    assert "/decks/example" not in client.get("/").get_data(as_text=True)
    gate = client.get("/decks/example")
    assert gate.status_code == 200 and 'name="email"' in gate.get_data(as_text=True)
    assert client.get("/decks/example/pages/0/1.webp").status_code == 404
    refused = client.post("/api/chat", json=QUESTION)
    assert refused.status_code == 401 and "e-mail" in refused.get_json()["error"]
    token = csrf_token(client, "/decks/example")
    assert client.post("/decks/example/access", data={"email": "not an address", "csrf_token": token}).status_code == 400
    assert client.post("/decks/example/access", data={"email": "eve@fund.example"}).status_code == 400  # no CSRF token
    opened = client.post("/decks/example/access", data={"email": " eve@fund.example ", "csrf_token": token})
    assert opened.status_code == 302
    assert 'name="email"' not in client.get("/decks/example").get_data(as_text=True)
    assert client.post("/api/chat", json=QUESTION).status_code == 200
    assert email_app.extensions["deckchat"].log.transcript("reader-session-1").reader_email == "eve@fund.example"


def test_the_widget_gate_gives_a_pass_that_the_chat_sends_as_a_header(email_app):
    widget = email_app.test_client(use_cookies=False)  # a host site: no cookie of ours reaches the iframe
    config = widget.get("/embed/example").get_data(as_text=True)
    assert '"gate": "email"' in config and '"pass": null' in config
    assert widget.post("/api/access", json={"deck": "example", "email": "nope"}).status_code == 400
    given = widget.post("/api/access", json={"deck": "example", "email": "fay@fund.example", "name": "Fay"})
    assert given.status_code == 200
    headers = {"X-DeckChat-Pass": given.get_json()["pass"]}
    assert widget.post("/api/chat", json=QUESTION, headers=headers).status_code == 200
    assert widget.get("/api/sessions/reader-session-1?deck=example", headers=headers).get_json()["turns"]
    other_deck = headers | {"X-DeckChat-Pass": given.get_json()["pass"][:-3] + "xyz"}
    assert widget.post("/api/chat", json=QUESTION, headers=other_deck).status_code == 401
    session = email_app.extensions["deckchat"].log.transcript("reader-session-1")
    assert (session.access, session.reader_email, session.reader_name) == ("email", "fay@fund.example", "Fay")


def test_health_names_private_decks_only_to_the_logged_in_owner(link_app):
    client = link_app.test_client()
    public = client.get("/api/health").get_json()
    assert public["decks"] == [] and public["private_decks"] == 1
    log_in(client)
    owner = client.get("/api/health").get_json()
    assert [d["deck"] for d in owner["decks"]] == ["example"] and owner["decks"][0]["access"] == "link"


def test_a_mistyped_access_mode_closes_the_deck(tmp_path, example_index, embedder, generator):
    app = make_app(tmp_path, example_index, embedder, generator, "pubic")
    assert app.extensions["deckchat"].deck_settings.get("example").access == "link"
    assert app.test_client().get("/decks/example").status_code == 404


def test_the_public_deck_stays_open_and_listed(app):
    client = app.test_client()
    assert "/decks/example" in client.get("/").get_data(as_text=True)
    assert client.get("/decks/example").status_code == 200
    assert client.get("/api/health").get_json()["decks"][0]["deck"] == "example"


def test_a_conversation_named_for_one_reader_is_not_continued_or_shown_to_another(email_app):
    browser = email_app.test_client(use_cookies=False)
    first = browser.post("/api/access", json={"deck": "example", "email": "ann@fund.example"}).get_json()
    second = browser.post("/api/access", json={"deck": "example", "email": "ben@fund.example"}).get_json()
    assert first["reader"] and first["reader"] != second["reader"]  # each keeps their own conversation
    assert "ann" not in first["reader"]  # a key, not the address
    ann, ben = {"X-DeckChat-Pass": first["pass"]}, {"X-DeckChat-Pass": second["pass"]}
    assert browser.post("/api/chat", json=QUESTION, headers=ann).status_code == 200
    assert browser.get("/api/sessions/reader-session-1?deck=example", headers=ann).get_json()["turns"]
    # The next person at the same browser, with the same session id, neither sees nor continues it.
    assert browser.get("/api/sessions/reader-session-1?deck=example", headers=ben).get_json()["turns"] == []
    refused = browser.post("/api/chat", json=QUESTION, headers=ben)
    assert refused.status_code == 400 and "another reader" in refused.get_json()["error"]


def test_a_readers_name_is_kept_on_one_line(email_app):
    widget = email_app.test_client(use_cookies=False)
    given = widget.post("/api/access", json={"deck": "example", "email": "ivy@fund.example",
                                             "name": "Ivy\r\nBcc: everyone@example.com"}).get_json()
    assert widget.post("/api/chat", json=QUESTION, headers={"X-DeckChat-Pass": given["pass"]}).status_code == 200
    assert email_app.extensions["deckchat"].log.transcript("reader-session-1").reader_name == \
        "Ivy Bcc: everyone@example.com"
