"""Admin login: one password whose hash comes from the environment, and a signed session cookie."""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable

from flask import current_app, redirect, request, session, url_for
from werkzeug.security import check_password_hash, generate_password_hash

log = logging.getLogger(__name__)

FAILED_LOGIN_DELAY_S = 1.0  # slows password guessing; one worker, so keep it short


def hash_password(password: str) -> str:
    """The value for DECKCHAT_ADMIN_PASSWORD_HASH (werkzeug's salted scrypt)."""
    return generate_password_hash(password)


def password_ok(password: str) -> bool:
    """True for the admin password; a failure waits and is logged without saying what was wrong."""
    stored = current_app.config["ADMIN_PASSWORD_HASH"]
    if stored and password and check_password_hash(stored, password):
        return True
    log.warning("admin login failed from %s%s", request.remote_addr,
                "" if stored else " (no DECKCHAT_ADMIN_PASSWORD_HASH is set)")
    time.sleep(FAILED_LOGIN_DELAY_S)
    return False


def login_required(view: Callable) -> Callable:
    """Admin pages: a visitor without the admin session goes to the login page first."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if not session.get("admin"):
            return redirect(url_for("admin.login", next=request.full_path))
        return view(*args, **kwargs)

    return wrapped
