"""The verdict: what the reader is told, decided as a pure function of the evidence and the model's text.

Three outcomes, in this order (a question asking only what the company does is first quoted from
the deck's cover, never refused):
1. refused: the refusal model (which knows whether a line states the kind of fact asked for) finds
   the question unanswered by the documents (with the closest passage when it nearly answered); so
   is a question for a date, a number or a place that no good line states (of the year it names,
   where it names one), one asking who when no line that would be shown names anyone, and one asking
   for a person in a role when no line names someone in it (app/rag/someone.py);
2. extracted: a question asking for a figure or a date is answered with that fact taken from the
   best line stating one, the line itself and its citation: decided before any model runs (so is one
   asking what a thing is called, from a line writing a name beside the thing);
3. written: other questions are answered by the model in sentences that passed the checks
   (app/rag/answer_checks.py), cited with the line they rest on; when none passed, the best line.
Nothing here mutates anything; `tests/test_verdict.py` tables it without a model.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from app.rag.answer_type import COUNT, DATE, FEE, MONEY, QUANTITY, AnswerType
from app.rag.grounding import facts, states, strip_citations
from app.rag.idioms import idioms_in
from app.rag.measure import literal_asked, measure_terms, named_thing, names_measure, states_measured
from app.rag.prompting import REFUSAL_SENTENCE
from app.rag.refusal import is_refusal
from app.rag.someone import (
    asks_for_person,
    asks_for_someone,
    names_someone,
    question_words,
    role_holders,
    role_written,
    says_of_role,
)
from app.rag.units import quote_text, terms, window_quote

# Line scores are the line ranker's probability that the line states the answer (line_ranker.py).
# A typed line must be about as likely as the best line: "how many Presidential Libraries" is not
# answered by a line about FOIA requests that happens to hold a figure. Chosen on the tuning half with
# the ranker (answer accuracy, second line at 0.5: share 0.75 -> 0.711, 0.5 -> 0.711, 0.25 -> 0.716, 0 -> 0.716).
TYPED_LINE_SHARE = 0.25
QUOTED_ANSWER = "The documents say: \u201c{quote}\u201d"
EXTRACTED_ANSWER = "{span} \u2014 \u201c{quote}\u201d"


@dataclass(frozen=True)
class EvidenceLine:
    """One evidence unit as the verdict sees it: its line, its window and the source it cites."""

    line: str
    window: str
    source: int  # 0-based index into the answer's sources
    score: float
    context: str = ""  # the lines quoted around it (the window when not given)
    # The idf share of the question's terms on the line itself or its slide's heading (DeckUnits.share);
    # 1.0 where not measured.
    line_share: float = 1.0
    asked: str = ""  # the document's own question its passage answers (app/rag/units.py windows)
    heading: str = ""  # the title of its slide, page or section

    @property
    def shown(self) -> str:
        """What is quoted to the reader: the line, or the window when the line alone says too little."""
        return quote_text(self.line, self.window)

    @property
    def in_context(self) -> str:
        """The line quoted with its neighbours."""
        return window_quote(self.context or self.window)


@dataclass(frozen=True)
class Evidence:
    """Everything the verdict is decided on, known before the model runs."""

    question: str
    wanted: AnswerType | None
    lines: tuple[EvidenceLine, ...]  # best first
    answerable: bool  # the refusal model's decision
    p_answerable: float = 1.0
    lowercase: frozenset[str] = frozenset()  # the words the deck writes in lower case (app/rag/someone.py)
    # For a question asking what the company does (app/rag/subject.py): the cover's line saying it.
    cover: EvidenceLine | None = None
    proper: frozenset[str] = frozenset()  # the words the deck writes as names inside a sentence (someone.py)

    @property
    def floor(self) -> float:
        """The least score of a line about as likely to answer as the best one (TYPED_LINE_SHARE)."""
        best = self.lines[0].score
        return best - (1 - TYPED_LINE_SHARE) * abs(best)

    def typed_line(self) -> EvidenceLine | None:
        """The best line stating the wanted kind of fact, if it is nearly as relevant as the best line (or
        such a line's window, where a bare value or a fact that says what it is sits beside it)."""
        if self.wanted is None or not self.lines:
            return None
        floor = self.floor
        if self.wanted.span_where_stated:
            # A place counts only in a line that says it is the seat ("headquartered in"): such a line
            # answers however weakly it matched. "Where are their offices?" matched the patents line
            # ("European Patent Office") far better than "Our headquarters ... are in Gothenburg".
            floor = float("-inf")
        stating = next((e for e in self.lines if e.score >= floor and self.wanted.spans(e.shown)), None)
        if stating is not None:
            stating = self._preferred(stating, floor)
            if stating is None:
                return None
        beside = next((_with_value(e) for e in self.lines if e.score >= floor and _value_beside(self.wanted, e)), None)
        return stating or beside or next((_with_value(e) for e in self.lines if e.score >= floor
                                          and self.wanted.read_beside and self.wanted.spans(e.window)), None)

    def _preferred(self, stating: EvidenceLine, floor: float) -> EvidenceLine | None:
        """Among the lines stating the wanted kind of fact, the one that answers, `stating` being the best
        scored; None: none does (a question about now that only targets answer)."""
        # A line labelled with what the question names ("SAM: $1.1 billion") states it; a line about as
        # likely that only mentions it ("SOM: $96 million ... of our SAM") states something else.
        asked = frozenset(terms(self.question))
        stating = next((e for e in self.lines if e.score >= LABEL_LINE_SHARE * stating.score
                        and _labels_value(self.wanted, e.line) & asked), stating)
        # A line found by the measure alone ("a tolling fee of 310 euros" for "What does decolourisation
        # cost?") gives way to one saying what the question asks it of ("decolourisation ... adds about 40
        # euros per tonne").
        subject = asked - measure_terms(self.question, self.wanted)

        def says_subject(text: str, wholly: bool = False) -> bool:  # in the question's words or in a deck's
            said = subject <= terms(text) if wholly else bool(subject & terms(text))  # words for its idiom
            return said or bool(idioms_in(self.question)) and _says_idioms(self.question, text)

        if subject and not says_subject(stating.shown):
            stating = next((e for e in self.lines if e.score >= floor and self.wanted.spans(e.shown)
                            and says_subject(e.shown, wholly=True)), stating)
        # A count is of what the question counts: "How many ships use it?" is not answered by "The round funds
        # 24 months of runway" (a count beside a word naming the measure, as the refusal feature asks).
        counted = measure_terms(self.question, COUNT) if self.wanted is COUNT else frozenset()
        if counted and not states_measured(COUNT, counted, stating.shown, stating.asked):
            stating = next((e for e in self.lines if e.score >= floor
                            and states_measured(COUNT, counted, e.shown, e.asked)), None)
            if stating is None:
                return None
        # A fact answers from a line that says something the question asks about: "When will they launch in
        # Asia?" is not answered by "SOM: $96 million by 2030" (no word of it on the line or its heading),
        # only because its neighbour says "Asia". Not asked of a fact whose form says what it is ("68 kg",
        # "headquartered in Gothenburg").
        if stating.line_share <= 0 and not self.wanted.says_what_it_is:
            stating = next((e for e in self.lines if e.score >= floor and self.wanted.spans(e.shown)
                            and e.line_share > 0), None)
            if stating is None:
                return None
        # A physical measure sits beside the thing asked about ("a 60 m tether"), see AnswerType.
        if self.wanted.beside_asked and not states_measured(self.wanted, asked, stating.shown):
            stating = next((e for e in self.lines if e.score >= floor
                            and states_measured(self.wanted, asked, e.shown)), stating)
        # A question naming a year ("What revenue does it project for 2027?") is answered by a line of that
        # year, or about it: "300k" beside the revenue chart's disclaimer is no year's revenue.
        years = _YEAR.findall(self.question)
        if years and self.wanted is not DATE and not _of_years(stating, years):
            stating = next((e for e in self.lines if e.score >= floor and self.wanted.spans(e.shown)
                            and _of_years(e, years)), None)
            if stating is None:
                return None
        # A question about now ("What is the current revenue?") is answered by a line saying it is now
        # ("ARR of $310,000 as of February 2026") of what it measures ("We have 17 employees today" says
        # nothing of ships under contract); else by one that is no target or projection ("Reach EUR 1M
        # ARR by Summer 2025", "450 ships under contract by end of 2029"); else not at all.
        if _NOW.search(self.question) and not _NOW_STATED.search(stating.shown):
            measure = measure_terms(self.question, self.wanted)
            of_measure = [e for e in self.lines if e.score >= floor and self.wanted.spans(e.shown)
                          and names_measure(measure, frozenset(terms(e.shown)))
                          and (not counted or states_measured(COUNT, counted, e.shown, e.asked))]
            stating = next((e for e in of_measure if _NOW_STATED.search(e.shown)), stating)
            if _TARGET.search(stating.shown):
                return next((e for e in of_measure if not _TARGET.search(e.shown)), None)
        return stating


_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


def _of_years(line: EvidenceLine, years: list[str]) -> bool:
    """Whether the line, its neighbours, the lines quoted around it or its heading name every one of the years
    ("Series A fundraise ($20M @ $200M valuation)" four items under "Q4 2025: Domination")."""
    around = f"{line.line}\n{line.window}\n{line.context}\n{line.heading}"
    return all(re.search(rf"(?<!\d){year}(?!\d)", around) for year in years)


_NOW = re.compile(r"\b(?:current|currently|today|now|to date|so far|at present|presently)\b", re.IGNORECASE)
_TARGET = re.compile(r"\b(?:targets?|targeted|goals?|aims?|plans?|planned|projected|projections?|forecasts?|"
                     r"expected|expects?|will|reach|by (?:the )?(?:end of |summer |winter |spring |autumn |fall |fy ?)?(?:q[1-4] )?20\d\d)\b",
                     re.IGNORECASE)
_NOW_STATED = re.compile(r"\b(?:as of|as at|today|currently|to date|so far|at present|presently|now)\b", re.IGNORECASE)


# A labelled line within this share of the best typed line's probability is preferred to it.
LABEL_LINE_SHARE = 0.5
# A label is a few words before a colon ("SAM", "Pre-seed Round Target"), not a sentence's first clause
# ("We have 17 full-time employees today: 11 in engineering, ...").
_LABEL = re.compile(r"^\s*((?:[^\s:/]+\s+){0,3}[^\s:/]+)\s*:\s*")


def _labels_value(wanted: AnswerType, line: str) -> set[str]:
    """The terms of the label opening a line whose value, right after it, is a fact of the wanted kind
    ("SAM: $1.1 billion" -> {"sam"}; not "Skills: COBOL flow, Struts 1 lifecycle"), or none."""
    found = _LABEL.match(line)
    if not found:
        return set()
    value = line[found.end():]
    return terms(found.group(1)) if any(m.start() == 0 for m in wanted.span_matches(value)) else set()


# A slide often sets a label and its value on lines of their own ("Capital for Trade Finance" over
# "1.7M", "September 2024" over "Investment Presentation"): a line beside the matching one that holds
# no more than this many words, a fact of the kind asked for among them, is that line's value. Tuning
# half, answer right: 0.830 -> 0.835 at 2, 3 and 5 words alike ("When was this Soldera investor
# presentation put together?" answered "September 2024"); validation unchanged.
VALUE_LINE_WORDS = 3


def _value_beside(wanted: AnswerType, line: EvidenceLine) -> bool:
    """Whether a short line beside this one is a bare fact of the wanted kind."""
    return any(part != line.line and len(part.split()) <= VALUE_LINE_WORDS and wanted.spans(part)
               for part in (p.strip() for p in line.window.split("\n")) if part)


def _with_value(line: EvidenceLine) -> EvidenceLine:
    """The line quoted with its neighbours, so that the value beside it is shown with it."""
    return replace(line, line=window_quote(line.window))


def states_wanted(wanted: AnswerType | None, lines: Sequence[EvidenceLine]) -> bool:
    """Whether any evidence line states the kind of fact the question asks for (a refusal feature)."""
    return wanted is not None and any(wanted.spans(line.shown) for line in lines)


@dataclass(frozen=True)
class Quote:
    text: str
    source: int


@dataclass(frozen=True)
class Verdict:
    """What the reader is shown, and why."""

    answer: str
    refused: bool
    why: str  # "extracted" | "written" | "quoted" | "refused: ..."
    quote: Quote | None = None
    used: tuple[int, ...] = ()  # sources the answer rests on
    model_text: str | None = None  # the model's own words when the reader is shown something else


def refusal(why: str, model_text: str | None = None) -> Verdict:
    return Verdict(REFUSAL_SENTENCE, True, f"refused: {why}", model_text=model_text)


# A question refused with p(answerable) at least this high is refused with the passage that came
# closest: the refusal model refuses some answerable questions (7% of the validation half's), and
# those sit just under its threshold, with the fact often in the best line. The reader is told the
# documents do not say it clearly, and shown where they come nearest, so a wrong refusal still shows
# the fact and a right one shows what the deck says instead. Below it the best line is seldom about
# the question at all. Chosen on the tuning half: its answerable questions' lowest p(answerable) is
# 0.38; at 0.35 all six refused ones show their passage (four holding the fact) and 15 of its 42
# refused unanswerable ones show one (at 0.2: 29 of 42; docs/architecture.md).
NEAR_REFUSAL_P = 0.35
NEAR_REFUSAL = "The documents do not say this clearly. The closest passage: \u201c{quote}\u201d"


def refusal_near(evidence: Evidence, why: str | None = None) -> Verdict:
    """The refusal of a question the documents do not seem to answer, with the closest passage when
    the decision was near (the reader sees what the deck says; the turn still counts as unanswered).
    `why`: a rule refused a question the refusal model found answerable, so always near."""
    near = why is not None or evidence.p_answerable >= NEAR_REFUSAL_P
    why = why or f"the documents do not seem to answer it (p={evidence.p_answerable:.2f})"
    if not near or not evidence.lines:
        return refusal(why)
    line = evidence.lines[0]
    text = _quoted_text(line)
    return Verdict(cite(NEAR_REFUSAL.format(quote=text), (line.source,)), True, f"refused: {why}",
                   Quote(text, line.source), (line.source,))


def cite(text: str, used: tuple[int, ...]) -> str:
    return f"{text} {''.join(f'[{i + 1}]' for i in used)}" if used else text


# A second line is quoted too when it is at least this share as likely to state the answer. Tuning
# half, answer accuracy: never 0.655, 0.9 0.675, 0.8 0.686, 0.7 0.701, 0.5 0.716, always 0.722. Not
# "always": that buys one question of 196 with a second, unrelated line under many answers.
SECOND_LINE_SHARE = 0.5


# A quoted line shorter than this is shown with the lines around it: on a slide a short line is a
# fragment whose subject sits beside it ("Co-Founder of Papermark" under the names, "Founder & CEO
# of Solid World" under "Stenver Jerkku"). Tuning half, answer accuracy: 5 words (as any quote)
# 0.716, 10 and 16 words 0.727, every quoted line 0.732 (median answer 25 -> 27 words at 10, 32 at
# every line); 10, as good as 16 and shorter.
CONTEXT_LINE_WORDS = 10


def _quoted_text(line: EvidenceLine) -> str:
    """A line as it is quoted: with its neighbours when it is short, or when it introduces what follows
    ("To disable these automatic updates of the package definitions and Homebrew itself:" is no answer
    without the setting on the next line)."""
    if len(line.line.split()) < CONTEXT_LINE_WORDS or line.line.rstrip().endswith(":"):
        return line.in_context
    return line.shown


def quoted(line: EvidenceLine, model_text: str | None = None, runner_up: EvidenceLine | None = None,
           second_always: bool = False) -> Verdict:
    """The best line in the documents' own words (and the next one, when it is about as good or
    `second_always`)."""
    text = _quoted_text(line)
    if runner_up is not None and not second_always and runner_up.score < SECOND_LINE_SHARE * line.score:
        runner_up = None
    # A neighbour already shown in the best line's context is not quoted again.
    if runner_up is not None and text != line.line and (runner_up.line in text or line.line in runner_up.window):
        runner_up = None
    # A runner-up holding the best line (a neighbour's window) would say it twice: the best line is
    # shown once, with its own neighbours (where a name or a figure often sits: "Arturas Zatulinas /
    # Head of B2B in Elektrum"); one held by the best line adds nothing.
    if runner_up is not None and text in runner_up.shown:
        text, runner_up = line.in_context, None
    elif runner_up is not None and runner_up.shown in text:
        runner_up = None
    if runner_up is not None:
        used = tuple(dict.fromkeys((line.source, runner_up.source)))
        answer = (f"{QUOTED_ANSWER.format(quote=text)} [{line.source + 1}] "
                  f"\u201c{runner_up.shown}\u201d [{runner_up.source + 1}]")
        return Verdict(answer, False, "quoted", Quote(text, line.source), used, model_text)
    answer = cite(QUOTED_ANSWER.format(quote=text), (line.source,))
    return Verdict(answer, False, "quoted", Quote(text, line.source), (line.source,), model_text)


def before_model(evidence: Evidence, write: bool = True) -> Verdict | None:
    """The verdict when it needs no model (a refusal, an extracted fact, or with `write` off the best
    line itself); None: the model writes it."""
    if not evidence.lines:
        return refusal("nothing relevant retrieved")
    if evidence.cover is not None:
        # Every deck says what the company does, on its cover at least: "What do they do?" is answered by
        # the cover's line and the best line, even where the refusal model doubts the best line.
        return None if write else _from_cover(evidence)
    if not evidence.answerable:
        return refusal_near(evidence)
    line = evidence.typed_line()
    # A question for a date, a number, a share, a place or an address that no good line states is
    # refused with the closest passage ("When is the round expected to close?" was answered with the
    # round's amount). One for money is refused only when no good line states an amount or a share:
    # an amount lost or earned is often stated as a share ("losing up to 60% revenue"), and those lines
    # are quoted. Tuning half: 3 unanswerable questions more refused, no answer lost; money refused
    # without a share's way out, 2 right answers lost; with it, nothing changed on tuning and 2
    # validation unanswerable questions refused (docs/architecture.md).
    if line is None and evidence.wanted is not None and (
            evidence.wanted not in (MONEY, FEE) or replace(evidence, wanted=FEE).typed_line() is None):
        return refusal_near(evidence, f"no line states the {evidence.wanted.name} asked for")
    # A question for no figure, or for an amount of money only a share states: quoted like any other.
    if line is None:
        years = _YEAR.findall(evidence.question)
        if years and not any(e.score >= evidence.floor and _of_years(e, years) for e in evidence.lines):
            return refusal_near(evidence, f"no good line is of {' and '.join(years)}")
        named = _literal(evidence) or _named(evidence)
        if named is not None:
            name, line = named
            return extracted(name, line.shown, line.source)
        best = quoted(evidence.lines[0], runner_up=_second(evidence))
        if not _says_idioms(evidence.question, best.answer):
            # A reader's idiom is answered in the words decks write for it ("make money": fees, pricing).
            saying = next((e for e in evidence.lines if e.score >= evidence.floor
                           and _says_idioms(evidence.question, _quoted_text(e))), None)
            if saying is None:
                return refusal_near(evidence, "no good line says what the question asks in any words for it")
            best = quoted(saying)
        if asks_for_someone(evidence.question) and not _names_someone(evidence, best.answer):
            naming = _naming_line(evidence)
            if naming is None:
                return refusal_near(evidence, "no line shown names anyone")
            best = quoted(naming)
        if asks_for_person(evidence.question) and not _holds_role(evidence, best.quote.text):
            # A person in another role does not answer ("Who is the head of sales?": the CEO's line).
            holder = next((e for e in evidence.lines if _holds_role(evidence, _quoted_text(e))), None)
            if holder is None:
                return refusal_near(evidence, "no line names someone in the role asked about")
            best = quoted(holder)
        return None if write else best
    if not _of_role(evidence, line.shown):
        # "When did the CTO join?" is not answered by "Priya Raman joined ... in early 2024" where the deck
        # writes "CTO Tomas Lindqvist" and "COO Priya Raman".
        return refusal_near(evidence, "no line states it of the role asked about")
    wanted = _fact_type(evidence.wanted, line.shown, evidence.question)
    # "What is the revenue?" over "Revenue 2027: $3.4 million" among the other years' lines: no year is the
    # answer more than another, so the years are quoted together (one of them had been picked).
    if wanted is not DATE and not _YEAR.search(evidence.question) and _yearly(wanted, line.window, evidence.question):
        return quoted(_with_value(line))
    span = _with_unit(wanted, _span_for(wanted, line.shown, evidence.question), line.shown)
    return extracted(span, _extract_quote(wanted, span, line, evidence.question), line.source)


# Words of a reader's idiom that frame it rather than name its thing ("make money": "money" names it).
_IDIOM_FRAMING = frozenset(terms("make makes making paying first who are which any"))


def _says_idioms(question: str, text: str) -> bool:
    """Whether the text says what each of the question's idioms asks, in a phrase decks write for it (all
    its words) or in the reader's own word: "How will the product make money?" is not answered by "Business impact —
    ₹1,776 cr" (found by its "business" alone); "10-30% trading fees" and "Well regulated" (for
    "regulation") are. True for a question without idioms."""
    said = terms(text)
    return all(any(terms(phrase) <= said for phrase in phrases) or said & (terms(written) - _IDIOM_FRAMING)
               for written, phrases in idioms_in(question))


def _yearly(wanted: AnswerType, window: str, question: str) -> bool:
    """Whether the lines state facts of the wanted kind for two years or more, one year to a line."""
    years: set[str] = set()
    for part in window.split("\n"):
        named = set(_YEAR.findall(part))
        if len(named) == 1 and _answering_spans(wanted, _YEAR.sub(" ", part), question):
            years |= named
    return len(years) >= 2


def _from_cover(evidence: Evidence, model_text: str | None = None) -> Verdict:
    """The cover's line, and the best line when it is a sentence: a short one is a fragment found for the
    company's name ("Tidewater Robotics - Engineering Team - Version 1.3", the whitepaper's byline)."""
    line = evidence.lines[0]
    return quoted(evidence.cover, model_text, runner_up=line if len(line.line.split()) >= CONTEXT_LINE_WORDS else None,
                  second_always=True)


def extracted(span: str, quote: str, source: int) -> Verdict:
    """A fact taken from the documents, shown with the words it was taken from and their citation."""
    return Verdict(cite(EXTRACTED_ANSWER.format(span=span, quote=quote), (source,)), False, "extracted",
                   Quote(quote, source), (source,))


def after_model(evidence: Evidence, shown: str, model_text: str) -> Verdict:
    """The verdict on the model's answer: `shown` is what passed the checks and was streamed."""
    if not shown.strip():
        if evidence.cover is not None:  # never refused, as without the model
            return _from_cover(evidence, model_text)
        if is_refusal(model_text) and evidence.p_answerable < 0.5:
            return refusal("the model found no answer in the evidence", model_text)
        return quoted(evidence.lines[0], model_text)
    rests_on = _resting_line(evidence, shown)
    used = (rests_on.source,) if rests_on else ()
    quote = Quote(rests_on.shown, rests_on.source) if rests_on else None
    return Verdict(cite(shown.strip(), used), False, "written", quote, used,
                   model_text if model_text.strip() != shown.strip() else None)


def _names_someone(evidence: Evidence, text: str) -> bool:
    return names_someone(text, question_words(evidence.question), evidence.lowercase,
                         person=asks_for_person(evidence.question), proper=evidence.proper)


def _of_role(evidence: Evidence, text: str) -> bool:
    """Whether the text is about the role the question names, where an evidence line names its holder
    (app/rag/someone.py); True for a question naming no role, or asking who holds one."""
    if asks_for_person(evidence.question):
        return True
    holders = role_holders(evidence.question, [e.window for e in evidence.lines], evidence.lowercase)
    return says_of_role(evidence.question, text, holders)


def _holds_role(evidence: Evidence, text: str) -> bool:
    """Whether the quote names someone and writes the role the question names (app/rag/someone.py)."""
    return role_written(evidence.question, text) and _names_someone(evidence, text)


def _naming_line(evidence: Evidence) -> EvidenceLine | None:
    """For a question asking who whose best lines name no one: a line of the same slide or page that does
    ("Who are their competitors?": the sample deck's "ROV service firms such as SeaScrub Services" under
    "Diver teams: ..."). Not from other pages: on the tuning half, any evidence line naming anyone answered
    3 of the 4 unanswerable questions this refuses, with a name from elsewhere (docs/architecture.md)."""
    best = evidence.lines[0]
    return next((e for e in evidence.lines[1:]
                 if e.source == best.source and _names_someone(evidence, _quoted_text(e))), None)


def _second(evidence: Evidence) -> EvidenceLine | None:
    return evidence.lines[1] if len(evidence.lines) > 1 else None


def _extract_quote(wanted: AnswerType, span: str, line: EvidenceLine, question: str) -> str:
    """The quote under an extracted fact. A short line is shown with its neighbours ("$4B" alone says
    nothing), except where they state other facts of the kind asked for and the window's line holding
    this one also holds a word of the question, so says what the fact is by itself: "Revenue 2029:
    $21.5 million" without the two years before it, which would leave the reader to pick."""
    if line.shown == line.line:
        return line.shown
    parts = [part.strip() for part in line.window.split("\n") if part.strip()]
    asked = terms(question) - terms(span)
    for part in parts:
        others = [p for p in parts if p != part]
        if span in part and terms(part) & asked and any(_answering_spans(wanted, p, question) for p in others):
            return part
    return line.shown


def _answering_spans(wanted: AnswerType, text: str, question: str) -> list[str]:
    """The facts of the wanted kind in the text that the question does not state itself ("How many
    countries within two years?" is not answered by "Two")."""
    asked = question.lower()
    return [s for s in wanted.spans(text) if not re.search(rf"(?<!\w){re.escape(s.lower())}(?!\w)", asked)]


def _fact_type(wanted: AnswerType, line: str, question: str) -> AnswerType:
    """The kind of fact taken from the line: "how much is the target?", typed as any number, asks for
    the amount of money when the line states one. A type of its own keeps its kind: "how much time"
    is a span of time, "how much is the commission" may be a share."""
    return MONEY if wanted is QUANTITY and "how much" in question.lower() and MONEY.spans(line) else wanted


_WORD = re.compile(r"[\w'\u2019&-]+")


NAME_WORDS = 4  # a name is at most this many capitalised words ("Full Care", "Maren Okafor")


def _same_word(word: str, thing: str) -> bool:
    """The thing itself, singular or plural ("token", "Tokens"); not a word of the same stem ("Robotics")."""
    word = word.lower()
    return word in (thing, f"{thing}s", f"{thing}es") or f"{word}s" == thing


def _named(evidence: Evidence) -> tuple[str, EvidenceLine] | None:
    """For "What is the name of the native token?" / "What is the warranty called?": the first evidence
    line writing a name beside the thing, and that name; None when no line names it so."""
    thing = named_thing(evidence.question)
    if thing is None:
        return None
    asked = terms(evidence.question)
    return next(((name, line) for line in evidence.lines if (name := _name_beside(line.line, thing, asked))), None)


_CODE = re.compile(r"`([^`\n]+)`")  # inline code, as the loaders mark it (ingest/loaders/base.py, inline_code)


def _literal(evidence: Evidence) -> tuple[str, EvidenceLine] | None:
    """For "Which utility shows the raw bytes?": the first good line's code of the form asked for that the
    question does not write itself ("run `xxd`" -> "xxd"; not "`~/.inputrc`" for "Which option in ~/.inputrc
    ...?", nor "`£`"), and that line; None when the question asks for no such thing or no good line writes it."""
    form = literal_asked(evidence.question)
    if form is None:
        return None
    asked = evidence.question.lower()
    for line in evidence.lines:
        if line.score < evidence.floor:
            break
        code = next((m.group(1) for m in _CODE.finditer(line.line)
                     if m.group(1).lower() not in asked and form.search(m.group(1))), None)
        if code is not None:
            return code, line
    return None


def _name_beside(text: str, thing: str, asked: set[str]) -> str | None:
    """The capitalised name written beside the thing: before it past the question's own words ("native
    SKYT tokens", "SKYT Native Tokens" -> "SKYT", "our Full Care warranty" -> "Full Care"), or else after
    it ("CEO Maren Okafor"). Words apart by more than a space are not beside each other: in "PS6 · Team
    Arya", "PS6" is not the team's name."""
    words = list(_WORD.finditer(text))

    def beside(a: int, b: int) -> bool:
        return not text[words[a].end():words[b].start()].strip()

    def asked_word(j: int) -> bool:
        found = terms(words[j].group())
        return bool(found) and found <= asked

    def name_word(j: int) -> bool:
        return words[j].group()[:1].isupper() and bool(terms(words[j].group())) and not asked_word(j)

    def run(j: int, step: int) -> str | None:
        """The name's words from j on, going by `step`; not one plain word opening the line ("Magnetic")."""
        end = j
        while 0 <= end + step < len(words) and beside(min(end, end + step), max(end, end + step)) \
                and name_word(end + step):
            end += step
        first, last = min(j, end), max(j, end)
        name = text[words[first].start():words[last].end()]
        plain = first == last == 0 and not re.search(r"\d|.[A-Z]", name)
        return None if plain or last - first >= NAME_WORDS else name

    if (defined := _defined_as(text, thing, asked)) is not None:
        return defined
    for i in (i for i, w in enumerate(words) if _same_word(w.group(), thing)):
        j = i - 1
        while j >= 0 and beside(j, j + 1) and asked_word(j):
            j -= 1
        if j >= 0 and beside(j, j + 1) and name_word(j) and (name := run(j, -1)):
            return name
        if i + 1 < len(words) and beside(i, i + 1) and name_word(i + 1) and (name := run(i + 1, 1)):
            return name
    return None


# A sentence that says what its subject is: "MantaBot M2 is a magnetic crawler robot that ..." names the
# robot, its name a few capitalised words opening the sentence.
_DEFINED_AS = re.compile(rf"(?:^|(?<=[.!?]\s))((?:[A-Z][\w'\u2019&-]*\s+){{0,{NAME_WORDS - 1}}}[A-Z][\w'\u2019&-]*)"
                         r"\s+(?:is|was|are)\s+(?:a|an|the|our|their)\s+((?:[\w-]+\s+){0,3}[\w-]+)")


def _defined_as(text: str, thing: str, asked: set[str]) -> str | None:
    """The name of a sentence's subject when the sentence says it is the thing ("X is a ... robot")."""
    for found in _DEFINED_AS.finditer(text):
        name, kind = found.group(1), found.group(2).split()
        name = re.sub(r"^(?:The|Our|Their|This|Its)\s+", "", name)
        if any(_same_word(word, thing) for word in kind) and not terms(name) <= asked:
            return name
    return None


# Units of measure written right after a figure ("650 W", "7.2 kWh", "180 rpm"): shown with it.
_UNIT = re.compile(r"\s?(?:[kMGT]?W|[kMGT]?Wh|[kM]?V|mA|[kMG]?Hz|rpm|[kM]?N|bar|psi|dB|\u00b0[CF]|[kMGT]B|[MG]bps|"
                   r"kg|tonnes?|km|cm|mm|m|micro(?:n|met(?:er|re))s?|kmh|km/h|mph|knots?)(?![\w/])")


def _with_unit(wanted: AnswerType, span: str, line: str) -> str:
    """A number that is an amount of money in its line is shown as the amount: "How big is the contract?"
    was answered "20M" from "signed worth ~$20M"; one with a unit of measure with its unit ("650 W")."""
    if wanted is not QUANTITY:
        return span
    money = next((money for money in MONEY.spans(line) if span in money and len(money) > len(span)), None)
    if money:
        return money
    at = line.find(span)
    unit = _UNIT.match(line, at + len(span)) if at >= 0 and not span.endswith("%") else None
    return span + unit.group() if unit else span


_LINE_WORD = re.compile(r"[a-z0-9](?:[a-z0-9&'\u2019-]*[a-z0-9])?")  # "r&d" one word
_OF_TOTAL = re.compile(r"^\s*(?:out )?of\s+\d[\d,.]*")  # "38 of 39 planned sessions": 38 counts sessions too
_WORD_AFTER = re.compile(r"[^\W\d_][\w'\u2019-]*")
COUNTED_WORDS = 2  # "55,000 merchant vessels": the counted noun within two words of its figure


def _span_for(wanted: AnswerType, line: str, question: str) -> str:
    """The fact of the wanted kind in the line that the question does not state itself: the one nearest
    a word of the question, else the first."""
    spans = _answering_spans(wanted, line, question) or wanted.spans(line)
    if wanted is COUNT and len(spans) > 1:
        # A count is of the word after it: "55,000 merchant vessels above 5,000 gross tons" counts vessels
        # with its first figure, though the second stands nearer "vessels".
        counted = measure_terms(question, COUNT)
        before_counted = [s for s in spans if counted and any(
            counted & terms(" ".join(_WORD_AFTER.findall(_OF_TOTAL.sub("", line[m.end():], count=1))[:COUNTED_WORDS]))
            for m in re.finditer(rf"(?<![\w.,]){re.escape(s)}(?![\w])", line))]
        spans = before_counted or spans  # of several, the nearest a word of the question, as below
    # The nearest a word of the question (by stem, "R&D" too) is the fewest characters from one: "R&D (20%),
    # team (10%)" gives R&D 20% and the team 10%. Of two as near, the one with more of the question's words
    # around it ("2M document links viewed / 350k documents shared": "How many documents were shared?").
    asked = terms(question)
    anchors = [(m.span(), terms(m.group()) & asked) for m in _LINE_WORD.finditer(line.lower())]
    anchors = [(at, said) for at, said in anchors if said]
    if len(spans) > 1 and anchors:
        found = {s: [m.span() for m in re.finditer(rf"(?<![\w.,]){re.escape(s)}", line)] for s in spans}

        def nearness(span: str) -> tuple[int, int]:
            gaps = [(_gap(at, a), said) for at in found[span] for a, said in anchors]
            around = set().union(*(said for gap, said in gaps if gap <= NEAR_CHARACTERS)) if gaps else set()
            return min((gap for gap, _ in gaps), default=len(line)), -len(around)

        return min(spans, key=nearness)
    return spans[0]


NEAR_CHARACTERS = 20  # the question's words this near a figure are around it


def _gap(one: tuple[int, int], other: tuple[int, int]) -> int:
    """The characters between two stretches of a line (0 where they touch or overlap)."""
    return max(0, other[0] - one[1], one[0] - other[1])


def _resting_line(evidence: Evidence, answer: str) -> EvidenceLine | None:
    """The evidence line holding most of the answer's facts (the quote that cannot contradict it)."""
    stated = facts(strip_citations(answer))
    if not stated:
        return evidence.cover or evidence.lines[0]
    lines = (evidence.cover, *evidence.lines) if evidence.cover else evidence.lines
    best = max(lines, key=lambda e: sum(states(e.window, f) for f in stated))
    return best if any(states(best.window, f) for f in stated) else None
