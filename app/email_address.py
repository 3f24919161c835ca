"""The e-mail addresses readers type (a hand-off, an e-mail gate): checked enough to catch a typo."""

from __future__ import annotations

import re

# No "?", "&", "%" or "/": the owner's admin page turns an address into a mailto: link.
_EMAIL = re.compile(r"[A-Za-z0-9._+'-]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
MAX_EMAIL_CHARS = 254


def clean_email(value: object) -> str | None:
    """The address stripped of spaces when it looks like one; None otherwise."""
    if not isinstance(value, str) or len(value) > MAX_EMAIL_CHARS or not _EMAIL.fullmatch(value.strip()):
        return None
    return value.strip()


def clean_name(value: object, limit: int = 200) -> str | None:
    """A reader's name as one line of at most `limit` characters (it goes into mail subjects); None when empty."""
    if not isinstance(value, str):
        return None
    return " ".join(value.split())[:limit] or None
