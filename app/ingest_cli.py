"""`flask ingest`: (re)index every deck under the content folder, or one folder as a named deck.

The ingest machinery (ingest/) never imports the app; this command wires it to the app's settings,
its embedder and the re-index gate (app/eval/gate.py), and imports it only when it runs, so that
`flask --help` does not load the document parsers.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click
from flask import current_app
from flask.cli import with_appcontext

from ingest.content import deck_folders
from ingest.embedding import embedder_id
from ingest.freshness import build_settings, chunking_settings, file_hashes, unchanged
from ingest.report import DeckReport
from ingest.store import is_valid_deck_name

if TYPE_CHECKING:
    from ingest.embedding import Embedder
    from ingest.file_check import IngestLimits
    from ingest.pipeline import DeckIngester, Progress


def ingest_limits(config: dict) -> IngestLimits:
    """The per-file limits in force (DECKCHAT_MAX_FILE_MB, DECKCHAT_FILE_TIMEOUT_S)."""
    from ingest.file_check import IngestLimits

    return IngestLimits(config["MAX_FILE_MB"], config["FILE_TIMEOUT_S"])


def ingest_embedder(config: dict, app_services) -> Embedder | None:
    """The app's own embedder when documents are embedded as questions are (float32); None otherwise,
    and make_ingester loads one in the ingest precision (bfloat16 where the CPU has it: twice as fast)."""
    from ingest.embedding import resolve_precision

    if app_services is None or resolve_precision(config["EMBED_PRECISION"]) != "float32":
        return None
    return app_services.embedder


def make_ingester(config: dict, embedder: Embedder | None = None, force: bool = False,
                  on_progress: Progress | None = None) -> DeckIngester:
    """An ingester wired from the app's settings (reusing the app's embedder when it has one)."""
    from app.eval.gate import RetrievalGate
    from ingest.chunking import PageChunker
    from ingest.embedding import SentenceTransformerEmbedder
    from ingest.pipeline import DeckIngester

    embedder = embedder or SentenceTransformerEmbedder(config["EMBEDDER_PATH"] or None, config["EMBED_PRECISION"])
    chunker = PageChunker(embedder.token_ids, config["CHUNK_TOKENS"], config["CHUNK_OVERLAP"])
    limits = ingest_limits(config)
    gate = RetrievalGate(embedder, config["TOP_K"], config["GATE_MARGIN"], config["HYBRID"], force)
    return DeckIngester(Path(config["INDEX_DIR"]), embedder, chunker, limits=limits, gate=gate,
                        on_progress=on_progress, progress=False if on_progress else None)


def _targets(content_dir: Path, deck: str | None, source: str | None) -> list[tuple[str, Path]]:
    if source:
        folder = Path(source)
        name = deck or folder.resolve().name
        return [(name, folder)]
    if deck:
        return [(deck, content_dir / deck)]
    if not content_dir.is_dir():
        raise click.ClickException(f"content folder {content_dir} does not exist; set DECKCHAT_CONTENT_DIR")
    return [(p.name, p) for p in deck_folders(content_dir)]


def _print_report(report: DeckReport) -> None:
    if report.status == "unchanged":
        click.echo(f"{report.deck}: unchanged ({report.chunk_count} chunks), nothing to do")
    elif report.status == "failed":
        click.echo(f"{report.deck}: FAILED: {report.error}", err=True)
    elif report.status == "rejected":
        click.echo(f"{report.deck}: NOT SWAPPED IN: {report.error}", err=True)
    else:
        reused = sum(1 for f in report.files if f.reused and not f.skipped)
        click.echo(f"{report.deck}: built {report.chunk_count} chunks in {report.seconds:.1f} s"
                   + (f" ({reused} unchanged file(s) reused)" if reused else ""))
    if report.message:
        click.echo(f"  {report.message}")
    if report.gate and report.status != "rejected":
        click.echo(f"  gate (qa.jsonl): {report.gate['summary']}")
    for f in report.files:
        if f.skipped:
            click.echo(f"  SKIPPED {f.name}: {f.skipped}", err=True)
        else:
            state = "unchanged" if f.reused else f"{f.seconds:.2f} s"
            click.echo(f"  {f.name}: {f.pages} pages, {f.chunks} chunks, {state}")
        for note in f.notes:
            click.echo(f"    note: {note}")


@click.command("ingest")
@click.option("--deck", help="Deck name (default: every folder under the content folder).")
@click.option("--source", type=click.Path(exists=True, file_okay=False), help="Folder to index as --deck.")
@click.option("--rebuild", is_flag=True, help="Re-read and re-embed everything.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--force", is_flag=True, help="Swap the new index in even if the deck's qa.jsonl finds it worse.")
@with_appcontext
def ingest_command(deck: str | None, source: str | None, rebuild: bool, as_json: bool, force: bool) -> None:
    """Index deck folders into the FAISS index store; exits non-zero if any file was skipped."""
    if deck and not is_valid_deck_name(deck):
        raise click.BadParameter("use letters, digits, '-' and '_' only", param_hint="--deck")
    targets = _targets(Path(current_app.config["CONTENT_DIR"]), deck, source)
    if not targets:
        raise click.ClickException("no deck folders found; put documents in content/<deck>/")
    for name, folder in targets:
        if not folder.is_dir():
            raise click.ClickException(f"no folder {folder} for deck {name!r}; use --source DIR")
    config = current_app.config
    # Decks whose build is current are told apart from the manifest and the files' hashes alone: with
    # nothing changed (a second `make run`), no embedder, parser or migration is loaded.
    settings = build_settings(embedder_id(config["EMBEDDER_PATH"] or None),
                              chunking_settings(config["CHUNK_TOKENS"], config["CHUNK_OVERLAP"]))
    reports: list[DeckReport | None] = [
        None if rebuild else unchanged(Path(config["INDEX_DIR"]), name, file_hashes(folder), settings)
        for name, folder in targets]
    if any(report is None for report in reports):
        app_services = current_app.extensions.get("deckchat")
        if app_services is not None:
            app_services.log  # noqa: B018 (opening the log migrates its schema: a deploy that ingests is migrated)
        ingester = make_ingester(config, ingest_embedder(config, app_services), force=force)
        reports = [report or ingester.ingest(name, folder, rebuild=rebuild)
                   for report, (name, folder) in zip(reports, targets, strict=True)]
    if as_json:
        click.echo(json.dumps([r.to_dict() for r in reports], indent=2))
    else:
        for report in reports:
            _print_report(report)
    if not all(r.ok for r in reports):
        raise SystemExit(1)

