"""Admin pages: login, logout, the sessions list, a session's transcript and the unanswered questions."""

from __future__ import annotations

import math
from urllib.parse import urlsplit

from flask import (Blueprint, Response, abort, current_app, redirect, render_template, request, session,
                   stream_with_context, url_for)

from app.admin.auth import login_required, password_ok
from app.admin.filters import EXPORT_FORMATS, BadFilter, export_lines, session_filter
from app.admin.question_groups import MAX_QUESTIONS, group_questions
from app.conversation_log import OUTCOMES, SessionFilter
from app.errors import RateLimited
from app.models import HANDOFF_STATES
from app.widget.deck_pages import slide_documents
from ingest.store import list_decks

bp = Blueprint("admin", __name__, url_prefix="/admin")
PER_PAGE = 50
MAX_HANDOFFS = 500  # newest first; the page says when there are more
SESSION_FILTER_ARGS = ("deck", "from", "to", "outcome", "q")
QUESTION_FILTER_ARGS = ("deck", "from", "to")  # the outcomes are the view's own; no text search


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
        try:
            current_app.extensions["deckchat"].rate_limits.login(request.remote_addr or "")
        except RateLimited as exc:  # checked before the password: a guess over the limit is not even tried
            return (render_template("admin/login.html", failed=True, message=f"Too many attempts: {exc.message}."),
                    429, {"Retry-After": str(exc.retry_after)})
        if password_ok(request.form.get("password", "")):
            session.clear()
            session["admin"] = True
            session["admin_name"] = " ".join(request.form.get("admin_name", "").split())[:80]
            return redirect(_safe_next(request.args.get("next")))
        failed = True
    return render_template("admin/login.html", failed=failed), 401 if failed else 200


@bp.post("/logout")
def logout():
    session.clear()
    return redirect(url_for("admin.login"))


def _filter_args(names: tuple[str, ...]) -> dict[str, str]:
    """The filter's own query arguments, for the form and the links that keep the filter."""
    return {k: v for k, v in request.args.items() if k in names and v}


def _filter(names: tuple[str, ...] = SESSION_FILTER_ARGS) -> SessionFilter:
    try:
        return session_filter(_filter_args(names))
    except BadFilter as exc:
        abort(400, str(exc))


def _newest(rows: list, limit: int) -> tuple[list, bool]:
    """The first `limit` of rows fetched with one extra, and whether that extra one was there."""
    return rows[:limit], len(rows) > limit


@bp.get("/")
@login_required
def sessions():
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    rows, total = _log().list_sessions(page, PER_PAGE, _filter())
    args = _filter_args(SESSION_FILTER_ARGS)
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
    services = current_app.extensions["deckchat"]
    slides = slide_documents(services.index_dir, chat.deck) if chat.deck in list_decks(services.index_dir) else []
    return render_template("admin/transcript.html", chat=chat, slide_docs=slides)


@bp.post("/handoffs/<int:handoff_id>/state")
@login_required
def handoff_state(handoff_id: int):
    """Mark a hand-off request open, replied or closed."""
    state = request.form.get("state")
    if state not in HANDOFF_STATES:
        abort(400, f"a hand-off is {', '.join(HANDOFF_STATES)}")
    if not _log().set_handoff_state(handoff_id, state):
        abort(404)
    return redirect(url_for("admin.questions") + "#handoffs")


@bp.get("/notifications")
@login_required
def notifications():
    """What the founders were told, what waits for a retry (with why) and what was given up."""
    notifier = current_app.extensions["deckchat"].notifier
    return render_template("admin/notifications.html", rows=notifier.outbox.recent(100),
                           channels=list(notifier.channels))


@bp.context_processor
def _deck_choices() -> dict:
    """The decks the filters offer (the indexed ones), and a hand-off's states."""
    services = current_app.extensions["deckchat"]
    return {"deck_choices": list_decks(services.index_dir), "handoff_states": HANDOFF_STATES}


@bp.get("/questions")
@login_required
def questions():
    """Unanswered questions grouped by meaning, and the questions readers left for the founders."""
    where = _filter(QUESTION_FILTER_ARGS)
    unanswered, questions_capped = _newest(_log().unanswered_questions(MAX_QUESTIONS + 1, where), MAX_QUESTIONS)
    vectors = current_app.extensions["deckchat"].embedder.embed([q.question for q in unanswered])
    handoffs, handoffs_capped = _newest(_log().handoffs(MAX_HANDOFFS + 1, where), MAX_HANDOFFS)
    return render_template("admin/questions.html", groups=group_questions(unanswered, vectors),
                           questions=len(unanswered), questions_capped=questions_capped, handoffs=handoffs,
                           handoffs_capped=handoffs_capped, args=_filter_args(QUESTION_FILTER_ARGS))
