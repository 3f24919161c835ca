"""What a reader carries: a signed pass for one deck, and the signed token inside a personal link.

Both are signed with the app's secret key (itsdangerous, which Flask's own session uses); a forged or
altered one reads as none. A pass names its deck, so one deck's pass opens no other.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import asdict, dataclass

from itsdangerous import BadData, URLSafeSerializer, URLSafeTimedSerializer

PASS_SALT = "deckchat.reader-pass"
LINK_SALT = "deckchat.personal-link"
PASS_MAX_AGE_S = 30 * 24 * 3600  # an e-mail given once opens the deck for a month on that browser


@dataclass(frozen=True)
class ReaderPass:
    """A reader let in to one deck: by the e-mail they gave, or by their personal link (link_id)."""

    deck: str
    access: str  # "email" or "link"
    email: str
    name: str | None = None
    link_id: int | None = None


def keyed_digest(text: str, secret: str) -> str:
    """An HMAC-SHA256 of `text` under the app's key, in hex: what cannot be derived without the key."""
    return hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()


def sign_pass(reader: ReaderPass, secret: str) -> str:
    return URLSafeTimedSerializer(secret, salt=PASS_SALT).dumps(asdict(reader))


def read_pass(token: str | None, secret: str, deck: str) -> ReaderPass | None:
    """The pass in `token` when it is genuine, recent and for `deck`; None otherwise."""
    if not token:
        return None
    try:
        data = URLSafeTimedSerializer(secret, salt=PASS_SALT).loads(token, max_age=PASS_MAX_AGE_S)
        reader = ReaderPass(**data)
    except (BadData, TypeError):
        return None
    return reader if reader.deck == deck and reader.access in ("email", "link") else None


def sign_link(link_id: int, deck: str, secret: str) -> str:
    """The token of a personal link (its expiry and revocation live in the database)."""
    return URLSafeSerializer(secret, salt=LINK_SALT).dumps([link_id, deck])


def read_link(token: str | None, secret: str, deck: str) -> int | None:
    """The link id in a genuine token for `deck`; None for a forged, altered or other deck's token."""
    if not token:
        return None
    try:
        link_id, token_deck = URLSafeSerializer(secret, salt=LINK_SALT).loads(token)
    except (BadData, TypeError, ValueError):
        return None
    return link_id if token_deck == deck and isinstance(link_id, int) else None
