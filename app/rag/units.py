"""Evidence units: every line of a deck with its neighbours, ranked against the question deck-wide.

The right page is among the top 5 chunks for nearly every answerable question, but the line holding
the fact often is not among the best lines of those chunks: a line alone says too little ("$4.5M"),
a whole page says too much. A line with the lines around it, ranked across the whole deck, holds
the fact far more often (docs/architecture.md: measured on the tuning half). The unit's centre line
is what the reader is shown as the quote; the window is what is ranked and what the model reads.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

import faiss
import numpy as np
from bm25s.stopwords import STOPWORDS_EN
from llama_index.core.node_parser.text.utils import split_by_sentence_tokenizer
from nltk.stem.snowball import SnowballStemmer

from app.rag.acronyms import acronyms_in, spelled_out, with_acronyms
from app.rag.idioms import with_deck_words
from app.rag.injection import addresses_the_model
from app.rag.someone import lowercase_words, proper_words
from app.rag.subject import asks_overview, overview_query, subject_from_files
from ingest.chunk import Chunk
from ingest.loaders.base import SPEAKER_NOTES

log = logging.getLogger(__name__)

# A shorter line is noise (a page number, a stray mark), except a word in capitals: on a team slide
# the role is a line of its own under the name ("Gaurav Yadav / CTO"); dropped, "Who is the CTO?"
# found no line naming the role (two questions more answered right on each half).
MIN_LINE_CHARS = 4
_ROLE_LINE = re.compile(r"[A-Z]{2,3}")
# Nor is a figure with its scale or sign: a deck writes the number big on a line of its own ("60+"
# above "Developers and contributors who help building Papermark", "8k" above "GitHub stars"); a bare
# number ("3") is still a page number.
_FIGURE_LINE = re.compile(r"[$\u20ac\u00a3]\d[\d,.]*\s?[kKmMbB]?\+?|[~<>]?\d[\d,.]*\s?[kKmMbBxX%+]\+?")
SHORT_LINE_WORDS = 5  # a line this short ("$4B") is shown with the lines around it
# A line quoted with its neighbours (app/rag/verdict.py) is shown with one line before it and two after:
# the line that matches a question is often a label whose fact follows it, or a bio line split over
# two ("Director of Autonomous / Systems at UPS"). Tuning half, answer right with the window (one
# before, one after) 0.809; one before and two after 0.825, as two and two (0.825, median answer 29
# words against 27) and three and three (0.825, 30); two before and one after 0.809; chosen by those and
# the shorter answer. Validation (printed beside each, not chosen by, but the idea came from its advisor
# cards): 0.722 -> 0.736 (two and two 0.764, three and three 0.785, two and one 0.750).
CONTEXT_BEFORE, CONTEXT_AFTER = 1, 2
LONG_LINE_CHARS = 120  # a longer line is a paragraph: split into sentences
# A term found on this share of a deck's chunks (the company's name, a running header that ingest
# did not catch) says nothing about which line answers: it counts for no line.
COMMON_TERM_SHARE = 0.5
# A question word the deck never uses stands for the deck's word that begins with the same letters,
# this many or more: Snowball leaves "competitor" apart from "competit"(ion), "regulation" ("regul")
# apart from "regulatory" and "compliance" from "compliant". Tuning half, answer right / unanswerable
# refused: without 0.747 / 0.621; one stem beginning the other, at 7 letters 0.758 / 0.621, at 6 0.763
# / 0.606 ("employ" took "employe" and answered an unanswerable question about NARA's staff), at 5 as
# at 6. Later, with the changes since: stems 0.773 / 0.621; words as written (not stemmed) sharing
# their first 7 letters 0.778 / 0.621 ("Which EU regulation ...?" answered), 6 letters 0.778 / 0.606.
PREFIX_LETTERS = 7
# A slide's short title ("Team", "Business Model", "Traction") says what each line under it is
# about: its words count as the line's own. "Who is on the team?" on the sample deck quoted the
# whitepaper's byline ("Tidewater Robotics - Engineering Team - Version 1.3") over every line of the
# Team slide. Dev set: every title's words, tuning 0.830 -> 0.809; titles of up to 1 or 3 words, no
# answer changed on either half.
TITLE_LINE_WORDS = 3
# A title of this many words or more is a statement, often the slide's own answer ("Situation: ~50%
# SMEs can not participate in international trade ...", "Earn Sats & Help Goose Soar!"), and is an
# evidence line like the others; a shorter one names what the slide is about and travels in its
# lines' windows, and a question (an FAQ's heading) answers nothing. Tuning half, answer right /
# answerable refused: no title a line 0.851 / 0.015 (the SME share scored right on "$50M" in
# another line), 4 words 0.845 / 0.010, 6 words 0.851 / 0.010 (the share now from its own line),
# 8 and 12 words 0.851 / 0.015. Validation 0.736 -> 0.750 at 4 to 8 words ("How It Works: 3
# Agents, 8 Skills, 1 Knowledge Base"), 0.736 at 12.
TITLE_UNIT_WORDS = 6
# A deck's cover line (DeckUnits.cover) is on a slide or a page, and a statement of this many words at least.
COVER_KINDS = ("slide", "page")
COVER_LINE_WORDS = 4
_URL = re.compile(r"https?://|www\.|\b[\w-]+\.(?:com|org|net|io|ai|co)\b", re.IGNORECASE)
DENSE_POOL = 200  # units taken from the vector search before the lexical score re-ranks them

# Words that frame a question rather than name its subject.
_QUESTION_WORDS = {"what", "which", "who", "whom", "whose", "how", "many", "much", "when", "where", "why",
                   "does", "do", "did", "can", "could", "would", "should", "has", "have", "according",
                   "tell", "give", "say", "says", "mention", "describe", "explain", "list", "name"}
# "How does the robot work?" asks how, as "How does it clean?" would: its "work" is no term to match, or it
# quotes "a working depth of 25 m" and "How many people work at ...?". Elsewhere "work" is one ("Can it
# work at night?" is answered by "The crawler keeps working in zero visibility").
_HOW_IT_WORKS = re.compile(r"^\s*how (?:does|do|did|will|would|can|could|should) .+ work\s*\??\s*$", re.IGNORECASE)
# "What is the token called?" asks for a name as "What is the token's name?" does: "called" is no term to
# match (with "token" on most pages, it was the question's only term, and no line says it).
_CALLED = re.compile(r"\bwhat (?:is|are|was|were)\b.*\bcalled\b", re.IGNORECASE)
# "How long does it take to close a deal?" asks for a span of time; "take" names nothing a line would say
# of it ("A student who takes 9 semesters" answered how long a simulation run takes).
_HOW_LONG_TAKE = re.compile(r"\bhow (?:long|much time) (?:does|do|did|will|would|can|could|should) .+ take\b", re.IGNORECASE)
# Nor is the document itself, where it does not write the word: "Who is the founder presenting this deck?" asks
# for a founder ("deck" and "present" were its only terms once "founder", on most slides, was left out as
# common); "When is this investor presentation dated?" is answered by "Investor presentation | Jan 2024".
_THE_DOCUMENT = re.compile(r"\b(?:(?:present(?:s|ed|ing)?|shown|said|stated|listed|mentioned|written|dated) )?"
                           r"(?:in |on |of |by |from |according to )?(?:this|the|these|that) "
                           r"(?:pitch |investor )?(deck|presentation|slides?|document|paper|whitepaper|litepaper|faq|page)\b",
                           re.IGNORECASE)

# Words that name the kind of answer wanted; the line shows its kind by form ($4.5 million, 20%).
_TYPE_WORDS = {"money", "amount", "percentage", "percent", "share", "fraction", "proportion", "number",
               "figure", "value", "date", "year"}
# Function words bm25s's short list lacks: "How much of the round has already been committed?" asks what
# "How much of the round is committed?" asks, and no line is found or judged by its "been" or "already".
_FUNCTION_WORDS = {"am", "were", "been", "being", "had", "having", "shall", "may", "might", "must", "its",
                   "also", "already", "yet", "still", "just", "ever",
                   # "Where does the name Tanganika come from?" found lines by their "from" (a docs page);
                   # "If I want to keep file uploads" found "I want to add business logic" by its "I".
                   "i", "me", "my", "we", "us", "our", "you", "your", "from", "about", "than", "via"}
_STOP = set(STOPWORDS_EN) | _QUESTION_WORDS | _TYPE_WORDS | _FUNCTION_WORDS
_TERM = re.compile(r"[a-z0-9]+(?:[.,'\u2019][a-z0-9]+)*")
_STEM = SnowballStemmer("english").stem
BULLET = re.compile(r"^(?:[\u2022\u25aa\u2023\u25e6\u00b7\u25cf\u25a0*]\s*|[-\u2013]\s+)")


def terms(text: str) -> set[str]:
    """Stemmed lower-case words and figures, without stop words ("closes" -> "close"; "2,000" stays whole)."""
    return {_STEM(t) for t in _TERM.findall(text.lower()) if t not in _STOP}


def _framing(question: str) -> set[str]:
    """The question's terms that only frame it ("work" in "How does it work?", "called" in "What is it
    called?"): no line is found by them."""
    found = set()
    if _HOW_IT_WORKS.search(question):
        found.add(_STEM("work"))
    if _CALLED.search(question):
        found.add(_STEM("called"))
    if _HOW_LONG_TAKE.search(question):
        found.add(_STEM("take"))
    return found


