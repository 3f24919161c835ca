"""The acronyms a deck writes and the words a reader spells them out with ("annual recurring revenue": ARR).

Decks abbreviate (ARR, GMV, SOM, REC); readers write the words out, and MiniLM puts "What is the
current annual recurring revenue?" far from "€31K ARR with upselling potential" (cosine 0.27). An
acronym the deck writes in capitals stands for any run of as many content words with its initials,
so a question and a line match on it whichever way each writes it (app/rag/units.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bm25s.stopwords import STOPWORDS_EN

# Capitals, with at most a lower-case letter between two of them (MiCA) and a plural s (SMEs).
_ACRONYM = re.compile(r"\b[A-Z](?:[A-Z]|[a-z](?=[A-Z])){1,3}[A-Z]?s?\b")
_WORD = re.compile(r"[A-Za-z]+")
_STOP = set(STOPWORDS_EN)
# Two letters (AI, US, VC) match too many pairs of words by chance.
SHORTEST, LONGEST = 3, 5
# A chief officer's title (CEO, CTO, CFO): readers drop the "officer". Tuning half, answer right
# 0.784 -> 0.789 ("Who is the chief executive of Soldera?"); validation unchanged.
_C_SUITE = re.compile(r"c[a-z]o")


def acronyms_in(text: str) -> set[str]:
    """The acronyms a text writes in capitals, lower-cased, without a plural s ("ARR", "SMEs": "sme").
    A word it also writes in lower case is a word set in capitals (a slide's "OUR TEAM"), not one."""
    out = set()
    for match in _ACRONYM.finditer(text):
        word = match.group()
        if word.endswith("s") and word[-2].isupper():
            word = word[:-1]
        if SHORTEST <= len(word) <= LONGEST and 2 * sum(c.isupper() for c in word) > len(word):
            out.add(word.lower())
    return out - set(re.findall(r"\b[a-z]+\b", text)) - _STOP


def spelled_out(text: str, acronyms: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """The acronyms whose words the text spells out (content words only): acronym -> those words."""
    wanted: dict[int, set[str]] = {}
    for acronym in acronyms:
        wanted.setdefault(len(acronym), set()).add(acronym)
    if not wanted:
        return {}
    words = _WORD.findall(text)
    found: dict[str, tuple[str, ...]] = {}
    for length, these in wanted.items():
        for i in range(len(words) - length + 1):
            run = [w.lower() for w in words[i:i + length]]
            initials = "".join(w[0] for w in run)
            if initials in these and not any(w in _STOP for w in run):
                found.setdefault(initials, tuple(run))
    # "the chief executive" spells CEO out too.
    for acronym in (a for these in wanted.values() for a in these if _C_SUITE.fullmatch(a)):
        for i in range(len(words) - 1):
            run = [w.lower() for w in words[i:i + 2]]
            if run[0] == "chief" and run[1][0] == acronym[1] and run[1] not in _STOP:
                found.setdefault(acronym, tuple(run))
    return found


def with_acronyms(question: str, acronyms: Iterable[str]) -> str:
    """The question with each acronym it spells out written after the words ("annual recurring revenue (ARR)")."""
    for acronym, words in spelled_out(question, acronyms).items():
        phrase = re.compile(r"\b" + r"\W+".join(map(re.escape, words)) + r"\b", re.IGNORECASE)
        question = phrase.sub(lambda m, a=acronym: f"{m.group()} ({a.upper()})", question, count=1)
    return question
