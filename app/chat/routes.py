"""The JSON API: ask a question about a deck, and check the service's health."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

from flask import Blueprint, Response, current_app, jsonify, request, session, stream_with_context
from sqlalchemy.exc import SQLAlchemyError

from app.chat.cors import allow_origin, check_origin_for_deck, preflight
from app.chat.turns import TurnRecorder
from app.email_address import clean_email
from app.conversation_log.writes import Opened
from app.errors import BadRequest, NotFound
from app.notifications.founders import handoff_requested, reader_named
from app.rag.result import INTERRUPTED
from app.reader_access.gate import require_reader
from app.reader_access.passes import ReaderPass
from ingest.store import is_valid_deck_name, list_decks

bp = Blueprint("chat", __name__, url_prefix="/api")

_SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
MAX_COMMENT_CHARS = 1000

bp.before_request(preflight)
bp.after_request(allow_origin)


def services():
    return current_app.extensions["deckchat"]


def checked_session_id(value) -> str:
    if not isinstance(value, str) or not _SESSION_ID.fullmatch(value):
        raise BadRequest("'session_id' must be 8-64 letters, digits, '-' or '_'")
    return value


def _chat_request() -> tuple[str, str, str]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadRequest('send a JSON object: {"deck": "...", "question": "..."}')
    deck, question, session_id = body.get("deck"), body.get("question"), body.get("session_id")
    if not isinstance(deck, str) or not is_valid_deck_name(deck):
        raise BadRequest("'deck' must be a deck name (letters, digits, '-' and '_')")
    check_origin_for_deck(deck)
    if not isinstance(question, str) or not question.strip():
        raise BadRequest("'question' must be a non-empty string")
    limit = current_app.config["MAX_QUESTION_CHARS"]
    if len(question) > limit:
        raise BadRequest(f"'question' is longer than {limit} characters; shorten it")
    session_id = uuid.uuid4().hex if session_id is None else checked_session_id(session_id)
    if deck not in list_decks(services().index_dir):
        if (services().index_dir / deck).exists() or deck in _content_decks():
            return deck, question.strip(), session_id  # known but not (properly) built: 503 below
        raise NotFound(f"no deck named {deck!r}")
    return deck, question.strip(), session_id


def _note_reader(session_id: str, deck: str, reader: ReaderPass | None) -> None:
    """The reader's identity on their session (an e-mail gate's or a link's); the answer goes on without it."""
    if reader is None:
        return
    try:
        opened = services().log.open_session(session_id, deck, reader)
    except SQLAlchemyError:
        current_app.logger.exception("conversation log unwritable; reader of session %s not noted", session_id)
        return
    settle_opened(opened, deck, reader)


def settle_opened(opened: Opened, deck: str, reader: ReaderPass | None) -> None:
    """A session that is another deck's or another reader's is refused; a reader named on it just now is
    announced to the founders (their first visit)."""
    if opened in (Opened.OTHER_DECK, Opened.OTHER_READER):
        raise BadRequest(f"this session_id {opened.value.removeprefix('the session ')}; start a new session")
    if opened is Opened.NAMED and reader is not None:
        reader_named(deck, reader.access, reader.email, reader.name)


def _content_decks() -> set[str]:
    content = Path(current_app.config["CONTENT_DIR"])
    return {p.name for p in content.iterdir() if p.is_dir()} if content.is_dir() else set()


# Details go to the log and /api/health; the reader gets what to do next.
MODEL_UNAVAILABLE = ("the language model is unavailable right now; your question was logged, "
                     "please try again in a minute")


def _session_request() -> tuple[str, str, str]:
    """A valid chat request whose session (if it exists) belongs to the same deck."""
    deck, question, session_id = _chat_request()
    reader = require_reader(deck)
    services().rate_limits.question(request.remote_addr or "", session_id)
    try:
        known_deck = services().log.session_deck(session_id)
    except SQLAlchemyError:  # the log is down: answer anyway (the turn is reported when it cannot be stored)
        current_app.logger.exception("conversation log unreadable; session %s taken as new", session_id)
        known_deck = None
    if known_deck is not None and known_deck != deck:
        raise BadRequest("this session_id belongs to another deck; start a new session")
    _note_reader(session_id, deck, reader)
    return deck, question, session_id


@bp.post("/chat")
def chat():
    """Answer one question from the deck's documents, with sources; every turn is logged."""
    deck, question, session_id = _session_request()
    svc = services()
    with svc.queue.place():
        result = svc.pipeline.answer(deck, question, _earlier_turns(session_id))
    message_id = TurnRecorder(lambda: svc.log, session_id, deck, question).record(result)
    if result.error:
        return jsonify(error=MODEL_UNAVAILABLE, session_id=session_id, message_id=message_id), 503
    return jsonify(answer=result.answer, refused=result.refused, grounded=result.grounded, quote=result.quote,
                   sources=[s.to_dict() for s in result.sources], session_id=session_id, message_id=message_id,
                   curated=result.curated)