_ABBREVIATION_END = re.compile(r"\b(?:e\.g|i\.e|cf|vs|incl|approx)\.$", re.IGNORECASE)


def _continues(line: str, following: str) -> bool:
    """A PDF wrapped the sentence here: no closing punctuation, and the next line reads on."""
    line, following = line.rstrip(), following.lstrip()
    if not line or not following or " | " in line or " | " in following:  # table rows stay rows
        return False
    if following[0].islower():  # "... of all U.S." / "mining deaths ..." reads on, whatever ends the line
        return True
    # "... 20 percent of" / "American ...": a line ending on a function word reads on. Written in lower case:
    # a capital "A" ending a line is "Series A", "Plan A" ("Raising 18 million euros Series A" took the
    # next bullet, "Use: first commercial plant (70%), R&D (20%)", into its line).
    if _ABBREVIATION_END.search(line):  # "... other options to it (e.g." / "0launch --import)"
        return True
    last = line.rsplit(" ", 1)[-1]
    return line[-1] not in ".!?:;" and last.islower() and last in STOPWORDS_EN


def unwrap(lines: list[str]) -> list[str]:
    """Lines as the author wrote them: a sentence wrapped over several PDF lines becomes one line."""
    out: list[str] = []
    for line in lines:
        if out and _continues(out[-1], line):
            out[-1] = f"{out[-1].rstrip()} {line.strip()}"
        else:
            out.append(line)
    return out


