"""Per request: may this reader open this deck, and who are they.

A pass arrives as a cookie (the deck page, its images and its same-origin chat) or in the
`X-DeckChat-Pass` header (the widget's chat on a host site, where the cookie is a third party's).
A link pass is checked against its link on every use, so revoking one shuts it at once.
"""

from __future__ import annotations

from flask import Response, current_app, request

from app.errors import ApiError, NotFound
from app.reader_access.passes import (PASS_MAX_AGE_S, ReaderPass, keyed_digest, read_link, read_pass, sign_link,
                                      sign_pass)

COOKIE_PREFIX = "deckchat_pass_"
PASS_HEADER = "X-DeckChat-Pass"


class AccessRequired(ApiError):
    """An e-mail-gated deck asked for without the reader's e-mail."""

    status = 401


def _services():
    return current_app.extensions["deckchat"]


def access_mode(deck: str) -> str:
    return _services().deck_settings.get(deck).access


def unknown_deck(deck: str) -> NotFound:
    """The one answer for an unknown deck, a private one without a pass, and a forged or revoked pass."""
    return NotFound(f"no deck named {deck!r}")


def _valid(reader: ReaderPass | None) -> ReaderPass | None:
    if reader is not None and reader.access == "link" and (
            reader.link_id is None or _services().reader_links.usable(reader.link_id, reader.deck) is None):
        return None
    return reader


def current_reader(deck: str) -> ReaderPass | None:
    """The reader's genuine, still valid pass for this deck, from the header or the cookie."""
    secret = current_app.config["SECRET_KEY"]
    for token in (request.headers.get(PASS_HEADER), request.cookies.get(COOKIE_PREFIX + deck)):
        reader = _valid(read_pass(token, secret, deck))
        if reader is not None:
            return reader
    return None


def reader_from_link(deck: str, token: str | None) -> ReaderPass | None:
    """The pass a personal link's token gives, when the token is genuine and its link usable."""
    link_id = read_link(token, current_app.config["SECRET_KEY"], deck)
    link = _services().reader_links.usable(link_id, deck) if link_id is not None else None
    return ReaderPass(deck, "link", link.email, link.name, link.id) if link else None


def require_reader(deck: str) -> ReaderPass | None:
    """For the API and the page images: None for a public deck, else the reader's pass or an error
    (404 for a link-only deck, as for an unknown one; 401 with what to do for an e-mail gate)."""
    mode, reader = access_mode(deck), current_reader(deck)
    if reader is not None or mode == "public":  # a link's reader on a deck made public later is still known
        return reader
    if mode == "email":
        raise AccessRequired(f"deck {deck!r} asks for your e-mail address first: open /decks/{deck}")
    raise unknown_deck(deck)


def reader_key(reader: ReaderPass | None) -> str:
    """A short stable name for the reader, not their address: the page keeps each reader's conversation
    under it, so the next person on a shared browser does not continue (or see) the last one's."""
    if reader is None:
        return ""
    return keyed_digest(f"reader:{reader.email.lower()}", current_app.config["SECRET_KEY"])[:16]


def pass_token(reader: ReaderPass) -> str:
    return sign_pass(reader, current_app.config["SECRET_KEY"])


def give_pass(response: Response, reader: ReaderPass, token: str | None = None) -> None:
    """Set the reader's pass as a cookie on `response` (for the deck page, its images and its chat)."""
    response.set_cookie(COOKIE_PREFIX + reader.deck, token or pass_token(reader), max_age=PASS_MAX_AGE_S,
                        httponly=True, samesite="Lax", secure=current_app.config["SECURE_COOKIES"])


def link_address(link_id: int, deck: str) -> str:
    """A personal link as the reader gets it: absolute when DECKCHAT_PUBLIC_URL is set, else a path."""
    token = sign_link(link_id, deck, current_app.config["SECRET_KEY"])
    return f"{current_app.config['PUBLIC_URL'].rstrip('/')}/decks/{deck}?t={token}"
