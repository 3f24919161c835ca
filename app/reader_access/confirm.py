"""The e-mail gate's proof, when mail is set up: a six-digit code sent to the address the reader gave.

Nothing is stored: the reader's browser carries a signed, 15-minute token holding the address and a
keyed hash of the code, and gets its pass only by typing the code back.
"""

from __future__ import annotations

import hmac
import secrets

from flask import current_app
from itsdangerous import BadData, URLSafeTimedSerializer

from app.reader_access.passes import ReaderPass, keyed_digest

SALT = "deckchat.email-code"
MAX_AGE_S = 15 * 60


class CodeNotSent(Exception):
    """The mail server refused or did not answer: the reader is told to try again."""


def _services():
    return current_app.extensions["deckchat"]


def mail_configured() -> bool:
    return "mail" in _services().notifier.channels


def _digest(code: str, email: str) -> str:
    return keyed_digest(f"{code}:{email.lower()}", current_app.config["SECRET_KEY"])


def send_code(deck: str, email: str, name: str | None) -> str:
    """Mail a fresh code to `email`; returns the token the reader sends back with it."""
    code = f"{secrets.randbelow(10**6):06d}"
    title = _services().deck_settings.get(deck).title
    try:
        _services().notifier.channels["mail"].send_to(
            (email,), f"Your code for {title}: {code}",
            f"Type this code where you asked for it to open {title}:\n\n    {code}\n\n"
            f"It works for 15 minutes. If you did not ask for it, ignore this mail.\n")
    except Exception as exc:  # noqa: BLE001 (any failure of the mail server reads the same to the reader)
        current_app.logger.warning("confirmation code for %s on %s not sent: %s", email, deck, exc)
        raise CodeNotSent from exc
    serializer = URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)
    return serializer.dumps({"d": deck, "e": email, "n": name, "h": _digest(code, email)})


def confirm_code(deck: str, token: str | None, code: str | None) -> ReaderPass | None:
    """The reader's pass when `code` is the one mailed for `token` within 15 minutes; None otherwise."""
    if not token or not code:
        return None
    try:
        data = URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT).loads(token, max_age=MAX_AGE_S)
    except BadData:
        return None
    if not isinstance(data, dict) or data.get("d") != deck or not isinstance(data.get("e"), str):
        return None
    if not hmac.compare_digest(str(data.get("h")), _digest(code.strip(), data["e"])):
        return None
    return ReaderPass(deck, "email", data["e"], data.get("n"))
