"""Reader pages: `/` (the decks), `/widget.js`, `/embed/<deck>` (the chat in the widget's iframe) and
`/decks/<deck>` (the deck beside its chat)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request, send_file, send_from_directory

from app.security_headers import frame_ancestors
from app.widget.deck_pages import deck_documents, page_image, slide_documents
from app.widget.deck_settings import MAX_SUGGESTIONS, valid_colour
from ingest.store import is_valid_deck_name, list_decks

bp = Blueprint("widget", __name__)

MAX_OPTION_CHARS = 200  # a title, greeting or suggested question passed by the host page


def _services():
    return current_app.extensions["deckchat"]


def _known(deck: str) -> bool:
    return is_valid_deck_name(deck) and deck in list_decks(_services().index_dir)


@bp.get("/")
def decks():
    names = list_decks(_services().index_dir)
    return render_template("decks.html", decks=[(n, _services().deck_settings.get(n).title) for n in names])


@bp.get("/widget.js")
def widget_script():
    """The one-line embed: a launcher button that opens /embed/<deck> in an iframe."""
    response = send_from_directory(current_app.static_folder, "widget.js", max_age=300)
    response.headers["Access-Control-Allow-Origin"] = "*"  # a public script; lets hosts use SRI/crossorigin
    return response


def _option(name: str, default: str) -> str:
    value = (request.args.get(name) or "").strip()
    return value[:MAX_OPTION_CHARS] if value else default


@bp.get("/embed/<deck>")
def embed(deck: str):
    """The chat UI. Host-page options (data attributes) arrive as query parameters."""
    if not _known(deck):
        # Shown inside the widget, so it says what happened in words; the status is for scripts.
        frame_ancestors(())
        return render_template("embed_unknown.html", deck=deck), 404
    settings = _services().deck_settings.get(deck)
    frame_ancestors(settings.allowed_origins)
    colour = request.args.get("color", "")
    questions = [q.strip()[:MAX_OPTION_CHARS] for q in request.args.getlist("q") if q.strip()]
    config = {
        "deck": deck,
        "title": _option("title", settings.title),
        "greeting": _option("greeting", settings.greeting),
        "questions": questions[:MAX_SUGGESTIONS] or list(settings.suggested_questions),
        "handoffUrl": settings.handoff_url,
        "maxChars": current_app.config["MAX_QUESTION_CHARS"],
        "inLauncher": request.args.get("launcher") == "1",
        "inDeckPage": request.args.get("deckpage") == "1",
        "slideDocs": slide_documents(_services().index_dir, deck),
        "colour": colour if valid_colour(colour) else settings.theme_color,
    }
    return render_template("embed.html", config=config)


@bp.get("/decks/<deck>")
def deck_page(deck: str):
    if not _known(deck):
        abort(404)
    settings = _services().deck_settings.get(deck)
    frame_ancestors(settings.allowed_origins)
    return render_template("deck.html", deck=deck, title=settings.title,
                           documents=deck_documents(_services().index_dir, deck))


@bp.get("/decks/<deck>/pages/<int:file_number>/<int:page>.webp")
def deck_page_image(deck: str, file_number: int, page: int):
    path = page_image(_services().index_dir, deck, file_number, page) if _known(deck) else None
    if path is None:
        abort(404)
    return send_file(path, mimetype="image/webp", max_age=3600)
