"""The founder's console per deck: the decks to choose from, a deck's dashboard (readers, visits,
questions and outcomes over time, slides), a reader's page, CSV downloads and personal links."""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for

from app.admin.auth import login_required
from app.admin.charts import stacked_bars
from app.admin.local_time import founder_zone, local_time
from app.conversation_log.deck_stats import OUTCOMES, visits
from app.email_address import clean_email, clean_name
from app.reader_access.gate import link_address
from app.widget.deck_pages import deck_documents
from ingest.store import list_decks, read_manifest

bp = Blueprint("admin_decks", __name__, url_prefix="/admin/decks")
PERIODS = (7, 30, 90)
OUTCOME_COLOURS = {"answered": "#2f7d5b", "refused": "#c9822b", "handed off": "#7b4bb3", "failed": "#b03a3a"}


def _services():
    return current_app.extensions["deckchat"]


def _deck(deck: str) -> str:
    if deck not in list_decks(_services().index_dir):
        abort(404)
    return deck


def _period() -> int:
    days = request.args.get("days", 30, type=int)
    return days if days in PERIODS else 30


@bp.get("/")
@login_required
def deck_list():
    decks = []
    for name in list_decks(_services().index_dir):
        settings = _services().deck_settings.get(name)
        manifest = read_manifest(_services().index_dir, name) or {}
        activity = _services().log.deck_activity(name, founder_zone(), 7)
        decks.append({"name": name, "title": settings.title, "access": settings.access,
                      "built_at": manifest.get("built_at"), "readers": len(activity.readers),
                      "visits_week": sum(v for _, v, _ in activity.days), "questions": activity.questions})
    indexed = {d["name"] for d in decks}
    not_indexed = [{"name": name, "title": _services().deck_settings.get(name).title}
                   for name in _services().deck_folder.decks() if name not in indexed]
    return render_template("admin/decks.html", decks=decks, not_indexed=not_indexed)


def _slide_rows(deck: str, activity) -> list[dict]:
    """Every page of the deck's build in reading order, with what readers did on it."""
    build = (read_manifest(_services().index_dir, deck) or {}).get("build_id", "")
    rows = []
    for _name, pages in deck_documents(_services().index_dir, deck):
        for page in pages:
            stats = activity.slides.get((page.doc, page.page))
            rows.append({"doc": page.doc, "page": page.page, "label": page.label, "has_image": page.has_image,
                         "file_number": page.file_number, "build": build, "title": page.title,
                         "views": stats.views if stats else 0,
                         "median_seconds": stats.median_seconds if stats else None,
                         "cited_by": stats.cited_by if stats else 0,
                         "refused_near": stats.refused_near if stats else []})
    return rows


@bp.get("/<deck>")
@login_required
def dashboard(deck: str):
    days = _period()
    activity = _services().log.deck_activity(_deck(deck), founder_zone(), days)
    dates = [day for day, _, _ in activity.days]
    visits_chart = stacked_bars(f"Visits per day, last {days} days", dates,
                                [("visits", "#1f5f8b", [v for _, v, _ in activity.days])])
    questions_chart = stacked_bars(f"Questions per day by outcome, last {days} days", dates,
                                   [(name, OUTCOME_COLOURS[name], [o[name] for _, _, o in activity.days])
                                    for name in OUTCOMES])
    settings = _services().deck_settings.get(deck)
    links = [(link, link_address(link.id, deck)) for link in _services().reader_links.list(deck)]
    return render_template("admin/deck.html", deck=deck, settings=settings, activity=activity, days=days,
                           periods=PERIODS, visits_chart=visits_chart, questions_chart=questions_chart,
                           slides=_slide_rows(deck, activity), links=links, outcomes=OUTCOMES,
                           managed=_services().deck_folder.exists(deck))


@bp.get("/<deck>/readers/<path:key>")
@login_required
def reader(deck: str, key: str):
    chats = _services().log.deck_sessions(_deck(deck), reader=key)
    if not chats:
        abort(404)
    labels = {(p.doc, p.page): p.label for _, pages in deck_documents(_services().index_dir, deck) for p in pages}
    handed_off = _services().log.handed_off_turns([c.id for c in chats])
    return render_template("admin/reader.html", deck=deck, key=key, chats=chats, labels=labels,
                           handed_off=handed_off, visits=visits)


def _csv(rows: list[list], name: str) -> Response:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename={name}.csv"})


@bp.get("/<deck>/<table>.csv")
@login_required
def download(deck: str, table: str):
    """The dashboard's numbers: `days`, `slides` or `readers`."""
    activity = _services().log.deck_activity(_deck(deck), founder_zone(), _period())
    if table == "days":
        return _csv([["day", "visits", *OUTCOMES]] + [[day.isoformat(), v, *(o[n] for n in OUTCOMES)]
                                                       for day, v, o in activity.days], f"{deck}-days")
    if table == "slides":
        return _csv([["document", "page", "label", "views", "median_seconds", "cited_by_answers", "refused_nearby"]]
                    + [[r["doc"], r["page"], r["label"], r["views"], r["median_seconds"], r["cited_by"],
                        len(r["refused_near"])] for r in _slide_rows(deck, activity)], f"{deck}-slides")
    if table == "readers":
        return _csv([["reader", "name", "access", "visits", "first_seen", "last_seen", "slides_seen",
                      "seconds_on_slides", "questions", *OUTCOMES]]
                    + [[r.email or "anonymous " + r.key[:8], r.name or "", r.access, r.visits,
                        local_time(r.first_seen), local_time(r.last_seen), r.slides_seen, round(r.seconds, 1),
                        r.questions, *(r.outcomes[n] for n in OUTCOMES)] for r in activity.readers],
                    f"{deck}-readers")
    abort(404)


@bp.post("/<deck>/links")
@login_required
def create_link(deck: str):
    email = clean_email(request.form.get("email"))
    if email is None:
        abort(400, "give the reader's e-mail address")
    days = request.form.get("days", type=float) or current_app.config["LINK_DAYS"]
    if not 0 < days <= 3650:
        abort(400, "a link lasts between a day's fraction and ten years")
    name = clean_name(request.form.get("name"))
    _services().reader_links.create(_deck(deck), email, name, days)
    return redirect(url_for("admin_decks.dashboard", deck=deck) + "#links")


@bp.post("/<deck>/links/<int:link_id>/revoke")
@login_required
def revoke_link(deck: str, link_id: int):
    if _services().reader_links.revoke(link_id, _deck(deck)) is None:
        abort(404)
    return redirect(url_for("admin_decks.dashboard", deck=deck) + "#links")
