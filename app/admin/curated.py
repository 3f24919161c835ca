"""The founders' curated answers in the admin: written from an unanswered question (a group's every
wording kept as a variant) or a transcript's turn, listed, edited and removed per deck."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for

from app.admin.auth import login_required
from ingest.store import is_valid_deck_name

bp = Blueprint("admin_answers", __name__, url_prefix="/admin/answers")


def _store():
    return current_app.extensions["deckchat"].curated_answers


@bp.post("/")
@login_required
def add():
    deck, question = request.form.get("deck", ""), request.form.get("question", "")
    answer = request.form.get("answer", "")
    if not is_valid_deck_name(deck) or not question.strip() or not answer.strip():
        abort(400, "a curated answer needs its deck, the question and your answer")
    _store().add(deck, question, answer, request.form.getlist("variant"))
    return redirect(url_for("admin_answers.deck_answers", deck=deck))


@bp.get("/<deck>")
@login_required
def deck_answers(deck: str):
    if not is_valid_deck_name(deck):
        abort(404)
    return render_template("admin/answers.html", deck=deck, answers=_store().list(deck))


@bp.post("/<deck>/<int:curated_id>")
@login_required
def edit(deck: str, curated_id: int):
    curated = _store().get(curated_id)
    if curated is None or curated.deck != deck:
        abort(404)
    if request.form.get("action") == "remove":
        _store().remove(deck, curated_id)
    else:
        _store().update(curated_id, answer=request.form.get("answer"), question=request.form.get("question"))
    return redirect(url_for("admin_answers.deck_answers", deck=deck))