class LineSplitter:
    """A chunk's lines as evidence: wrapped lines joined, paragraphs split into sentences."""

    def __init__(self) -> None:
        self._sentences = split_by_sentence_tokenizer()

    def __call__(self, text: str) -> list[str]:
        out = []
        for line in unwrap(text.split("\n")):
            # Rejoined where the splitter broke after an abbreviation ("U.S. mining deaths").
            for sentence in unwrap(self._sentences(line)) if len(line) > LONG_LINE_CHARS else [line]:
                sentence = BULLET.sub("", sentence.strip())
                # A line written to the model is never evidence, nor the quote (app/rag/injection.py).
                long_enough = (len(sentence) >= MIN_LINE_CHARS or _ROLE_LINE.fullmatch(sentence)
                               or _FIGURE_LINE.fullmatch(sentence))
                if long_enough and not addresses_the_model(sentence):
                    out.append(sentence)
        return out


def window_quote(window: str) -> str:
    """A window as one quote, its lines separated by " / "."""
    return " / ".join(part.strip() for part in window.split("\n") if part.strip())


def quote_text(line: str, window: str) -> str:
    """What a unit shows the reader as its quote: the line, or the window when the line alone says too little."""
    return line if len(line.split()) >= SHORT_LINE_WORDS else window_quote(window)


