"""`flask logs export`: the turns as CSV or JSON Lines, with the admin page's filter; `flask logs purge`."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from app.admin.filters import EXPORT_FORMATS, BadFilter, _day, export_lines, session_filter
from app.log_retention import retention_cutoff
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


@logs_cli.command("purge")
@click.option("--before", metavar="YYYY-MM-DD",
              help="Delete the turns asked before this day (UTC), and sessions left empty. Default: DECKCHAT_RETENTION_DAYS ago.")
@click.option("--dry-run", is_flag=True, help="Count what would be deleted, and delete nothing.")
def purge_command(before: str | None, dry_run: bool) -> None:
    """Delete old sessions with their turns, sources, feedback and hand-off requests."""
    cutoff = _purge_cutoff(before)
    sessions, turns = current_app.extensions["deckchat"].log.purge(cutoff, dry_run=dry_run)
    done = "would remove" if dry_run else "removed"
    click.echo(f"{done} {turns} turns from before {cutoff:%Y-%m-%d} (UTC) and {sessions} sessions left empty")


def _purge_cutoff(before: str | None) -> datetime:
    """The day given, else the retention setting's; neither is an error, not a guess."""
    try:
        cutoff = _day(before, "--before")
    except BadFilter as exc:
        raise click.BadParameter(str(exc), param_hint="--before") from exc
    if cutoff:
        return cutoff
    days = current_app.config["RETENTION_DAYS"]
    if days <= 0:
        raise click.UsageError("say which sessions to delete: --before YYYY-MM-DD, or set DECKCHAT_RETENTION_DAYS")
    return retention_cutoff(days)
