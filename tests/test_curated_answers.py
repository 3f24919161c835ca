"""The founders' curated answers: `flask answers`, a paraphrase answered with the founders' label, a
related one offered beside a refusal, edits and removals applied at the next question on every instance.
Real embedder, real index, real SQLite; the model is not needed (curated answers never call it)."""

from __future__ import annotations

import json
import re

import pytest

from app import create_app
from app.admin.auth import hash_password
from app.services import Services
from tests.conftest import app_config
from tests.helpers.admin import PASSWORD, csrf_token, log_in

BURN = "What is your monthly burn rate?"
BURN_ANSWER = "About $160,000 a month; 22 months of runway after this round."


@pytest.fixture
def two_instances(tmp_path, example_index, embedder, generator):
    """Two app instances on one database, as behind a load balancer."""
    config = app_config(tmp_path, example_index)
    make = lambda: create_app(config, make_services=lambda cfg: Services(cfg, embedder=embedder,  # noqa: E731
                                                                         generator=generator))
    return make(), make()


def ask(app, question, session_id="curated-session-1"):
    response = app.test_client().post("/api/chat", json={"deck": "example", "question": question,
                                                         "session_id": session_id})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def cli(app, *args, input=None):
    return app.test_cli_runner().invoke(args=["answers", *args], input=input)


def test_the_cli_adds_lists_exports_imports_and_removes(two_instances):
    app, _ = two_instances
    added = cli(app, "add", "--deck", "example", "--question", BURN, "--answer", BURN_ANSWER,
                "--variant", "How much do you spend a month?")
    assert added.exit_code == 0, added.output
    listed = cli(app, "list", "--deck", "example").output
    assert BURN in listed and BURN_ANSWER in listed and "How much do you spend a month?" in listed
    exported = cli(app, "export", "--deck", "example").output.splitlines()
    assert json.loads(exported[0]) == {"question": BURN, "answer": BURN_ANSWER,
                                       "variants": ["How much do you spend a month?"]}
    bad = cli(app, "import", "--deck", "example", input='{"question": "Q?", "answer": "A."}\n{"question": 3}\n')
    assert bad.exit_code != 0 and "line 2" in bad.output
    assert len(cli(app, "list", "--deck", "example").output.splitlines()) == 1  # all or none
    assert "2 curated" in cli(app, "import", "--deck", "example",
                              input='{"question": "Q one?", "answer": "A."}\n{"question": "Q two?", "answer": "B."}\n').output
    curated_id = cli(app, "list", "--deck", "example").output.split("\t", 1)[0]
    assert cli(app, "remove", "--deck", "example").exit_code != 0  # --id or --all
    assert "1 curated" in cli(app, "remove", "--deck", "example", "--id", curated_id).output
    assert cli(app, "remove", "--deck", "example", "--id", curated_id).exit_code != 0
    assert "2 curated" in cli(app, "remove", "--deck", "example", "--all").output
    assert cli(app, "list", "--deck", "example").output == ""


def test_a_paraphrase_gets_the_founders_answer_labelled_and_logged_as_such(two_instances):
    app, _ = two_instances
    cli(app, "add", "--deck", "example", "--question", BURN, "--answer", BURN_ANSWER)
    body = ask(app, "How much cash do you burn each month?")
    assert body["answer"].startswith("The founders answered this (") and BURN_ANSWER in body["answer"]
    assert body["curated"]["question"] == BURN and body["curated"]["same"] is True and not body["refused"]
    assert body["sources"][0]["kind"] == "curated" and body["sources"][0]["title"] == BURN
    turn = app.extensions["deckchat"].log.transcript("curated-session-1").turns[0]
    assert turn.curated_id == body["curated"]["id"] and turn.decided.startswith("curated")
    # A question the documents answer is not taken by the curated answer.
    raising = ask(app, "How much are you raising?", "curated-session-2")
    assert raising["curated"] is None and "4.5" in raising["answer"]


def test_an_edit_or_removal_applies_to_the_next_question_on_every_instance(two_instances):
    first, second = two_instances
    cli(first, "add", "--deck", "example", "--question", BURN, "--answer", BURN_ANSWER)
    assert BURN_ANSWER in ask(second, "How much cash do you burn each month?")["answer"]
    store = first.extensions["deckchat"].curated_answers
    store.update(store.list("example")[0].id, answer="About $170,000 a month since October.")
    assert "$170,000" in ask(second, "How much cash do you burn each month?", "curated-session-3")["answer"]
    cli(first, "remove", "--deck", "example", "--all")
    assert ask(second, "How much cash do you burn each month?", "curated-session-4")["curated"] is None


def test_a_related_founders_answer_is_offered_beside_a_refusal(two_instances):
    app, _ = two_instances
    cli(app, "add", "--deck", "example", "--question", "Can I invest in euros instead of dollars?",
        "--answer", "Yes, we accept euros at the day's exchange rate.")
    body = ask(app, "What's the exchange rate of euro to dollar?")
    assert body["refused"] is True and body["curated"]["same"] is False
    assert "The founders answered a related question, “Can I invest in euros instead of dollars?”" in body["answer"]
    assert body["sources"][-1]["kind"] == "curated"
    turn = app.extensions["deckchat"].log.transcript("curated-session-1").turns[0]
    assert turn.curated_id is None  # offered, not given as the answer


def test_the_founder_answers_an_unanswered_question_in_the_admin_and_edits_it(tmp_path, example_index, embedder,
                                                                               generator):
    config = app_config(tmp_path, example_index) | {"ADMIN_PASSWORD_HASH": hash_password(PASSWORD)}
    app = create_app(config, make_services=lambda cfg: Services(cfg, embedder=embedder, generator=generator))
    asked = ask(app, "What's the exchange rate of euro to dollar?")
    assert asked["refused"]
    owner = app.test_client()
    log_in(owner)
    questions = owner.get("/admin/questions").get_data(as_text=True)
    assert 'action="/admin/answers/"' in questions and "Answer it for readers" in questions
    token = csrf_token(owner, "/admin/questions")
    assert owner.post("/admin/answers/", data={"deck": "example", "question": BURN, "answer": "",
                                               "csrf_token": token}).status_code == 400
    saved = owner.post("/admin/answers/", data={"deck": "example", "question": BURN, "answer": BURN_ANSWER,
                                                "variant": ["How much do you spend each month?"], "csrf_token": token})
    assert saved.status_code == 302
    page = owner.get("/admin/answers/example").get_data(as_text=True)
    assert BURN_ANSWER in page and "How much do you spend each month?" in page
    assert BURN_ANSWER in ask(app, "How much cash do you burn each month?", "curated-session-9")["answer"]
    transcript = owner.get("/admin/sessions/curated-session-9").get_data(as_text=True)
    assert "Given your answer" in transcript
    action = re.search(r'action="(/admin/answers/example/\d+)"', page).group(1)
    owner.post(action, data={"answer": "Now $170,000 a month.", "question": BURN, "action": "save", "csrf_token": token})
    assert "$170,000" in ask(app, "How much cash do you burn each month?", "curated-session-10")["answer"]
    owner.post(action, data={"action": "remove", "csrf_token": token})
    assert "No answers yet" in owner.get("/admin/answers/example").get_data(as_text=True)
