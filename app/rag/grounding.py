"""Which context blocks an answer rests on, and whether it states facts that none of them holds.

A small model invents figures and names even with the right page in front of it. The check is
literal on purpose: every number and proper name in the answer must appear in the evidence the
model was given (or in the question). Explicit citations ([2]) are honoured when a model writes
them; otherwise a block counts as used when it holds one of the answer's facts, and the pipeline
adds the citation marks itself.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass


def normalise(number: str) -> str:
    """A figure as compared: thousands separators dropped ("12,345" -> "12345")."""
    return number.replace(",", "")


_WORD = re.compile(r"[A-Za-z][\w'-]*")
_CITATION = re.compile(r"\[(\d{1,2})\]")
# Capitalised words that are not names: sentence openers and the model's stock phrases.
_NOT_NAMES = {"the", "a", "an", "it", "its", "they", "their", "this", "that", "these", "those", "i", "we",
              "our", "you", "yes", "no", "in", "on", "at", "by", "for", "of", "and", "or", "to", "as",
              "there", "he", "she", "his", "her", "is", "are", "was", "based", "according", "context",
              "document", "documents", "answer", "question", "however", "also", "each", "per"}


@dataclass(frozen=True)
class Grounding:
    """The answer's facts that no block or the question contains, and the blocks it rests on."""

    unsupported: list[str]
    used: list[int]  # 0-based block indexes
    cited: bool = False  # the answer names its blocks itself ([2])

    @property
    def grounded(self) -> bool:
        return not self.unsupported


def strip_citations(text: str) -> str:
    """The text without its [n] citation marks (they cite blocks, they state no figure)."""
    return _CITATION.sub(" ", text)


# A figure's scale is part of it: "$9 trillion" is not grounded by a line saying "9%".
_SCALED = re.compile(r"(\d+(?:[.,]\d+)*)\s*(%|percent\b|per cent\b|k\b|thousand\b|mn?\b|million\b|bn?\b|billion\b|"
                     r"tn?\b|trillion\b)?", re.IGNORECASE)
_SCALES = {"%": "%", "percent": "%", "per cent": "%", "k": "k", "thousand": "k", "m": "m", "mn": "m", "million": "m",
           "b": "bn", "bn": "bn", "billion": "bn", "t": "t", "tn": "t", "trillion": "t"}


def _figures(text: str) -> list[str]:
    """Figures with their scale when they have one ("4.5m", "20%", "2024")."""
    return [normalise(n) + _SCALES.get((scale or "").lower(), "") for n, scale in _SCALED.findall(text)]


def facts(answer: str) -> list[str]:
    """Numbers and proper names stated in the answer (names: capitalised words not opening a sentence)."""
    found = _figures(answer)
    for sentence in re.split(r"(?<=[.!?:])\s+|\n+", answer):
        words = _WORD.findall(sentence)
        names = [re.sub(r"'s?$", "", w) for w in words[1:]]  # Tidewater's -> Tidewater
        found += [w for w in names if w[0].isupper() and w.lower() not in _NOT_NAMES and len(w) > 2]
    return list(dict.fromkeys(found))


def states(text: str, fact: str) -> bool:
    """Whether the text states the fact (a number as a number, a name as a whole word)."""
    if fact[0].isdigit():
        figures = set(_figures(text))
        # A bare figure is stated by the same figure at any scale; a scaled one only at its scale.
        return fact in figures or (fact[-1].isdigit() and any(f.rstrip("%kmbnt") == fact for f in figures))
    return re.search(rf"\b{re.escape(fact.lower())}\b", text.lower()) is not None


def check(answer: str, blocks: Sequence[str], question: str = "") -> Grounding:
    """Which facts of the answer are unsupported, and which blocks it used."""
    stated = facts(strip_citations(answer))
    # A name may come from the question ("What does Tidewater sell?"); a figure only from the documents:
    # a question cannot make its own number true ("... say the company is worth $9 trillion").
    unsupported = [f for f in stated if not any(states(b, f) for b in blocks)
                   and (f[0].isdigit() or not states(question, f))]
    cited = [int(n) - 1 for n in _CITATION.findall(answer) if 0 < int(n) <= len(blocks)]
    used = sorted(set(cited)) or [i for i, block in enumerate(blocks) if any(states(block, f) for f in stated)]
    return Grounding(unsupported, used, bool(cited))
