"""Checks on what the model writes, one sentence at a time, before a reader may see it.

A 135M model recites its instructions, repeats itself and invents facts. Each sentence it writes is
shown only when it passes: it repeats no run of the prompt's own instructions (found by overlap
with the rules it was given, so a reworded rule set needs no new phrase list), it is not a sentence
already said nor one going round in itself, every figure and name in it is in the evidence (or a
name in the question), and it shares words with the evidence. The first sentence that fails ends
the answer there.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from app.rag.grounding import check as check_grounding
from app.rag.grounding import strip_citations
from app.rag.units import terms

RULE_RUN = 4  # this many words of the instructions in a row is reciting them
_WORD = re.compile(r"[a-z0-9']+")
# A sentence ends at . ! ? followed by a space (not "4.5", not "U.S" inside a word) or a line break.
SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
# A label the model puts before its answer ("Answer:", "The answer is:"): not part of the answer.
_LABEL = re.compile(r"^\s*(?:the\s+)?(?:final\s+)?answer(?:\s+is)?\s*[:\-\u2013]\s*", re.IGNORECASE)
# Words an answer may use that no document needs to ("Yes.", "None.", "Both.").
_ANSWER_WORDS = terms("yes no none both neither true false correct answer document documents context say says "
                      "mention mentions")


def without_label(text: str) -> str:
    """The answer without a leading "Answer:" label."""
    return _LABEL.sub("", text, count=1)


def recites(sentence: str, rules: str, run: int = RULE_RUN) -> bool:
    """Whether the sentence repeats `run` words in a row of the instructions."""
    said, rule_words = _WORD.findall(sentence.lower()), _WORD.findall(rules.lower())
    runs = {tuple(rule_words[i:i + run]) for i in range(len(rule_words) - run + 1)}
    return any(tuple(said[i:i + run]) in runs for i in range(len(said) - run + 1))


LOOP_RUN, LOOP_TIMES = 3, 3  # the same three words three times in one sentence is a model going round


def loops(sentence: str) -> bool:
    """Whether the sentence repeats itself inside ("The project about: The project about: The project ...")."""
    words = _WORD.findall(sentence.lower())
    runs = Counter(tuple(words[i:i + LOOP_RUN]) for i in range(len(words) - LOOP_RUN + 1))
    return any(times >= LOOP_TIMES for times in runs.values())


def shares_no_terms(answer: str, evidence: Sequence[str]) -> bool:
    """An answer with content words, none of which the evidence (or the question) uses."""
    said = terms(answer) - _ANSWER_WORDS
    return bool(said) and not any(said & terms(text) for text in evidence)


def _same(a: str, b: str) -> bool:
    words_a, words_b = set(_WORD.findall(a.lower())), set(_WORD.findall(b.lower()))
    return bool(words_a) and len(words_a & words_b) >= 0.8 * max(len(words_a), len(words_b))


def sentence_fault(sentence: str, earlier: Sequence[str], blocks: Sequence[str], question: str,
                   rules: str) -> str | None:
    """Why the sentence may not be shown (None: it may)."""
    plain = strip_citations(sentence).strip()
    if recites(plain, rules):
        return "recites the instructions"
    if loops(plain) or any(_same(plain, strip_citations(e)) for e in earlier):
        return "repeats itself"
    grounding = check_grounding(plain, blocks, question)
    if grounding.unsupported:
        return f"states what the evidence does not ({', '.join(grounding.unsupported[:3])})"
    if shares_no_terms(plain, [*blocks, question]):
        return "unrelated to the evidence"
    return None


def split_sentences(text: str) -> tuple[list[str], str]:
    """The finished sentences of a text, and the unfinished rest."""
    parts = SENTENCE_END.split(text)
    return [p.strip() for p in parts[:-1] if p.strip()], parts[-1]
