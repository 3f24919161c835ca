"""Reader pages: `/` (the decks), `/widget.js`, `/embed/<deck>` (the chat in the widget's iframe) and
`/decks/<deck>` (the deck beside its chat)."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    send_from_directory,
    session,
    url_for,
)
from sqlalchemy.exc import SQLAlchemyError

from app.email_address import clean_email, clean_name
from app.errors import ApiError
from app.reader_access.confirm import CodeNotSent, confirm_code, mail_configured, send_code
from app.reader_access.gate import (
    access_mode,
    current_reader,
    give_pass,
    pass_token,
    reader_from_link,
    reader_key,
    require_reader,
)
from app.reader_access.passes import ReaderPass
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
    """The public decks; e-mail-gated and link-only ones are reached by their own address or link."""
    settings = _services().deck_settings
    names = [n for n in list_decks(_services().index_dir) if settings.get(n).access == "public"]
    return render_template("decks.html", decks=[(n, settings.get(n).title) for n in names])


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for it on every site; the SVG serves (every page also names it)."""
    return send_from_directory(current_app.static_folder, "favicon.svg", mimetype="image/svg+xml", max_age=86400)


@bp.get("/widget.js")
def widget_script():
    """The one-line embed: a launcher button that opens /embed/<deck> in an iframe."""
    response = send_from_directory(current_app.static_folder, "widget.js", max_age=300)
    response.headers["Access-Control-Allow-Origin"] = "*"  # a public script; lets hosts use SRI/crossorigin
    return response


@bp.get("/widget/check/<deck>")
def widget_check(deck: str):
    """May the calling site show this deck's widget? Asked by widget.js before it opens the chat, so a
    site that may not gets a short message instead of a frame the browser refuses (and an error in its
    console). Answers any site (it says nothing a refusal would not); a refused one is noted for the owner."""
    origin = (request.headers.get("Origin") or "").rstrip("/").lower()
    own = request.host_url.rstrip("/").lower()
    if not _known(deck):
        allowed, message = False, "This chat is not available: there is no such deck here."
    elif not origin or origin == own or origin in _services().deck_settings.get(deck).allowed_origins:
        allowed, message = True, ""
    else:
        allowed, message = False, "This chat is not available on this site."
        try:
            _services().rate_limits.other(request.remote_addr or "")
            _services().refused_origins.note(deck, origin[:300])
        except (ApiError, SQLAlchemyError):  # over the limit, or the log away: the answer stays the same
            pass
    response = jsonify(allowed=allowed, message=message)
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/embed/<deck>")
def embed(deck: str):
    """The chat UI, framed by the widget or the deck page."""
    mode = access_mode(deck) if _known(deck) else None
    reader = (current_reader(deck) or reader_from_link(deck, request.args.get("t"))) if mode else None
    if mode is None or (mode == "link" and reader is None):
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
        # On a host site the pass cannot ride in a cookie (a third party's): the chat sends it itself.
        "pass": pass_token(reader) if reader else None,
        "readerKey": reader_key(reader),
        "gate": "email" if mode == "email" and reader is None else None,
    }
    return render_template("embed.html", config=config)


@bp.get("/decks/<deck>")
def deck_page(deck: str):
    if not _known(deck):
        abort(404)
    mode = access_mode(deck)
    if mode == "link" and "t" in request.args:
        reader = reader_from_link(deck, request.args["t"])
        if reader is None:
            abort(404)  # forged, revoked or expired: the same answer as an unknown deck
        # The token leaves the address bar (and any Referer); the cookie carries the pass from here.
        return _open_deck(reader)
    reader = current_reader(deck)
    if mode != "public" and reader is None:
        if mode == "link":
            abort(404)
        return _gate(deck)
    settings = _services().deck_settings.get(deck)
    frame_ancestors(settings.allowed_origins)
    # Image URLs carry the build: a re-ingest may number files differently, and browsers cache them.
    build = (read_manifest(_services().index_dir, deck) or {}).get("build_id", "")
    return render_template("deck.html", deck=deck, title=settings.title, build=build,
                           reader_key=reader_key(reader),
                           documents=deck_documents(_services().index_dir, deck))


def _gate(deck: str, status: int = 200, **step):
    return render_template("deck_gate.html", deck=deck, title=_services().deck_settings.get(deck).title,
                           **{"failed": False, "token": None, "email": None} | step), status


def _open_deck(reader: ReaderPass):
    response = redirect(url_for("widget.deck_page", deck=reader.deck))
    give_pass(response, reader)
    return response


@bp.post("/decks/<deck>/access")
def give_email(deck: str):
    """The e-mail gate's form: the reader's address (and name) for a pass to the deck, or, when mail is
    set up, for a code sent to that address first."""
    if not _known(deck) or access_mode(deck) != "email":
        abort(404)
    _services().rate_limits.other(request.remote_addr or "")
    email = clean_email(request.form.get("email"))
    if email is None:
        return _gate(deck, 400, failed=True)
    name = clean_name(request.form.get("name"))
    if not mail_configured():
        return _open_deck(ReaderPass(deck, "email", email, name))
    try:
        token = send_code(deck, email, name)
    except CodeNotSent:
        return _gate(deck, 503, failed=True, problem="The code could not be sent just now; try again in a minute.")
    return _gate(deck, token=token, email=email)


@bp.post("/decks/<deck>/access/confirm")
def confirm_email(deck: str):
    """The code the reader received, for their pass."""
    if not _known(deck) or access_mode(deck) != "email":
        abort(404)
    _services().rate_limits.other(request.remote_addr or "")
    reader = confirm_code(deck, request.form.get("token"), request.form.get("code"))
    if reader is None:
        return _gate(deck, 400, failed=True, token=request.form.get("token"), email=request.form.get("email"))
    return _open_deck(reader)


@bp.get("/decks/<deck>/pages/<int:file_number>/<int:page>.webp")
def deck_page_image(deck: str, file_number: int, page: int):
    if not _known(deck):
        abort(404)
    try:
        if not session.get("admin"):  # the owner sees every deck's pages (the dashboard's thumbnails)
            require_reader(deck)
    except ApiError:
        abort(404)
    path = page_image(_services().index_dir, deck, file_number, page)
    if path is None:
        abort(404)
    response = send_file(path, mimetype="image/webp", max_age=3600)
    if access_mode(deck) != "public":
        response.cache_control.private = True  # a shared cache must not hand a private deck's pages on
    return response