@dataclass(frozen=True)
class Unit:
    """One line of a chunk with its neighbours."""

    chunk: Chunk  # the chunk it comes from (the source the reader can open)
    line: str  # the centre line: the quote shown to the reader
    text: str  # the centre line with the lines before and after it: what is ranked and read
    terms: frozenset[str] = field(default=frozenset(), compare=False)  # of the window and its title
    line_terms: frozenset[str] = field(default=frozenset(), compare=False)  # of the centre line alone
    context: str = field(default="", compare=False)  # the lines quoted around it (CONTEXT_BEFORE, CONTEXT_AFTER)
    asked: str = field(default="", compare=False)  # the question line its passage answers, if any (windows)

    @property
    def shown(self) -> str:
        return quote_text(self.line, self.text)


@dataclass(frozen=True)
class UnitHit:
    """A unit and how well it matches the question."""

    unit: Unit
    score: float  # cosine + lexical weight x shared terms + chunk-rank bonus
    cosine: float
    lexical: float  # share of the question's (uncommon) terms the window holds


@dataclass(frozen=True)
class UnitWeights:
    """How the parts of a unit's score add up (fitted on the tuning half, docs/architecture.md)."""

    lexical: float = 0.75
    # The same share counted on the centre line alone: of two windows sharing the answer line, the
    # one centred on it wins, so the quote is the line that states the fact, not its neighbour.
    line_lexical: float = 0.5
    # A unit in one of the retrieved chunks gains this much, less per rank: the chunk ranking
    # (dense + BM25 over whole pages) knows what the page is about, the window alone may not.
    chunk_bonus: float = 0.05
    chunk_rank_step: float = 0.0


# A paper's reference list is found but never quoted: "How many employees does HiveSight have?" was answered
# "1,000" from a cited title ("Generative Agent Simulations of 1,000 People"), a licence from a repository's
# address in it.
_REFERENCE_LIST = re.compile(r"^(?:\d+(?:\.\d+)*\.?\s+)?(?:references|bibliography|works cited|literature cited|"
                             r"citations|sources cited)$", re.IGNORECASE)


def windows(chunk: Chunk, lines: Sequence[str]) -> list[Unit]:
    """A unit per line (a title line only when it is a statement, TITLE_UNIT_WORDS; a question never):
    the line with the one before and after it, on the same side of the speaker notes (the slide's last
    line and the presenter's first cue are not one passage: quoted together they showed "... a Next.js
    dashboard / Speaker notes: 13:15-14:00."), and not reaching into the next question.

    A question line begins a passage that answers it (an FAQ's question as a heading, or written as
    "Question?" then its answer): each line after it, up to the next question, carries it as `asked`, ranked with
    it as a slide's lines are with their title ("How many packages are there?" / ... / "There are
    currently more than 2000")."""
    title = (chunk.title or "").strip()
    if _REFERENCE_LIST.match(title):
        return []  # other works' titles, years and counts are no answer about this one (below)
    notes_from = next((i for i, line in enumerate(lines) if line.startswith(SPEAKER_NOTES)), len(lines))
    questions = [i for i, line in enumerate(lines) if _asks(line)]
    units = []
    asked = title if _asks(title) else ""  # an FAQ's question as the section's heading
    for i, line in enumerate(lines):
        if i == notes_from:
            asked = ""
        if _asks(line):
            # A question answers nothing: an FAQ's own question matches the reader's best and was quoted
            # as the answer ("How do I know you won't start charging for this service?").
            asked = line
            continue
        if line == title and len(title.split()) < TITLE_UNIT_WORDS:
            continue  # a slide's title answers nothing by itself; it travels in its neighbours' windows
        first = 0 if i < notes_from else notes_from
        last = notes_from if i < notes_from else len(lines)
        last = next((q for q in questions if i < q < last), last)  # the next question begins another passage
        window = lines[max(first, i - 1):min(i + 2, last)]
        context = lines[max(first, i - CONTEXT_BEFORE):min(i + 1 + CONTEXT_AFTER, last)]
        units.append(Unit(chunk, line, "\n".join(window), context="\n".join(context), asked=asked))
    return units


