"""`flask answers add | list | remove | import | export`: the founders' curated answers (DESIGN.md section 4)."""

from __future__ import annotations


import click
from flask import current_app
from flask.cli import AppGroup

from ingest.store import is_valid_deck_name

answers_cli = AppGroup("answers", help="The founders' own answers to questions the documents do not answer.")


def _store():
    return current_app.extensions["deckchat"].curated_answers


def _deck(deck: str) -> str:
    if not is_valid_deck_name(deck):
        raise click.ClickException(f"{deck!r} is not a deck name (letters, digits, '-' and '_')")
    return deck


@answers_cli.command("add")
@click.option("--deck", required=True)
@click.option("--question", required=True, help="The question, as readers ask it.")
@click.option("--answer", required=True, help="The founders' answer, shown to readers with its date.")
@click.option("--variant", "variants", multiple=True, help="Another wording of the question (repeatable).")
def add(deck: str, question: str, answer: str, variants: tuple[str, ...]) -> None:
    """Answer a question once: readers who ask the same get this answer, labelled as the founders'."""
    try:
        curated = _store().add(_deck(deck), question, answer, list(variants))
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{curated.id}\t{curated.question}")


@answers_cli.command("list")
@click.option("--deck", required=True)
def list_answers(deck: str) -> None:
    """Every curated answer of DECK: id, date, question and answer."""
    for c in _store().list(_deck(deck)):
        click.echo(f"{c.id}\t{c.updated_at:%Y-%m-%d}\t{c.question}\t{c.answer}"
                   + (f"\t(also: {' | '.join(c.variants)})" if c.variants else ""))


@answers_cli.command("remove")
@click.option("--deck", required=True)
@click.option("--id", "curated_id", type=int, help="The answer's id (`flask answers list`).")
@click.option("--all", "everything", is_flag=True, help="Every curated answer of the deck.")
def remove(deck: str, curated_id: int | None, everything: bool) -> None:
    """Remove one curated answer (--id N) or all of a deck's (--all); readers' next questions go to the documents."""
    if (curated_id is not None) == everything:  # exactly one of them
        raise click.UsageError("give --id N or --all")
    removed = _store().remove(_deck(deck), curated_id)
    if curated_id is not None and not removed:
        raise click.ClickException(f"deck {deck!r} has no curated answer {curated_id}")
    click.echo(f"{removed} curated answer(s) removed")


@answers_cli.command("export")
@click.option("--deck", required=True)
def export(deck: str) -> None:
    """The deck's curated answers as JSON Lines (what `import` takes)."""
    for line in _store().export_lines(_deck(deck)):
        click.echo(line)


@answers_cli.command("import")
@click.option("--deck", required=True)
@click.argument("source", type=click.File("r", encoding="utf-8"), default="-")
def import_answers(deck: str, source) -> None:
    """Add curated answers from JSON Lines ({"question", "answer", "variants"?}); all or none."""
    try:
        count = _store().import_lines(_deck(deck), source.read().splitlines())
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{count} curated answer(s) added")
