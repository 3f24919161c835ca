"""Which other sites' pages may call the chat API: those a deck's owner listed in its deck.toml.

The widget itself needs none of this (its iframe is served from this app, so its calls are
same-origin); it is for owners who build their own chat UI on the API. With no list, only this
app's own origin is allowed: answering any origin is how a peer's quota ends up on someone's site.
"""

from __future__ import annotations

from flask import Response, current_app, g, request

from app.errors import Forbidden
from ingest.store import list_decks


def _cross_origin() -> str | None:
    """The calling page's origin when it is another site's; None for same-origin and non-browser calls."""
    origin = request.headers.get("Origin")
    # Behind a proxy the Host header may not match the public origin the browser sent; the
    # browser's own Sec-Fetch-Site says whether the page calling is this site's.
    if not origin or origin == request.host_url.rstrip("/") or request.headers.get("Sec-Fetch-Site") == "same-origin":
        return None
    return origin.lower()


def _settings():
    return current_app.extensions["deckchat"].deck_settings


def check_origin_for_deck(deck: str) -> None:
    """403 unless the calling page may use this deck's chat."""
    origin = _cross_origin()
    if origin and origin not in _settings().get(deck).allowed_origins:
        raise Forbidden(f"{origin} may not use the chat of deck {deck!r}: the deck's owner can add it to "
                        f"allowed_origins in {deck}/deck.toml")


def preflight() -> Response | None:
    """Answer a CORS preflight; for other requests, refuse origins that no deck allows."""
    origin = _cross_origin()
    if origin is None:
        return None
    decks = list_decks(current_app.extensions["deckchat"].index_dir)
    if origin not in _settings().all_allowed_origins(decks):
        raise Forbidden(f"{origin} may not use this chat API: no deck lists it in allowed_origins")
    g.cors_origin = origin
    if request.method == "OPTIONS":
        response = current_app.make_default_options_response()
        response.headers.update({"Access-Control-Allow-Methods": "GET, POST",
                                 "Access-Control-Allow-Headers": "Content-Type, X-DeckChat-Pass", "Access-Control-Max-Age": "600"})
        return response
    return None


def allow_origin(response: Response) -> Response:
    """Let an allowed page read the response; a refused one gets no CORS header at all."""
    origin = g.get("cors_origin")
    if origin:
        response.headers["Access-Control-Allow-Origin"] = origin
    response.vary.add("Origin")
    return response