def _asks(line: str) -> bool:
    return line.rstrip().endswith("?")


class DeckUnits:
    """The evidence units of one deck, embedded once when the deck's index is loaded."""

    def __init__(self, chunks: Sequence[Chunk], embed: Callable[[list[str]], np.ndarray],
                 splitter: LineSplitter | None = None, cache: Path | None = None):
        splitter = splitter or LineSplitter()
        units = [u for chunk in chunks for u in windows(chunk, splitter(chunk.text))]
        titled = [_with_title(_with_title(u.text, u.asked), u.chunk.title) for u in units]
        # The deck's acronyms: a window spelling one out holds it as a term too.
        self.acronyms = acronyms_in("\n".join(f"{c.title or ''}\n{c.text}" for c in chunks))
        self.units = [replace(u, terms=frozenset(terms(text) | self._spelled(text)),
                              line_terms=frozenset(terms(u.line) | _heading_terms(u.chunk.title)
                                                   | self._spelled(u.line)))
                      for u, text in zip(units, titled)]
        counts = Counter(t for c in chunks for t in terms(f"{c.title or ''}\n{c.text}"))  # chunks holding each term
        self.vocabulary = set(counts)  # every term the deck uses
        # Its words as written, for a question word it never uses ("regulation" against "regulatory").
        # The words it writes in lower case: a capitalised word it never does is a name (app/rag/someone.py).
        text = "\n".join(f"{c.title or ''}\n{c.text}" for c in chunks)
        self.lowercase = lowercase_words(text)
        self.proper = proper_words(text)  # names even where they open a line ("Redis is great for ...")
        self._words = {w for c in chunks for w in re.findall(r"[a-z]+", f"{c.title or ''}\n{c.text}".lower())
                       if len(w) >= PREFIX_LETTERS}
        # Only a deck of several chunks has terms common to most of them.
        self.common = {t for t, n in counts.items() if n >= COMMON_TERM_SHARE * len(chunks)} if len(chunks) >= 4 else set()
        # A term's weight in the lexical share: rarer in the deck, more telling (the company's name,
        # on many pages, tells little about which line answers "Who is Tidewater's CTO?").
        self._idf = {t: math.log(1 + len(chunks) / n) for t, n in counts.items()}
        self._unseen = max(self._idf.values(), default=1.0)  # a term the deck never uses weighs most
        self.subject = subject_from_files(chunks)  # the company's name, as the file names give it
        self._embed = embed
        vectors = _cached_vectors(titled, embed, cache) if titled else np.zeros((0, 1), dtype="float32")
        self._index = faiss.IndexFlatIP(vectors.shape[1])
        if len(vectors):
            self._index.add(np.ascontiguousarray(vectors, dtype="float32"))

    def query_for(self, question: str, title: str | None = None) -> str:
        """The question as the deck is searched for it: a reader's idiom with the words decks use for it
        (app/rag/idioms.py), an acronym of the deck it spells out written beside the words, the words
        every page uses left out. A question asking only what the company does is asked with its name
        (app/rag/subject.py): the owner's deck title when the deck uses its words, else the name the
        file names give; the name is kept even where every page writes it."""
        subject = title if title and terms(title) and terms(title) <= self.vocabulary else self.subject
        if subject and asks_overview(question, subject):
            return overview_query(subject)
        return self.without_common_words(with_acronyms(with_deck_words(question), self.acronyms))

    def without_common_words(self, question: str) -> str:
        """The question without the words every page uses ("Who is Soldera's CEO?" -> "Who is CEO?"), so
        that the lines naming the company do not outrank the line that answers; unchanged if nothing is left."""
        if not self.common:
            return question
        kept = [w for w in question.split() if not (terms(w) and terms(w) <= self.common)]
        return " ".join(kept) if terms(" ".join(kept)) - _framing(question) else question

    def share(self, asked: set[str], found: frozenset[str]) -> float:
        """The idf-weighted share of the question's terms found (a term the deck never uses weighs most)."""
        total = sum(self._idf.get(t, self._unseen) for t in asked)
        return sum(self._idf.get(t, self._unseen) for t in asked & found) / total if total else 0.0

    def question_terms(self, question: str) -> set[str]:
        """The question's terms that can tell one line from another (the deck's common terms left out)."""
        asked = terms(question)
        asked -= _framing(question)
        asked -= {t for m in _THE_DOCUMENT.finditer(question) for t in terms(m.group()) if t not in self.vocabulary}
        # "annual recurring revenue" is one term, the deck's ARR: its three words found apart say less.
        for acronym, words in spelled_out(question, self.acronyms).items():
            asked = (asked - terms(" ".join(words))) | {_STEM(acronym)}
        for word in set(re.findall(r"[a-z]+", question.lower())):
            if (stem := _STEM(word)) in asked and stem not in self.vocabulary:
                asked = (asked - {stem}) | {self._deck_form(word, stem)}
        return (asked - self.common) or asked

    def _deck_form(self, word: str, stem: str) -> str:
        """The deck's own term for a question word it never uses: that of the deck's word beginning with
        the same PREFIX_LETTERS letters or more ("compliance" -> "compliant", "competitors" -> "competition")."""
        if len(word) < PREFIX_LETTERS:
            return stem
        near = [w for w in self._words if _shared_prefix(w, word) >= PREFIX_LETTERS]
        best = min(near, key=lambda w: (-_shared_prefix(w, word), abs(len(w) - len(word)), w)) if near else None
        return _STEM(best) if best else stem

    def _spelled(self, text: str) -> set[str]:
        """The deck's acronyms the text spells out, as terms."""
        return {_STEM(acronym) for acronym in spelled_out(text, self.acronyms)}

    def rank(self, question: str, vector: np.ndarray, chunk_ranks: dict[str, int], n: int,
             weights: UnitWeights = UnitWeights()) -> list[UnitHit]:
        """The n best units for the question, best first (`chunk_ranks`: retrieved chunk id -> rank)."""
        if not self.units:
            return []
        pool = min(DENSE_POOL, len(self.units))
        cosines, ids = self._index.search(vector.reshape(1, -1).astype("float32"), pool)
        asked = self.question_terms(question)
        hits = []
        for cosine, i in zip(cosines[0], ids[0]):
            if i < 0:
                continue
            unit = self.units[i]
            lexical = self.share(asked, unit.terms)
            on_line = self.share(asked, unit.line_terms)
            rank = chunk_ranks.get(unit.chunk.id)
            bonus = max(0.0, weights.chunk_bonus - weights.chunk_rank_step * rank) if rank is not None else 0.0
            score = float(cosine) + weights.lexical * lexical + weights.line_lexical * on_line + bonus
            hits.append(UnitHit(unit, score, float(cosine), lexical))
        hits.sort(key=lambda h: -h.score)
        return distinct(hits, n)

    @cached_property
    def cover(self) -> Unit | None:
        """The line the deck's cover says what the company does with: the longest statement on the first
        slide or page ("Autonomous hull-cleaning robots for ocean cargo ships" under the name; not the
        date, "Investor presentation, confidential" or the presenter's name). Of several documents, the
        one whose first page says least is the deck (a whitepaper's or a report's first page is text); a
        document of sections has no cover (an FAQ's first question says nothing of the whole). None when
        no cover holds such a line. Found once per build: the units do not change."""
        paged = [u for u in self.units if u.chunk.kind in COVER_KINDS and u.chunk.page is not None]
        first_page: dict[str, int] = {}
        for unit in paged:
            first_page[unit.chunk.doc] = min(unit.chunk.page, first_page.get(unit.chunk.doc, unit.chunk.page))
        covers = [[u for u in paged if u.chunk.doc == doc and u.chunk.page == page] for doc, page in first_page.items()]
        if not covers:
            return None
        cover = min(covers, key=lambda units: (len(units[0].chunk.text.split()), units[0].chunk.doc))
        lines = [u for u in cover
                 if not u.line.startswith(SPEAKER_NOTES) and _statement_words(u.line) >= COVER_LINE_WORDS]
        return max(lines, key=lambda u: _statement_words(u.line), default=None)

    def line_cosines(self, hits: Sequence[UnitHit], vector: np.ndarray) -> list[float]:
        """Each hit's quote on its own against the question: a window can match through its neighbours,
        the line the reader is shown has to match by itself (a feature of app/rag/line_ranker.py)."""
        if not hits:
            return []
        return [float(c) for c in self._embed([h.unit.shown for h in hits]) @ vector]


