"""`POST /api/events`: what the deck page reports of its reader: the deck opened, and each slide on screen
and for how long (batched by `navigator.sendBeacon`, static/deck.js).

Only the deck's own page may send them (its origin, checked as the browser states it), with a JSON body
(a cross-site form cannot send one), under the address rate limit and the deck's access mode.
"""

from __future__ import annotations

from flask import Blueprint, current_app, request
from sqlalchemy.exc import SQLAlchemyError

from app.chat.routes import checked_session_id, settle_opened
from app.errors import BadRequest, Forbidden, NotFound
from app.reader_access.gate import require_reader
from ingest.store import is_valid_deck_name, list_decks, read_manifest

bp = Blueprint("deck_events", __name__, url_prefix="/api")

MAX_EVENTS = 50  # one beacon's batch; the page sends every few seconds
MAX_VIEW_S = 30 * 60  # longer is a tab left open, not reading
MAX_PAGE = 10_000


def _services():
    return current_app.extensions["deckchat"]


def _same_origin() -> None:
    """403 for a page of another site (a browser states its origin); scripts without one are rate-limited."""
    site, origin = request.headers.get("Sec-Fetch-Site"), request.headers.get("Origin")
    # Behind a proxy the Host header may differ from the origin the browser saw: Sec-Fetch-Site decides.
    if site == "same-origin" or (site is None and origin in (None, request.host_url.rstrip("/"))):
        return
    raise Forbidden("only the deck's own page reports what its readers look at")


def _views(events, docs: set[str]) -> list[tuple[str, int, float]]:
    """The batch's slide views, checked: (document, page, seconds); opening the deck carries none."""
    if not isinstance(events, list) or len(events) > MAX_EVENTS:
        raise BadRequest(f"'events' must be a list of at most {MAX_EVENTS} events")
    views = []
    for event in events:
        kind = event.get("type") if isinstance(event, dict) else None
        if kind == "open":
            continue
        if kind != "view":
            raise BadRequest("each event is {\"type\": \"open\"} or {\"type\": \"view\", \"doc\", \"page\", \"ms\"}")
        doc, page, ms = event.get("doc"), event.get("page"), event.get("ms")
        if doc not in docs:
            raise BadRequest("'doc' must be one of the deck's documents")
        if not isinstance(page, int) or isinstance(page, bool) or not 1 <= page <= MAX_PAGE:
            raise BadRequest("'page' must be the 1-based slide or page number")
        if not isinstance(ms, (int, float)) or isinstance(ms, bool) or not ms >= 0:
            raise BadRequest("'ms' must be the milliseconds the slide was on screen")
        views.append((doc, page, round(min(ms / 1000, MAX_VIEW_S), 3)))
    return views


@bp.post("/events")
def deck_events():
    """Record a reader's visit: `{"deck", "session_id", "events": [...]}` -> 204."""
    _same_origin()
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadRequest('send a JSON object: {"deck", "session_id", "events"}')
    deck, session_id = body.get("deck"), body.get("session_id")
    if not isinstance(deck, str) or not is_valid_deck_name(deck) or deck not in list_decks(_services().index_dir):
        raise NotFound(f"no deck named {deck!r}")
    session_id = checked_session_id(session_id)
    reader = require_reader(deck)
    _services().rate_limits.other(request.remote_addr or "")
    docs = {entry["name"] for entry in (read_manifest(_services().index_dir, deck) or {}).get("files", [])}
    views = _views(body.get("events"), docs)
    try:
        opened = _services().log.record_views(session_id, deck, reader, views)
    except SQLAlchemyError:  # a lost beacon costs a statistic, never the reader's page
        current_app.logger.exception("conversation log unwritable; %d slide views of %s lost", len(views), session_id)
        return "", 204
    settle_opened(opened, deck, reader)
    return "", 204
