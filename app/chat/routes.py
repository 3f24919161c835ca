"""The JSON API: ask a question about a deck, and check the service's health."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

from flask import Blueprint, current_app, jsonify, request

from app.errors import BadRequest, NotFound
from ingest.store import is_valid_deck_name, list_decks

bp = Blueprint("chat", __name__, url_prefix="/api")

_SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


def services():
    return current_app.extensions["deckchat"]


def _chat_request() -> tuple[str, str, str]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadRequest('send a JSON object: {"deck": "...", "question": "..."}')
    deck, question, session_id = body.get("deck"), body.get("question"), body.get("session_id")
    if not isinstance(deck, str) or not is_valid_deck_name(deck):
        raise BadRequest("'deck' must be a deck name (letters, digits, '-' and '_')")
    if not isinstance(question, str) or not question.strip():
        raise BadRequest("'question' must be a non-empty string")
    limit = current_app.config["MAX_QUESTION_CHARS"]
    if len(question) > limit:
        raise BadRequest(f"'question' is longer than {limit} characters; shorten it")
    if session_id is None:
        session_id = uuid.uuid4().hex
    elif not isinstance(session_id, str) or not _SESSION_ID.match(session_id):
        raise BadRequest("'session_id' must be 8-64 letters, digits, '-' or '_'")
    if deck not in list_decks(services().index_dir):
        if (services().index_dir / deck).exists() or deck in _content_decks():
            return deck, question.strip(), session_id  # known but not (properly) built: 503 below
        raise NotFound(f"no deck named {deck!r}")
    return deck, question.strip(), session_id


def _content_decks() -> set[str]:
    content = Path(current_app.config["CONTENT_DIR"])
    return {p.name for p in content.iterdir() if p.is_dir()} if content.is_dir() else set()


@bp.post("/chat")
def chat():
    """Answer one question from the deck's documents, with sources; every turn is logged."""
    deck, question, session_id = _chat_request()
    svc = services()
    known_deck = svc.log.session_deck(session_id)
    if known_deck is not None and known_deck != deck:
        raise BadRequest("this session_id belongs to another deck; start a new session")
    result = svc.pipeline.answer(deck, question)
    message_id = svc.log.record_turn(session_id, deck, question, result)
    if result.error:
        # Details go to the log and /api/health; the reader gets what to do next.
        return jsonify(error="the language model is unavailable right now; your question was logged, "
                             "please try again in a minute",
                       session_id=session_id, message_id=message_id), 503
    return jsonify(answer=result.answer, refused=result.refused, sources=result.sources,
                   session_id=session_id, message_id=message_id)


@bp.get("/health")
def health():
    """Model id and load state, decks with chunk counts and build time."""
    return jsonify(services().health())
