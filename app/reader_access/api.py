"""The e-mail gate inside the widget: `POST /api/access` (an address for a pass, or for a code mailed to
it first) and `POST /api/access/confirm` (the code for the pass). The chat then sends the pass as
X-DeckChat-Pass: on a host site the cookie would be a third party's."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from app.chat.cors import allow_origin, check_origin_for_deck, preflight
from app.email_address import clean_email, clean_name
from app.errors import BadRequest, NotFound, ServiceUnavailable
from app.reader_access.confirm import CodeNotSent, confirm_code, mail_configured, send_code
from app.reader_access.gate import access_mode, give_pass, pass_token, reader_key
from app.reader_access.passes import ReaderPass
from ingest.store import is_valid_deck_name, list_decks

bp = Blueprint("reader_access_api", __name__, url_prefix="/api")
bp.before_request(preflight)
bp.after_request(allow_origin)


def _services():
    return current_app.extensions["deckchat"]


def _gated_deck() -> tuple[str, dict]:
    """The request's JSON body and its e-mail-gated deck, which the calling page may use; rate-limited."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadRequest('send a JSON object: {"deck": "...", ...}')
    deck = body.get("deck")
    if not isinstance(deck, str) or not is_valid_deck_name(deck) or deck not in list_decks(_services().index_dir) \
            or access_mode(deck) != "email":
        raise NotFound(f"no e-mail-gated deck named {deck!r}")
    check_origin_for_deck(deck)
    _services().rate_limits.other(request.remote_addr or "")
    return deck, body


def _pass_response(reader: ReaderPass):
    token = pass_token(reader)
    response = jsonify({"pass": token, "reader": reader_key(reader)})
    give_pass(response, reader, token)
    return response


@bp.post("/access")
def give_email():
    """`{"deck", "email", "name"?}` -> `{"pass"}`; with mail set up, 202 `{"confirm", "sent_to"}` and a code
    mailed to the address."""
    deck, body = _gated_deck()
    email, name = clean_email(body.get("email")), body.get("name")
    if email is None:
        raise BadRequest("'email' must be your e-mail address")
    if name is not None and (not isinstance(name, str) or len(name) > 200):
        raise BadRequest("'name' must be text of at most 200 characters")
    name = clean_name(name)
    if mail_configured():
        try:
            return jsonify(confirm=send_code(deck, email, name), sent_to=email), 202
        except CodeNotSent:
            raise ServiceUnavailable("the code could not be sent just now; try again in a minute") from None
    return _pass_response(ReaderPass(deck, "email", email, name))


@bp.post("/access/confirm")
def confirm_email():
    """`{"deck", "confirm", "code"}` (the token /api/access gave, the code the reader got) -> `{"pass"}`."""
    deck, body = _gated_deck()
    token, code = body.get("confirm"), body.get("code")
    reader = confirm_code(deck, token if isinstance(token, str) else None, code if isinstance(code, str) else None)
    if reader is None:
        raise BadRequest("that is not the code we sent, or it has expired: check the mail, or start again")
    return _pass_response(reader)
