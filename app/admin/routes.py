"""Admin pages: login, logout, the sessions list and a session's transcript."""

from __future__ import annotations

import math
from urllib.parse import urlsplit

from flask import (Blueprint, Response, abort, current_app, redirect, render_template, request, session,
                   stream_with_context, url_for)

from app.admin.auth import login_required, password_ok
from app.admin.filters import EXPORT_FORMATS, BadFilter, export_lines, session_filter
from app.conversation_log import OUTCOMES, SessionFilter

bp = Blueprint("admin", __name__, url_prefix="/admin")
PER_PAGE = 50


def _log():
    return current_app.extensions["deckchat"].log


def _safe_next(target: str | None) -> str:
    """Only a path on this site: a login link cannot send the owner elsewhere."""
    parts = urlsplit(target or "")
    if target and not parts.scheme and not parts.netloc and target.startswith("/"):
        return target
    return url_for("admin.sessions")


@bp.route("/login", methods=["GET", "POST"])
def login():
    failed = False
    if request.method == "POST":
        if password_ok(request.form.get("password", "")):
            session.clear()
            session["admin"] = True
            return redirect(_safe_next(request.args.get("next")))
        failed = True
    return render_template("admin/login.html", failed=failed), 401 if failed else 200


@bp.post("/logout")
def logout():
    session.clear()
    return redirect(url_for("admin.login"))


def _filter() -> SessionFilter:
    try:
        return session_filter(request.args)
    except BadFilter as exc:
        abort(400, str(exc))


@bp.get("/")
@login_required
def sessions():
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    rows, total = _log().list_sessions(page, PER_PAGE, _filter())
    # The filter's own fields, for the form and the paging and export links.
    args = {k: v for k, v in request.args.items() if k in ("deck", "from", "to", "outcome", "q") and v}
    return render_template("admin/sessions.html", rows=rows, total=total, page=page, args=args,
                           outcomes=OUTCOMES, pages=max(1, math.ceil(total / PER_PAGE)))


@bp.get("/export.<fmt>")
@login_required
def export(fmt: str):
    """The filtered sessions' turns as a download (CSV or JSON Lines)."""
    if fmt not in EXPORT_FORMATS:
        abort(404)
    lines = export_lines(_log().export_rows(_filter()), fmt)
    mimetype = "text/csv" if fmt == "csv" else "application/x-ndjson"
    return Response(stream_with_context(lines), mimetype=mimetype,
                    headers={"Content-Disposition": f"attachment; filename=deckchat-turns.{fmt}"})


@bp.get("/sessions/<session_id>")
@login_required
def transcript(session_id: str):
    chat = _log().transcript(session_id)
    if chat is None:
        abort(404)
    return render_template("admin/transcript.html", chat=chat)
