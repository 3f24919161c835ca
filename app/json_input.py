"""Request JSON that the rest of the app can trust: parsed without recursion blow-ups, and with text
that every store and tokenizer accepts (no lone surrogates, no NUL characters).

Anything else reads as malformed JSON: `request.get_json(silent=True)` returns None and the API
answers 400 with what to send, never 500.
"""

from __future__ import annotations

import json
from typing import Any

from flask.json.provider import DefaultJSONProvider


def _check_text(value: Any) -> None:
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("text must not contain NUL characters")
        value.encode("utf-8")  # a lone surrogate ("\ud800") cannot be stored or embedded
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_text(key)
            _check_text(item)
    elif isinstance(value, list):
        for item in value:
            _check_text(item)


class StrictJSONProvider(DefaultJSONProvider):
    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            value = json.loads(s, **kwargs)
        except RecursionError as exc:  # nesting deeper than the parser's recursion: not a request
            raise ValueError("JSON nested too deeply") from exc
        try:
            _check_text(value)
        except UnicodeEncodeError as exc:
            raise ValueError("text must be valid Unicode (no lone surrogates)") from exc
        except RecursionError as exc:
            raise ValueError("JSON nested too deeply") from exc
        return value
