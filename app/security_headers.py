"""Headers on every response: a Content Security Policy and the usual browser hardening.

Pages load scripts and styles from this app only (no inline script or style anywhere), so injected
markup could not run even if escaping failed. Framing is refused except for the chat and deck pages,
whose views name the sites allowed to frame them (`frame_ancestors`).
"""

from __future__ import annotations

from flask import Flask, Response, g

_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
}


def frame_ancestors(origins: tuple[str, ...]) -> None:
    """Let this response be framed by this app's pages and these origins (validated by deck_settings)."""
    g.frame_ancestors = " ".join(("'self'", *origins))


def _add_headers(response: Response) -> Response:
    ancestors = g.get("frame_ancestors")
    policy = {**_POLICY, "frame-ancestors": ancestors or "'none'"}
    response.headers.setdefault("Content-Security-Policy", "; ".join(f"{k} {v}" for k, v in policy.items()))
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    if not ancestors:  # for browsers without CSP frame-ancestors
        response.headers.setdefault("X-Frame-Options", "DENY")
    return response


def register_security_headers(app: Flask) -> None:
    app.after_request(_add_headers)
