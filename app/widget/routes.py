"""Reader pages: `/` (the decks), `/widget.js`, `/embed/<deck>` (the chat in the widget's iframe) and
`/decks/<deck>` (the deck beside its chat)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request, send_file, send_from_directory

from app.security_headers import frame_ancestors
from app.widget.deck_pages import deck_documents, page_image, slide_documents
from app.widget.deck_settings import MAX_SUGGESTIONS
from ingest.store import is_valid_deck_name, list_decks, read_manifest

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


@bp.get("/embed/<deck>")
def embed(deck: str):
    """The chat UI, framed by the widget or the deck page."""
    if not _known(deck):
        # Shown inside the widget on whatever site has the wrong data-deck, so it may be framed by
        # any: it holds nothing but the message. The status is for scripts.
        frame_ancestors(("*",))
        return render_template("embed_unknown.html", deck=deck), 404
    settings = _services().deck_settings.get(deck)
    frame_ancestors(settings.allowed_origins)
    # The host page's data-* options arrive by postMessage, accepted only from allowed_origins:
    # taken from the URL, anyone could link to this page with their own words in the deck's name.
    config = {
        "deck": deck,
        "title": settings.title,
        "greeting": settings.greeting,
        "questions": list(settings.suggested_questions),
        "handoffUrl": settings.handoff_url,
        "maxChars": current_app.config["MAX_QUESTION_CHARS"],
        "inLauncher": request.args.get("launcher") == "1",
        "allowedOrigins": list(settings.allowed_origins),
        "maxOptionChars": MAX_OPTION_CHARS,
        "maxQuestions": MAX_SUGGESTIONS,
        "slideDocs": slide_documents(_services().index_dir, deck),
        "colour": settings.theme_color,
    }
    return render_template("embed.html", config=config)


@bp.get("/decks/<deck>")
def deck_page(deck: str):
    if not _known(deck):
        abort(404)
    settings = _services().deck_settings.get(deck)
    frame_ancestors(settings.allowed_origins)
    # Image URLs carry the build: a re-ingest may number files differently, and browsers cache them.
    build = (read_manifest(_services().index_dir, deck) or {}).get("build_id", "")
    return render_template("deck.html", deck=deck, title=settings.title, build=build,
                           documents=deck_documents(_services().index_dir, deck))


@bp.get("/decks/<deck>/pages/<int:file_number>/<int:page>.webp")
def deck_page_image(deck: str, file_number: int, page: int):
    path = page_image(_services().index_dir, deck, file_number, page) if _known(deck) else None
    if path is None:
        abort(404)
    return send_file(path, mimetype="image/webp", max_age=3600)
