"""A deck's widget in the admin: the one line to paste, the sites allowed, a live preview, a check of
a given site, and the sites that were refused."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, render_template, request

from app.admin.auth import login_required
from ingest.store import list_decks

bp = Blueprint("admin_widget", __name__, url_prefix="/admin/widget")


def _origin_of(site: str) -> str | None:
    """The origin of what the owner typed (a page address or an origin); None when it is neither."""
    parts = urlsplit(site.strip() if "://" in site else "https://" + site.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


@bp.get("/<deck>")
@login_required
def widget(deck: str):
    services = current_app.extensions["deckchat"]
    if deck not in list_decks(services.index_dir):
        abort(404)
    settings = services.deck_settings.get(deck)
    base = (current_app.config["PUBLIC_URL"] or request.host_url).rstrip("/")
    site = request.args.get("site", "")
    checked = None
    if site:
        origin = _origin_of(site)
        checked = {"site": site, "origin": origin,
                   "allowed": origin is not None and origin in settings.allowed_origins}
    return render_template("admin/widget.html", deck=deck, settings=settings, checked=checked,
                           snippet=f'<script src="{base}/widget.js" data-deck="{deck}" async></script>',
                           refused=services.refused_origins.list(deck),
                           every_deck=services.deck_settings.every_deck_origins)
