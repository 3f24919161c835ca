"""`flask logs export`: the conversation log's turns as CSV or JSON Lines, with the admin page's filter."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from app.admin.filters import EXPORT_FORMATS, BadFilter, export_lines, session_filter
from app.conversation_log import OUTCOMES

logs_cli = AppGroup("logs", help="The conversation log.")


@logs_cli.command("export")
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), default="jsonl", show_default=True)
@click.option("--deck")
@click.option("--from", "since", metavar="YYYY-MM-DD", help="Sessions started on or after this day (UTC).")
@click.option("--to", "until", metavar="YYYY-MM-DD", help="... up to and including this day.")
@click.option("--outcome", type=click.Choice(OUTCOMES), help="Only sessions with such a turn.")
@click.option("--search", help="Words that must appear in a question or an answer.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="File to write (default: stdout).")
def export_command(fmt: str, deck: str | None, since: str | None, until: str | None, outcome: str | None,
                   search: str | None, out: Path | None) -> None:
    """Write every turn of the matching sessions, oldest first."""
    try:
        where = session_filter({"deck": deck, "from": since, "to": until, "outcome": outcome, "q": search})
    except BadFilter as exc:
        raise click.BadParameter(str(exc)) from exc
    lines = export_lines(current_app.extensions["deckchat"].log.export_rows(where), fmt)
    if out is None:
        sys.stdout.writelines(lines)
        return
    with out.open("w", encoding="utf-8", newline="") as handle:
        handle.writelines(lines)
    click.echo(f"written to {out}", err=True)
