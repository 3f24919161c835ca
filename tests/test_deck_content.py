"""A deck's content from the admin, on the real embedder, index pipeline and SQLite: a deck created, a
document uploaded then indexed in the background and answering, a broken or refused upload changing
nothing, a file replaced and deleted, deck.toml edited by form (comments kept), and every change recorded."""

from __future__ import annotations

import json
import shutil
import time

import pytest

from app import create_app
from app.admin.auth import hash_password
from app.deck_content.reindex import FINISHED, Reindexer
from app.services import Services
from ingest.store import read_manifest
from tests.conftest import EXAMPLE_DECK, app_config
from tests.helpers.admin import PASSWORD, csrf_token

FACT = ("# Harbour sensors\n\nThe Zephyr-9 harbour sensor runs for 47 days on one battery charge.\n\n"
        "## Service\n\nEach sensor is serviced by divers from Kelpwater Marine twice a year.\n")


@pytest.fixture
def site(tmp_path, embedder, generator):
    """An app whose content folder it may change: the example deck (not yet indexed) and nothing else."""
    content = tmp_path / "content"
    shutil.copytree(EXAMPLE_DECK, content / "example")
    index_dir = tmp_path / "index_store"
    config = app_config(tmp_path, index_dir) | {"CONTENT_DIR": str(content),
                                                "ADMIN_PASSWORD_HASH": hash_password(PASSWORD)}
    app = create_app(config, make_services=lambda cfg: Services(cfg, embedder=embedder, generator=generator))
    client = app.test_client()
    client.post("/admin/login", data={"password": PASSWORD, "admin_name": "Ada Founder",
                                      "csrf_token": csrf_token(client)})
    return app, client, content, index_dir


def form(client, deck="fleet", **fields):
    return {"csrf_token": csrf_token(client, f"/admin/decks/{deck}/content"), **fields}


def upload(client, deck, *files):
    """Files as (name, bytes); returns the content page after the redirect."""
    import io

    data = form(client, deck)
    data["documents"] = [(io.BytesIO(body), name) for name, body in files]
    return client.post(f"/admin/decks/{deck}/files", data=data, content_type="multipart/form-data",
                       follow_redirects=True)


def finished(app, deck, timeout=180):
    reindexer = app.extensions["deckchat"].reindexer
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = reindexer.status(deck)
        if job and job.state in FINISHED and job.finished:
            return job
        time.sleep(0.1)
    raise AssertionError(f"the re-index of {deck} did not finish in {timeout} s")


def ask(client, deck, question):
    response = client.post("/api/chat", json={"deck": deck, "question": question})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def create(client, name="fleet", title="Fleet Ops"):
    return client.post("/admin/decks/new", data={"name": name, "title": title,
                                                 "csrf_token": csrf_token(client, "/admin/decks/new")})


def test_a_deck_created_and_a_document_uploaded_is_indexed_in_the_background_and_answers(site):
    app, client, content, index_dir = site
    assert create(client).status_code == 302
    assert 'title = "Fleet Ops"' in (content / "fleet" / "deck.toml").read_text()
    listing = client.get("/admin/decks/").get_data(as_text=True)
    assert "Fleet Ops" in listing and "not indexed yet" in listing

    page = upload(client, "fleet", ("sensors.md", FACT.encode())).get_data(as_text=True)
    assert "sensors.md uploaded (2 pages); re-indexing." in page
    job = finished(app, "fleet")
    assert job.state == "built", job.report
    assert job.report["files"][0]["name"] == "sensors.md" and job.report["chunks"] >= 1
    assert (content / "fleet" / "sensors.md").read_bytes() == FACT.encode()

    answer = ask(client, "fleet", "How long does the Zephyr-9 sensor last on a charge?")
    assert not answer["refused"] and "47 days" in answer["answer"]
    assert answer["sources"][0]["doc"] == "sensors.md"

    page = client.get("/admin/decks/fleet/content").get_data(as_text=True)
    assert "Last re-index: <strong>built</strong>" in page and "2 pages, " in page
    changes = [(c.action, c.who) for c in app.extensions["deckchat"].deck_changes.list("fleet")]
    assert [a for a, _ in changes] == ["index built", "reindex", "uploaded", "created"]
    assert all(who.startswith("Ada Founder from ") for _, who in changes)
    status = client.get("/admin/decks/fleet/reindex").get_json()
    assert status["state"] == "built" and status["report"]["summary"].startswith("built ")


