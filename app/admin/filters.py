"""The owner's filter, read from a query string or command-line options, and the export formats."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime, timedelta, timezone

from app.conversation_log import EXPORT_COLUMNS, OUTCOMES, SessionFilter

EXPORT_FORMATS = ("csv", "jsonl")


class BadFilter(ValueError):
    """A filter value the owner must correct; the message says which and how."""


def _day(value: str | None, name: str) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=timezone.utc)
    except ValueError as exc:
        raise BadFilter(f"{name} must be a date like 2026-11-24, not {value!r}") from exc


def session_filter(args: Mapping[str, str | None]) -> SessionFilter:
    """deck, from, to (inclusive days, UTC), outcome and q, as the admin form and the CLI name them."""
    outcome = args.get("outcome") or None
    if outcome and outcome not in OUTCOMES:
        raise BadFilter(f"outcome must be one of {', '.join(OUTCOMES)}, not {outcome!r}")
    until = _day(args.get("to"), "to")
    return SessionFilter(deck=args.get("deck") or None, since=_day(args.get("from"), "from"),
                         until=until + timedelta(days=1) if until else None, outcome=outcome,
                         search=(args.get("q") or "").strip() or None)


# A spreadsheet runs a cell that starts like a formula; readers write the questions, so such a cell is
# prefixed with an apostrophe (OWASP's advice for CSV injection). JSON Lines are left as written.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value):
    return "'" + value if isinstance(value, str) and value.startswith(_FORMULA_START) else value


def export_lines(rows: Iterable[dict], fmt: str) -> Iterator[str]:
    """The rows as CSV (with a header) or JSON Lines, a line at a time."""
    if fmt == "jsonl":
        for row in rows:
            yield json.dumps(row, ensure_ascii=False) + "\n"
        return
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=EXPORT_COLUMNS)
    writer.writeheader()
    for row in rows:
        writer.writerow({key: _cell(value) for key, value in row.items()})
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()  # the header alone when nothing matched
