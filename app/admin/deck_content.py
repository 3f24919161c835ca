"""A deck's content in the admin: create a deck, upload, replace and delete its files, edit its deck.toml
in a form, and re-index it in the background (progress on the page, the gate's report at the end).
Every change is recorded with who made it."""

from __future__ import annotations

from datetime import datetime

from flask import (Blueprint, Flask, abort, current_app, flash, jsonify, redirect, render_template, request, session,
                   url_for)

from app.admin.auth import login_required
from app.deck_content.folder import ContentError
from app.deck_content.settings_file import form_values, write_settings
from app.widget.deck_settings import ACCESS_MODES
from ingest.content import DECK_SETTINGS
from ingest.store import read_manifest

bp = Blueprint("admin_content", __name__, url_prefix="/admin/decks")
MAX_FILES_PER_UPLOAD = 10


def _services():
    return current_app.extensions["deckchat"]


def _who() -> str:
    """The owner as the change record names them: the name given at login, and the address."""
    return f"{session.get('admin_name') or 'admin'} from {request.remote_addr or 'unknown address'}"


def _folder_deck(deck: str) -> str:
    if not _services().deck_folder.exists(deck):
        abort(404)
    return deck


def allow_uploads(app: Flask) -> None:
    """Room in the request for a logged-in owner's documents (the API keeps its small limit). Registered
    before the CSRF check, which reads the form and would refuse the body at the general limit."""
    @app.before_request
    def _room_for_documents():
        if request.endpoint == "admin_content.upload" and session.get("admin"):
            request.max_content_length = int(app.config["MAX_FILE_MB"] * 1e6 * MAX_FILES_PER_UPLOAD) + 1_000_000


def _page(deck: str, settings_form: dict | None = None, problems: list[str] | None = None, status: int = 200):
    services = _services()
    manifest = read_manifest(services.index_dir, deck) or {}
    indexed = {f["name"]: f for f in manifest.get("files", [])}
    skipped = {f["name"]: f["reason"] for f in manifest.get("skipped", [])}
    own = services.deck_settings.own(deck)
    return render_template(
        "admin/deck_content.html", deck=deck, settings=own, files=services.deck_folder.files(deck),
        indexed=indexed, skipped=skipped,
        built_at=datetime.fromisoformat(manifest["built_at"]) if manifest.get("built_at") else None,
        form=settings_form or form_values(own), problems=problems or [], settings_problems=own.problems,
        access_modes=ACCESS_MODES, job=services.reindexer.status(deck),
        changes=services.deck_changes.list(deck), max_file_mb=current_app.config["MAX_FILE_MB"]), status


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new_deck():
    if request.method == "GET":
        return render_template("admin/deck_new.html", error=None, name="", title="")
    name, title = request.form.get("name", "").strip(), " ".join(request.form.get("title", "").split())
    try:
        _services().deck_folder.create(name, title)
    except ContentError as exc:
        return render_template("admin/deck_new.html", error=str(exc), name=name, title=title), 400
    _services().deck_changes.record(name, _who(), "created", f"deck created, titled {title or name!r}")
    flash("Deck created. Upload its documents below.", "ok")
    return redirect(url_for("admin_content.content", deck=name))


@bp.get("/<deck>/content")
@login_required
def content(deck: str):
    return _page(_folder_deck(deck))


@bp.post("/<deck>/files")
@login_required
def upload(deck: str):
    services, deck = _services(), _folder_deck(deck)
    uploads = [f for f in request.files.getlist("documents") if f.filename]
    if not uploads:
        flash("Choose one or more files first.", "error")
    added_any = False
    try:
        for upload in uploads[:MAX_FILES_PER_UPLOAD]:
            try:
                added = services.deck_folder.add(deck, upload)
            except ContentError as exc:
                flash(f"Not added: {exc}.", "error")
                continue
            added_any = True
            action = "replaced" if added.replaced else "uploaded"
            services.deck_changes.record(deck, _who(), action, f"{added.name} ({added.pages} pages)")
            flash(f"{added.name} {action} ({added.pages} pages); re-indexing.", "ok")
    finally:  # whatever went wrong after a file was let in, the index catches up with the folder
        if added_any:
            services.reindexer.start(deck, _who())
    if len(uploads) > MAX_FILES_PER_UPLOAD:
        flash(f"Only the first {MAX_FILES_PER_UPLOAD} files were taken; upload the rest again.", "error")
    return redirect(url_for("admin_content.content", deck=deck))


@bp.post("/<deck>/files/delete")
@login_required
def delete(deck: str):
    name = request.form.get("name", "")
    try:
        _services().deck_folder.delete(_folder_deck(deck), name)
    except ContentError as exc:
        flash(f"Not deleted: {exc}.", "error")
        return redirect(url_for("admin_content.content", deck=deck))
    _services().deck_changes.record(deck, _who(), "deleted", name)
    # Past the gate: the deck's questions may ask about what the owner just removed, and a rejected
    # build would keep serving it.
    _services().reindexer.start(deck, _who(), force=True)
    flash(f"{name} deleted; re-indexing (readers are answered from it until the new index is in).", "ok")
    return redirect(url_for("admin_content.content", deck=deck))


@bp.post("/<deck>/settings")
@login_required
def settings(deck: str):
    services = _services()
    before = form_values(services.deck_settings.own(_folder_deck(deck)))
    submitted = {key: request.form.get(key, "") for key in before}
    try:
        problems = write_settings(services.deck_folder.path(deck) / DECK_SETTINGS, deck, submitted)
    except OSError as exc:
        problems = [f"deck.toml could not be written ({exc.strerror or exc}); check the rights on its folder"]
    if problems:
        return _page(deck, submitted, problems, 400)
    after = form_values(services.deck_settings.own(deck))
    changed = [f"{key}: {before[key]!r} -> {after[key]!r}" for key in before if before[key] != after[key]]
    if changed:
        services.deck_changes.record(deck, _who(), "settings", "; ".join(changed))
    flash("Settings saved; readers see them on their next page." if changed else "Nothing changed.", "ok")
    return redirect(url_for("admin_content.content", deck=deck))


@bp.post("/<deck>/reindex")
@login_required
def reindex(deck: str):
    _services().reindexer.start(_folder_deck(deck), _who(), force=request.form.get("force") == "1")
    return redirect(url_for("admin_content.content", deck=deck))


@bp.get("/<deck>/reindex")
@login_required
def reindex_status(deck: str):
    job = _services().reindexer.status(_folder_deck(deck))
    return jsonify(job.to_dict() if job else {"state": None})