def test_a_broken_or_refused_upload_changes_nothing_and_says_why(site):
    app, client, content, index_dir = site
    create(client)
    upload(client, "fleet", ("sensors.md", FACT.encode()))
    finished(app, "fleet")
    build = read_manifest(index_dir, "fleet")["build_id"]
    before = sorted(p.name for p in (content / "fleet").iterdir())

    page = upload(client, "fleet", ("sensors.pdf", b"%PDF-1.7\nthis is not a PDF at all\n%%EOF")).get_data(as_text=True)
    assert "Not added: sensors.pdf:" in page and "nothing was changed" in page
    page = upload(client, "fleet", ("notes.exe", b"MZ")).get_data(as_text=True)
    assert "Not added: notes.exe: unsupported file type" in page
    page = upload(client, "fleet", ("qa.jsonl", b"{}"), ("deck.toml", b"access = 'public'")).get_data(as_text=True)
    assert page.count("cannot be a document&#39;s name") == 2
    page = upload(client, "fleet", ("empty.md", b"")).get_data(as_text=True)
    assert "Not added: empty.md: empty file" in page

    assert sorted(p.name for p in (content / "fleet").iterdir()) == before  # nor a half-written upload left
    assert read_manifest(index_dir, "fleet")["build_id"] == build
    assert app.extensions["deckchat"].reindexer.status("fleet").state == "built"  # no re-index was started
    assert "47 days" in ask(client, "fleet", "How long does the Zephyr-9 sensor last on a charge?")["answer"]


def test_a_file_replaced_a_rejected_build_and_a_deletion(site):
    app, client, content, index_dir = site
    create(client)
    upload(client, "fleet", ("sensors.md", FACT.encode()), ("boats.md", b"# Boats\n\nThe fleet has 12 boats.\n"))
    finished(app, "fleet")
    page = upload(client, "fleet", ("sensors.md", FACT.replace("47 days", "63 days").encode())).get_data(as_text=True)
    assert "sensors.md replaced" in page
    assert finished(app, "fleet").state == "built"
    assert "63 days" in ask(client, "fleet", "How long does the Zephyr-9 sensor last on a charge?")["answer"]

    # The founder's own questions gate the build: one that loses the page they ask about is not swapped in.
    (content / "fleet" / "qa.jsonl").write_text(json.dumps(
        {"doc": "sensors.md", "question": "Who services the sensors?", "answer": "Kelpwater Marine",
         "evidence": None, "page_or_slide": 2}) + "\n")
    build = read_manifest(index_dir, "fleet")["build_id"]
    upload(client, "fleet", ("sensors.md", b"# Harbour sensors\n\nThe sensors are yellow.\n"))
    job = finished(app, "fleet")
    assert job.state == "rejected" and "previous index keeps serving" in job.report["summary"]
    assert read_manifest(index_dir, "fleet")["build_id"] == build
    assert "63 days" in ask(client, "fleet", "How long does the Zephyr-9 sensor last on a charge?")["answer"]

    # A deletion goes past the gate: the owner removed it, so readers must stop being answered from it.
    response = client.post("/admin/decks/fleet/files/delete", data=form(client, name="sensors.md"),
                           follow_redirects=True)
    assert "sensors.md deleted" in response.get_data(as_text=True)
    assert not (content / "fleet" / "sensors.md").exists()
    assert finished(app, "fleet").state == "built"
    assert [f["name"] for f in read_manifest(index_dir, "fleet")["files"]] == ["boats.md"]
    assert "63 days" not in ask(client, "fleet", "How long does the Zephyr-9 sensor last on a charge?")["answer"]

    for name, reason in (("boats.md", "the deck&#39;s only document"), ("../example/faq.md", "has no document")):
        response = client.post("/admin/decks/fleet/files/delete", data=form(client, name=name), follow_redirects=True)
        assert "Not deleted:" in response.get_data(as_text=True) and reason in response.get_data(as_text=True)
    assert (content / "fleet" / "boats.md").exists() and (content / "example" / "faq.md").exists()
    actions = [c.action for c in app.extensions["deckchat"].deck_changes.list("fleet")]
    assert actions[:3] == ["index built", "reindex", "deleted"] and "index rejected" in actions