def _earlier_turns(session_id: str) -> list[tuple[str, str]]:
    """The session's recent turns for a follow-up; none when the log cannot be read (the answer goes on)."""
    try:
        return services().log.recent_turns(session_id)
    except SQLAlchemyError:
        current_app.logger.exception("conversation log unreadable; answering without the session's history")
        return []


def _event(name: str, data: dict) -> str:
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


@bp.post("/chat/stream")
def chat_stream():
    """The same answer as Server-Sent Events: `sources`, `token` deltas, then `done` (or `error`)."""
    deck, question, session_id = _session_request()
    svc = services()
    svc.queue.enter()  # held until the response is closed
    try:
        stream = svc.pipeline.start(deck, question, _earlier_turns(session_id))  # retrieval errors are still plain JSON 4xx/503
    except BaseException:
        svc.queue.leave()
        raise

    def events() -> Iterator[str]:
        result, logged = stream.result, False
        turn = TurnRecorder(lambda: svc.log, session_id, deck, question)
        turn.begin()  # before the first token: a server killed mid-answer leaves it marked interrupted
        try:
            yield _event("sources", {"sources": [s.to_dict() for s in result.sources], "session_id": session_id})
            deltas = iter(stream)
            try:
                for delta in deltas:
                    yield _event("token", {"text": delta})
            finally:
                deltas.close()  # the reader left: stop the model now, not at max_new_tokens
            message_id = turn.finish(result)
            logged = True
            if result.error:
                yield _event("error", {"error": MODEL_UNAVAILABLE, "message_id": message_id})
            else:
                yield _event("done", {"message_id": message_id, "answer": result.answer, "refused": result.refused,
                                      "grounded": result.grounded, "quote": result.quote,
                                      "curated": result.curated,
                                      "used": [i for i, s in enumerate(result.sources) if s.used]})
        finally:
            if not logged:  # the reader disconnected: keep the partial answer, marked interrupted
                result.error = result.error or INTERRUPTED
                turn.finish(result)

    response = Response(stream_with_context(events()), mimetype="text/event-stream",
                        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
    response.call_on_close(svc.queue.leave)  # the server closes every response, even one never read
    return response


def _json_body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadRequest("send a JSON object")
    return body


def _message_id(value) -> int:
    # A turn id is a positive 32-bit integer in every database the log runs on.
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value < 2**31:
        raise BadRequest("'message_id' must be the number the answer came with")
    return value


def _own_session(session_id: str) -> str:
    """The deck of an existing session, after checking the calling page may use it."""
    services().rate_limits.other(request.remote_addr or "")
    deck = services().log.session_deck(session_id)
    if deck is None:
        raise NotFound("no such session: ask a question first")
    check_origin_for_deck(deck)
    require_reader(deck)
    return deck


@bp.post("/feedback")
def feedback():
    """A reader's thumbs up or down on one of the answers in their session, with an optional comment."""
    body = _json_body()
    session_id, message_id = checked_session_id(body.get("session_id")), body.get("message_id")
    rating, comment = body.get("rating"), body.get("comment")
    _message_id(message_id)
    if not isinstance(rating, int) or isinstance(rating, bool) or rating not in (1, -1):
        raise BadRequest("'rating' must be 1 (helpful) or -1 (not helpful)")
    if comment is not None and (not isinstance(comment, str) or len(comment) > MAX_COMMENT_CHARS):
        raise BadRequest(f"'comment' must be text of at most {MAX_COMMENT_CHARS} characters")
    _own_session(session_id)
    if not services().log.record_feedback(session_id, message_id, rating,
                                          (comment or "").strip() or None):
        raise NotFound("no such answer in this session")
    return jsonify(ok=True)


@bp.post("/handoff")
def handoff():
    """A reader's e-mail for the founders, on an answer of theirs the documents did not give."""
    body = _json_body()
    session_id, email, message_id = checked_session_id(body.get("session_id")), body.get("email"), body.get("message_id")
    _message_id(message_id)
    email = clean_email(email)
    if email is None:
        raise BadRequest("'email' must be an e-mail address the founders can reply to")
    deck = _own_session(session_id)
    question = services().log.record_handoff(session_id, message_id, email)
    if question is None:
        raise NotFound("no unanswered question with this message_id in this session")
    handoff_requested(session_id, deck, question, email)  # queued: the reader does not wait for the mail
    return jsonify(ok=True), 201


@bp.get("/sessions/<session_id>")
def session_turns(session_id: str):
    """A reader's own conversation, to show again after a reload (the session id is its key)."""
    deck = request.args.get("deck", "")
    if not is_valid_deck_name(deck):
        raise BadRequest("'deck' must be a deck name")
    check_origin_for_deck(deck)
    services().rate_limits.other(request.remote_addr or "")
    reader = require_reader(deck)
    turns = services().log.reader_turns(session_id, deck, reader.email if reader else None)
    return jsonify(session_id=checked_session_id(session_id), turns=turns)


@bp.get("/health")
def health():
    """Model id and load state, decks with chunk counts and build time (every deck for the logged-in owner)."""
    return jsonify(services().health(operator=bool(session.get("admin"))))
