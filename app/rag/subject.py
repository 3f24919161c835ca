"""What a deck is about, for the question every reader asks first: "What do they do?"

Such a question names nothing the deck says: "they", "the company" and "the product" match no line
(or the wrong one: "What is the product?" found "production", "Product Designer"), so it was refused
or answered with a team member's bio. Asked with the company's name ("What does Soldera do?"), the
same search finds the line that says what the company is ("Soldera is an AI agent for REC
reporting, management and sales"). The name is the owner's deck title where deck.toml sets one, else
a word of the documents' file names that the documents write as a name ("soldera_investor_slides.pdf":
"Soldera"). Measured on eval/dev/overview_*.jsonl (docs/architecture.md).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

from ingest.chunk import Chunk

# Words a file is named by for its kind, not its company ("soldera_investor_slides", "the_seam_seed_round").
_FILE_KIND_WORDS = {"faq", "pitch", "deck", "investor", "investors", "slides", "slide", "presentation", "whitepaper",
                    "white", "paper", "seed", "round", "series", "report", "final", "draft", "docs", "doc", "test",
                    "copy", "the", "and", "for", "our", "new", "v1", "v2"}
_WHAT = r"^\s*what(?:\s+(?:is|are|was)|'s|\u2019s)?\s+"
_END = r"\s*\??\s*$"
# The question asks what the company does, and nothing more ("What do they do with the money?" asks more).
OVERVIEW = re.compile(
    r"^\s*what (?:do|does|did) (?:they|the company|the startup|the team|it|the product|this company|this startup|"
    r"the business) (?:do|build|make|offer|sell|provide)" + _END + "|"
    + _WHAT + r"(?:the|their|its|this) (?:product|company|startup|project|business|solution|idea|offering)" + _END + "|"
    + _WHAT + r"(?:they|the company|the team|the startup) (?:building|making|doing|working on|offering|selling)" + _END + "|"
    + _WHAT + r"(?:the|this) (?:project|deck|company|startup|pitch) about" + _END + "|"
    + _WHAT + r"(?:this|it) (?:all )?about" + _END + "|"
    + _WHAT + r"(?:the|their|its) (?:elevator pitch|one-liner|pitch in one line)" + _END + "|"
    r"^\s*(?:tell me|tell us) (?:more )?about (?:the company|the startup|the business|the product|them|this company)"
    r"\s*[.?!]?\s*$|"
    r"^\s*(?:summari[sz]e|describe) (?:the|this) (?:deck|company|startup|pitch|business)\s*[.?!]?\s*$",
    re.IGNORECASE)


# Words that ask for a short answer and nothing else ("Briefly, what do they do?", "What is the project
# about, in one line?"), and a question asking what the deck says it does ("What does Soldera say it
# provides?"): the same question as without them.
_BRIEFLY = r"(?:briefly|in short|in brief|in a nutshell|in (?:one|a|a single|two|a few|few) (?:line|sentence|word|phrase)s?)"
_BREVITY = re.compile(rf"^\s*{_BRIEFLY}\s*[,:]?\s*|\s*,?\s*{_BRIEFLY}(?=\s*\??\s*$)", re.IGNORECASE)
_SAYS = re.compile(r"\bsays? (?:it|they|that it|that they) (do|does|build|builds|make|makes|offer|offers|sell|sells|"
                   r"provide|provides)\b", re.IGNORECASE)


def _plain(question: str) -> str:
    """The question without its brevity words, "say it provides" read as "provide"."""
    return _SAYS.sub(lambda m: {"does": "do"}.get(m.group(1).lower(), m.group(1).lower().removesuffix("s")),
                     _BREVITY.sub("", question))


def asks_overview(question: str, subject: str | None = None) -> bool:
    """Whether the question asks only what the company (or its product) is or does: in general words ("What
    do they do?") or naming the company (`subject`: "What does Tidewater Robotics do?", "What is Papermark?")."""
    question = _plain(question)
    if OVERVIEW.search(question):
        return True
    if not subject:
        return False
    name = re.escape(subject.strip())
    return bool(re.search(rf"^\s*what (?:do|does) {name} (?:do|build|make|offer|sell|provide)" + _END + "|"
                          + _WHAT + name + _END + "|"
                          rf"^\s*(?:tell me|tell us) (?:more )?about {name}\s*[.?!]?\s*$", question, re.IGNORECASE))


def overview_query(subject: str) -> str:
    """What an overview question is searched as."""
    return f"What does {subject} do?"


def subject_from_files(chunks: Sequence[Chunk]) -> str | None:
    """The company's name as the documents' file names give it: a word of a file's name (not one naming
    the kind of file) that the documents write, and never in lower case ("papermark.io" aside), as in
    "Papermark" or "GILO". The most often written wins; None when no file is named after the company."""
    text = "\n".join(f"{c.title or ''}\n{c.text}" for c in chunks)
    found: Counter[str] = Counter()
    for word in _file_words(c.doc for c in chunks):
        # As a word of its own: not inside an address or a file name ("soldera.org", "unstuck-ai").
        written = re.findall(rf"(?<![\w.@/-]){re.escape(word)}(?![\w@/-]|\.\w)", text, re.IGNORECASE)
        if written and not any(w.islower() for w in written):
            found[Counter(written).most_common(1)[0][0]] += len(written)
    return found.most_common(1)[0][0] if found else None


def _file_words(docs: Iterable[str]) -> set[str]:
    words = set()
    for doc in set(docs):
        stem = doc.rsplit(".", 1)[0]
        words |= {w.lower() for w in re.split(r"[^A-Za-z0-9]+", stem) if len(w) >= 3 and w.lower() not in _FILE_KIND_WORDS}
    return words
