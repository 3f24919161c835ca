"""The QA file format shared by `flask eval` and the re-index gate (DESIGN.md section 4)."""

from __future__ import annotations

import json
from pathlib import Path


class QAFileError(ValueError):
    """A line of a QA file is not a question; the message names the file and line."""


def read_qa_file(path: Path) -> list[dict]:
    """QA lines: doc, question, answer (null: not in the documents), evidence, page_or_slide."""
    questions = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            if not isinstance(item.get("question"), str) or not isinstance(item.get("doc"), str):
                raise ValueError("needs 'doc' and 'question' strings")
        except (json.JSONDecodeError, ValueError, AttributeError) as exc:
            raise QAFileError(f"{path}:{number}: not a QA line ({exc})") from exc
        questions.append(item)
    return questions
