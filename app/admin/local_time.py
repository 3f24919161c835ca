"""Times on the admin pages in the founder's zone (DECKCHAT_TIMEZONE), with the zone shown."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app

from app.models import as_utc


def founder_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def local_time(moment: datetime | None, pattern: str = "%Y-%m-%d %H:%M") -> str:
    """`moment` (stored in UTC) in the founder's zone, followed by the zone's abbreviation."""
    if moment is None:
        return ""
    local = as_utc(moment).astimezone(founder_zone())
    return f"{local.strftime(pattern)} {local.tzname()}"


def register_local_time(app: Flask) -> None:
    app.add_template_filter(local_time, "local_time")
