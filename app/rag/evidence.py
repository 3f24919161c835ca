"""Evidence selection: from the retrieved chunks, keep only the lines that bear on the question.

A 135M model answers far better from four relevant lines (~100 tokens) than from four whole pages
(~400-1,000 tokens): it copies the right fact instead of drifting, and it answers in a third of the
time. The best line is also the supporting quote shown with the answer. See docs/architecture.md
for the measurements.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np
from bm25s.stopwords import STOPWORDS_EN
from llama_index.core.node_parser.text.utils import split_by_sentence_tokenizer
from nltk.stem.snowball import SnowballStemmer

from app.rag.answer_type import AnswerType, expected_type
from app.rag.injection import addresses_the_model
from app.rag.retrieval import ScoredChunk

MIN_LINE_CHARS = 4
# Line score = cosine similarity to the question + LEXICAL_WEIGHT x the share of the question's
# terms the line contains - RANK_PENALTY x its chunk's retrieval rank. MiniLM alone ranks a line
# that paraphrases the question above the one that answers it; shared terms (names, figures) and
# the chunk's rank correct that (line holding the gold answer ranked first: 0.49 -> 0.60 on dev).
LEXICAL_WEIGHT = 0.5
RANK_PENALTY = 0.05
# A line stating the wanted type of fact (an amount, a date) answers the question only when it is
# nearly as relevant as the most relevant line: "how many Presidential Libraries" is not answered by
# a line about FOIA requests that happens to hold a figure (0.65 of the best line's score; lines
# that held the answer scored 0.88 or more on dev).
TYPED_LINE_SHARE = 0.75
# Words that frame a question rather than name its subject.
_QUESTION_WORDS = {"what", "which", "who", "whom", "whose", "how", "many", "much", "when", "where", "why",
                   "does", "do", "did", "can", "could", "would", "should", "has", "have", "according"}
# Words that name the kind of answer wanted; the line shows its kind by form ($4.5 million, 20%).
_TYPE_WORDS = {"money", "amount", "percentage", "percent", "share", "fraction", "proportion", "number",
               "figure", "value", "date"}
_STOP = set(STOPWORDS_EN) | _QUESTION_WORDS | _TYPE_WORDS
_TERM = re.compile(r"[a-z0-9]+(?:[.,'\u2019][a-z0-9]+)*")
_STEM = SnowballStemmer("english").stem
_BULLET = re.compile(r"^(?:[\u2022\u25aa\u2023\u25e6\u00b7*]\s*|[-\u2013]\s+)")  # a slide's bullet is no part of the quote


def terms(text: str) -> set[str]:
    """Stemmed lower-case words and figures, without stop words ("closes" -> "close"; "2,000" stays whole)."""
    return {_STEM(t) for t in _TERM.findall(text.lower()) if t not in _STOP}


def shares_no_terms(answer: str, evidence: Sequence[str]) -> bool:
    """An answer with content words, none of which the evidence (or the question) uses."""
    said = terms(answer) - _ANSWER_WORDS
    return bool(said) and not any(said & terms(text) for text in evidence)


# Words an answer may use that no document needs to ("Yes.", "None.", "Both.").
_ANSWER_WORDS = {_STEM(w) for w in ("yes", "no", "none", "both", "neither", "true", "false", "correct", "answer",
                                    "document", "documents", "context", "say", "says", "mention", "mentions")}


def _continues(line: str, following: str) -> bool:
    """A PDF wrapped the sentence here: no closing punctuation, and the next line reads on."""
    line, following = line.rstrip(), following.lstrip()
    if not line or not following or " | " in line or " | " in following:  # table rows stay rows
        return False
    if following[0].islower():  # "... of all U.S." / "mining deaths ..." reads on, whatever ends the line
        return True
    # "... 20 percent of" / "American ...": a line ending on a function word reads on.
    return line[-1] not in ".!?:;" and line.rsplit(" ", 1)[-1].lower() in STOPWORDS_EN


def unwrap(lines: list[str]) -> list[str]:
    """Lines as the author wrote them: a sentence wrapped over several PDF lines becomes one line."""
    out: list[str] = []
    for line in lines:
        if out and _continues(out[-1], line):
            out[-1] = f"{out[-1].rstrip()} {line.strip()}"
        else:
            out.append(line)
    return out


@dataclass(frozen=True)
class Quote:
    """The line that best answers the question, word for word, and the evidence block it is in."""

    text: str
    chunk_id: str  # the chunk it comes from (the source the reader can open)
    score: float = 0.0  # its line score (similarity + shared terms - rank), see LineSelector


@dataclass(frozen=True)
class Selection:
    hits: list[ScoredChunk]  # the chunks holding a selected line, cut down to those lines
    quote: Quote | None
    # The question asks for a type of fact (an amount, a percentage) that no relevant line states.
    missing: AnswerType | None = None


class LineSelector:
    """Ranks every line of the retrieved chunks against the question and keeps the best."""

    def __init__(self, embed: Callable[[list[str]], np.ndarray], max_lines: int):
        self.embed = embed
        self.max_lines = max_lines
        self._sentences = split_by_sentence_tokenizer()

    def lines(self, text: str) -> list[str]:
        """A slide's lines, with lines wrapped mid-sentence joined and paragraphs split into sentences."""
        out = []
        for line in unwrap(text.split("\n")):
            # Rejoined where the splitter broke after an abbreviation ("U.S. mining deaths").
            for sentence in unwrap(self._sentences(line)) if len(line) > 120 else [line]:
                sentence = sentence.strip()
                # A line written to the model is never evidence, nor the quote (app/rag/injection.py).
                if len(sentence) >= MIN_LINE_CHARS and not addresses_the_model(sentence):
                    out.append(sentence)
        return out

    def select(self, question: str, hits: Sequence[ScoredChunk]) -> list[ScoredChunk]:
        """The hits that hold a selected line, in rank order, each cut down to its selected lines."""
        return self.selection(question, hits).hits

    def selection(self, question: str, hits: Sequence[ScoredChunk], asked: str | None = None) -> Selection:
        """The selected lines, the supporting quote, and whether the question's type of fact is missing.

        `question` ranks the lines (for a follow-up: with the question before it); the type of fact
        wanted comes from `asked`, the reader's own question, when given.
        """
        # A slide's title travels in its block header; as evidence it would crowd out the facts.
        candidates = [(rank, position, line) for rank, hit in enumerate(hits)
                      for position, line in enumerate(self.lines(hit.chunk.text))
                      if line != (hit.chunk.title or "").strip()]
        wanted = expected_type(asked or question)
        if not candidates:
            return Selection([], None, wanted)
        scores = self._scores(question, candidates)
        order = [int(i) for i in np.argsort(-scores)]
        quote_at = order[0]
        if wanted:
            best = float(scores[order[0]])
            floor = best - (1 - TYPED_LINE_SHARE) * abs(best)  # 0.75 of the best, even below zero
            typed = [i for i in order if wanted.stated_in(candidates[i][2]) and scores[i] >= floor]
            if not typed:
                return Selection([], None, wanted)
            quote_at = typed[0]
        chosen = [quote_at] + [i for i in order if i != quote_at][: self.max_lines - 1]
        selected: dict[int, list[int]] = {}
        for i in sorted(chosen, key=lambda i: candidates[i][:2]):
            selected.setdefault(candidates[i][0], []).append(i)
        kept = [ScoredChunk(replace(hits[rank].chunk, text="\n".join(candidates[i][2] for i in selected[rank])),
                            hits[rank].score) for rank in sorted(selected)]
        rank, _, line = candidates[quote_at]
        return Selection(kept, Quote(_BULLET.sub("", line), hits[rank].chunk.id, float(scores[quote_at])))

    def _scores(self, question: str, candidates: list[tuple[int, int, str]]) -> np.ndarray:
        vectors = self.embed([question] + [line for _, _, line in candidates])
        asked = terms(question)
        lexical = np.array([len(asked & terms(line)) / len(asked) if asked else 0.0 for _, _, line in candidates])
        ranks = np.array([rank for rank, _, _ in candidates], dtype=float)
        return vectors[1:] @ vectors[0] + LEXICAL_WEIGHT * lexical - RANK_PENALTY * ranks