def _statement_words(line: str) -> int:
    """The line's words other than a web address: a cover's statement often ends with the company's site
    ("Secure and modern document sharing infrastructure www.papermark.io"), and an address alone says nothing."""
    return sum(1 for word in line.split() if not _URL.search(word))


def distinct(hits: Sequence[UnitHit], n: int) -> list[UnitHit]:
    """The best n hits whose centre lines differ (a line repeated on two slides counts once)."""
    seen: set[str] = set()
    out = []
    for hit in hits:
        key = hit.unit.line.lower()
        if key not in seen:
            seen.add(key)
            out.append(hit)
            if len(out) == n:
                break
    return out


def _shared_prefix(a: str, b: str) -> int:
    """How many letters two words begin with alike ("compliance", "compliant": 8)."""
    return len(os.path.commonprefix([a, b]))


def _heading_terms(title: str | None) -> set[str]:
    """The terms of a title short enough to head every line under it (TITLE_LINE_WORDS)."""
    return terms(title) if title and len(title.split()) <= TITLE_LINE_WORDS else set()


def _with_title(text: str, title: str | None) -> str:
    """The window as it is embedded: with its slide's title when the window does not hold it."""
    title = (title or "").strip()
    return f"{title}\n{text}" if title and title not in text else text


def _cached_vectors(texts: list[str], embed: Callable[[list[str]], np.ndarray], cache: Path | None) -> np.ndarray:
    """The texts' vectors, read from `cache` when it holds these very texts, else embedded and saved there.

    Embedding every line of a 100-page report takes tens of seconds on two cores: it is done once per
    build (the file sits in the build folder and goes with it), not at every start.
    """
    key = hashlib.sha256("\x00".join(texts).encode()).hexdigest()[:16]
    path = cache.with_name(f"{cache.stem}.{key}.npy") if cache else None
    if path is not None and path.is_file():
        try:
            vectors = np.load(path)
            if len(vectors) == len(texts):
                return vectors
        except (OSError, ValueError) as exc:
            log.warning("unit vectors in %s unreadable (%s): embedding again", path, exc)
    vectors = np.ascontiguousarray(embed(texts), dtype="float32")
    if path is not None:
        try:
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            with open(tmp, "wb") as fh:
                np.save(fh, vectors)
            os.replace(tmp, path)
        except OSError as exc:  # a read-only index folder: embed again next start
            log.warning("cannot cache unit vectors in %s: %s", path.parent, exc)
    return vectors