def test_the_settings_form_writes_deck_toml_keeping_comments_and_refuses_bad_values(site):
    app, client, content, _ = site
    path = content / "example" / "deck.toml"
    original = path.read_text()
    page = client.get("/admin/decks/example/content").get_data(as_text=True)
    assert 'value="Tidewater Robotics"' in page and "How much are they raising?" in page

    fields = {"title": "Tidewater Robotics", "greeting": "Hello investors.", "suggested_questions":
              "How much are they raising?\r\nWho are the founders?", "allowed_origins": "https://www.tidewater.example/",
              "handoff_url": "", "theme_color": "#0b5fff", "access": "email"}
    response = client.post("/admin/decks/example/settings", data=form(client, "example", **fields))
    assert response.status_code == 302
    written = path.read_text()
    assert "# Sites whose pages may embed this chat" in written  # the founder's comments survive
    settings = app.extensions["deckchat"].deck_settings.own("example")
    assert (settings.greeting, settings.access, settings.theme_color) == ("Hello investors.", "email", "#0b5fff")
    assert settings.allowed_origins == ("https://www.tidewater.example",)
    assert settings.suggested_questions == ("How much are they raising?", "Who are the founders?")
    [change] = app.extensions["deckchat"].deck_changes.list("example")
    assert change.action == "settings" and "access: 'public' -> 'email'" in change.detail

    bad = fields | {"theme_color": "red", "allowed_origins": "www.example.com", "handoff_url": "javascript:alert(1)"}
    response = client.post("/admin/decks/example/settings", data=form(client, "example", **bad))
    text = response.get_data(as_text=True)
    assert response.status_code == 400 and "Not saved:" in text
    assert "theme_color" in text and "allowed_origins" in text and "handoff_url" in text
    assert 'value="red"' in text  # what was typed is kept for correcting
    assert path.read_text() == written
    assert original != written


def test_content_pages_need_the_login_and_an_anonymous_upload_writes_nothing(site):
    app, _, content, _ = site
    stranger = app.test_client()
    assert stranger.get("/admin/decks/example/content").status_code == 302
    assert stranger.get("/admin/decks/new").status_code == 302
    response = stranger.post("/admin/decks/example/files", data={"documents": [(__import__("io").BytesIO(b"x" * 40_000),
                                                                                "big.md")]},
                             content_type="multipart/form-data")
    assert response.status_code == 413  # the general request limit: only the owner may send documents
    assert not (content / "example" / "big.md").exists()
    assert stranger.get("/admin/decks/nosuch/content").status_code == 302
    _, client, _, _ = site
    assert client.get("/admin/decks/nosuch/content").status_code == 404
    assert create(client, name="../evil").status_code == 400
    assert create(client, name="example").status_code == 400  # exists already
    assert create(client, name="new").status_code == 400  # the page that creates decks


class CountingIngester:
    """Stands in for the pipeline where only the re-index's scheduling is under test."""

    def __init__(self, runs: list, gate):
        self.runs, self.gate = runs, gate

    def ingest(self, deck, folder):
        from ingest.pipeline import DeckReport

        self.gate.wait(10)
        self.runs.append(deck)
        return DeckReport(deck, "unchanged")


def test_a_reindex_asked_for_while_one_runs_runs_once_more_after_it(tmp_path):
    import threading

    class Changes:
        def __init__(self):
            self.rows = []

        def record(self, *row):
            self.rows.append(row)

    runs, gate, changes = [], threading.Event(), Changes()
    reindexer = Reindexer(tmp_path, lambda progress, force: CountingIngester(runs, gate), changes)
    first = reindexer.start("fleet", "ada")
    assert reindexer.start("fleet", "ada") is first and reindexer.start("fleet", "ada") is first
    gate.set()
    deadline = time.monotonic() + 10
    while not first.finished and time.monotonic() < deadline:
        time.sleep(0.01)
    assert runs == ["fleet", "fleet"]  # the two asked during the first run make one more, not two
    assert [row[2] for row in changes.rows] == ["reindex", "index unchanged", "index unchanged"]
