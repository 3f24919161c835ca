"""Reading Server-Sent Events (the stream endpoint's responses)."""

from __future__ import annotations

import json


def parse_events(raw: str) -> list[tuple[str, dict]]:
    """Server-Sent Events as (name, data) pairs."""
    events = []
    for block in raw.strip().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.split("\n"))
        events.append((fields["event"], json.loads(fields["data"])))
    return events
