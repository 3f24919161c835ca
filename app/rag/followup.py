"""Follow-up questions: "and when does it close?" is retrieved together with the question before it.

The retrieval query of a follow-up is the previous question followed by the new one, so the
embedding and BM25 see what "it" refers to. Rewriting the question with the language model (the
usual "condense question" step) is not used: a 135M model's rewrites are not reliable enough to
search with, and this costs no generation time.
"""

from __future__ import annotations

import re

_OPENERS = ("and ", "what about", "how about", "also ", "so ", "then ", "but ")
_REFERRING = {"it", "its", "it's", "they", "them", "their", "theirs", "that", "those", "this", "these",
              "he", "she", "his", "her", "him", "there", "same", "such"}
MAX_FOLLOW_UP_WORDS = 12  # longer questions usually say what they are about


def is_follow_up(question: str) -> bool:
    """A short question that opens like a continuation or refers back with a pronoun."""
    text = question.strip().lower()
    words = re.findall(r"[a-z']+", text)
    if not words or len(words) > MAX_FOLLOW_UP_WORDS:
        return False
    return text.startswith(_OPENERS) or any(w in _REFERRING for w in words)


def retrieval_query(question: str, history: list[tuple[str, str]]) -> str:
    """What to search with: the question, preceded by the previous one when this is a follow-up."""
    if history and is_follow_up(question):
        return f"{history[-1][0]} {question}"
    return question
