"""What a question asks for, and whether the evidence names it.

"How many employees does Soldera have?" asks for a number of employees: a line stating "95% of
administrative overhead" holds a number, but not that one. "Which OCR engine does Docling use?" asks
for an engine: evidence that never says "engine" rarely answers it. The refusal decision and the
line ranker learn from whether a line names the measure (the word itself or one of the same
measure: "funding" is named by "raising $2M"); the refusal decision, for a typed question, from
whether a fact of the kind asked for sits beside such a word ("178 customers"). A question whose
measure is not found in words here (a date, "how long", "what is the...") is not checked.
"""

from __future__ import annotations

import re

from app.rag.answer_type import (
    COUNT,
    FEE,
    LICENCE,
    MONEY,
    MONEY_MEASURES,
    PERCENT,
    QUANTITY,
    TIME_UNIT,
    AnswerType,
    expected_type,
    uncontracted,
)
from app.rag.units import terms

# Words that end the phrase naming the measure ("how many employees | does Soldera have").
_PHRASE_END = {
    "a", "an", "the", "of", "in", "on", "at", "for", "to", "by", "per", "from", "with", "across", "into", "so",
    "is", "are", "was", "were", "be", "been", "does", "do", "did", "has", "have", "had", "will", "would",
    "can", "could", "should", "they", "it", "its", "their", "this", "that", "there", "these", "those", "you",
    "we", "he", "she", "i", "and", "or", "than",
    # verbs that follow a measure ("how many seeds | went into ...")
    "come", "comes", "came", "go", "goes", "went", "get", "gets", "got", "make", "makes", "made", "turn",
    "turned", "use", "used", "work", "worked", "take", "took",
    # a negation or an adverb after the measure ("what share of SMEs | can't take part", "of producers
    # | don't even register"): the word before it is the head, not "can't" or "even"
    "not", "cannot", "never", "even", "already", "still", "currently", "now", "ever", "also", "actually",
    "previously", "recently", "originally", "initially", "formerly", "mostly", "mainly", "primarily", "usually",
    "typically",
    # a preposition or a clause after it ("how many students graduate | within ...")
    "within", "during", "after", "before", "about", "under", "over", "between", "through", "via", "without",
    "since", "until", "among", "like", "as", "if", "when", "where", "while", "who", "which", "what",
}
_NEGATED = re.compile(r"n['\u2019]t$")
# A word followed by one of these is the verb whose object they begin ("What web framework | serves the
# simulator's API?", "Which courses | see the most ..."): the phrase ends before it.
_OBJECT_START = {"the", "a", "an", "its", "their", "his", "her", "our", "this", "these", "those", "each",
                 "every", "most"}
_PHRASE_WORDS = 3
# Words naming the same measure: a line answers with any of them. General investor vocabulary,
# not fitted to questions: app/rag/refusal_model.json's figures say what the feature is worth.
_SAME_MEASURE = (
    "funding fund funds raise raising raised round investment invest invested seeking seek capital money",
    "valuation valued premoney postmoney cap",
    "revenue revenues sales arr mrr turnover income",
    "price prices pricing cost costs fee fees charge charges subscription priced pay pays paid",
    "employees employee staff people team headcount fte hires",
    "customers customer clients client users user subscribers subscriber subscriptions",
    # A market is sized as TAM / SAM / SOM on most decks' market slide; a token's supply is its circulation.
    "market markets tam sam som",
    "supply circulation circulating",
    # A metric named by two words is not its second word's measure: a customer's acquisition cost is no
    # fee or price, a customer's lifetime value no revenue (_COMPOUND below).
    "acquisition cac",
    "lifetime ltv clv",
)
# Investors' metrics written as a money word after the word that makes them a metric of their own
# ("What is the customer acquisition cost?" was answered "$6,500" from the sample deck's onboarding fee).
_COMPOUND = re.compile(r"\b(acquisition)\s+costs?\b|\b(lifetime)\s+values?\b|\b(cac|ltv|clv)\b", re.IGNORECASE)
_MONEY_WORD = re.compile(rf"(?<![\w-])({MONEY_MEASURES}|market|tam|sam|som)\b", re.IGNORECASE)
_AFTER = {
    COUNT: re.compile(r"\bhow many\s+(.*)", re.IGNORECASE),
    QUANTITY: re.compile(r"\bnumber of\s+(.*)", re.IGNORECASE),
    PERCENT: re.compile(r"\bwhat (?:percentage|percent|share|fraction|proportion) of\s+(.*)", re.IGNORECASE),
}
_KINDS_OF = re.compile(r"^(?:different |distinct |separate )?(?:kinds?|types?|sorts?|categories|classes|varieties)"
                       r" of\s+", re.IGNORECASE)
_RATE = re.compile(r"\bwhat ((?:[\w'\u2019-]+ ){0,7})rate\b", re.IGNORECASE)
# Nouns that are the measure themselves ("what gross margin": a line that never says margin does not give it).
_MEASURE_NOUN = re.compile(r"\b(margin|accuracy|supply)s?\b", re.IGNORECASE)


def _phrase(text: str) -> list[str]:
    """The first words of `text` up to a word that ends a noun phrase (a participle after its noun:
    "how many images | related to ...")."""
    words: list[str] = []
    found = re.findall(r"[\w'\u2019-]+", text)
    for i, written in enumerate(found[:_PHRASE_WORDS]):
        word = written.lower()
        following = found[i + 1] if i + 1 < len(found) else ""
        # A capitalised "-ing" word is a name ("Elering"), not a participle.
        participle = words and not written[0].isupper() and re.search(r"(ed|ing)$", word)
        verb = words and following.lower() in _OBJECT_START
        if word in _PHRASE_END or _NEGATED.search(word) or participle or verb:
            break
        words.append(word)
    return words


_WHICH = re.compile(r"^\s*(?:(?:in|on|at|for|from|under|with|to|by) )?(?:which|what)\s+(.*)", re.IGNORECASE)


def asked_head(question: str) -> list[str]:
    """The thing a which/what question asks for ("Which OCR engine does Docling use?" -> ["engine"]);
    [] for "what is ...", "what does ..."."""
    found = _WHICH.search(question)
    if not found:
        return []
    first = found.group(1).lower().split()[:2]
    if len(first) == 2 and first[1] in _OBJECT_START | {"if", "when", "over"}:
        return []  # "What happens if ...", "What generates the ...": it asks for no thing by name
    return _phrase(found.group(1))[-1:]


# What technical documents write as code ("run `xxd`", "set `convert-meta`", "`--show-settings`"): a question
# for one of these asks for that literal text.
_LITERAL_KINDS = frozenset("command flag option setting utility variable value key file package profile parameter "
                           "argument extra module directive endpoint".split())
LITERAL_KIND_WORDS = 4  # "Which command-line flag", "What TERM value", "Which environment variable"
# What the code must look like for the kinds that have a form: a flag starts with a dash ("--show-settings"), a
# file has a dot or a slash ("~/.inputrc"); "ruff.toml" is no answer to "Which command-line flag ...?". Any
# other kind: two characters or more, a letter among them.
_LITERAL_FORMS = {"flag": re.compile(r"(?:^|\s)--?\w"), "file": re.compile(r"[./]\w")}
_ANY_LITERAL = re.compile(r"[^\W\d_].*\w|\w.*[^\W\d_]")


def _singular(word: str) -> str:
    return word[:-3] + "y" if word.endswith("ies") else word.removesuffix("s")


def literal_asked(question: str) -> re.Pattern[str] | None:
    """For a which/what question asking for a command, a flag, a setting, a file or the like by its text:
    the form its answer has; else None."""
    found = _WHICH.search(question)
    if not found:
        return None
    kinds = (_singular(w.strip("?,.")) for w in found.group(1).lower().split()[:LITERAL_KIND_WORDS])
    kind = next((w for w in kinds if w in _LITERAL_KINDS), None)
    return None if kind is None else _LITERAL_FORMS.get(kind, _ANY_LITERAL)


_NAME_OF = re.compile(r"\bwhat(?:'s|\s+is|\s+are)\s+(?:the\s+)?names?\s+of\s+(.*)"
                      r"|\bwhat\s+(?:is|are)\s+(.*?)\s+called\b", re.IGNORECASE)


def named_thing(question: str) -> str | None:
    """The thing whose name a question asks for ("What is the name of Skyocean's native token?", "What is
    the native token called?" -> "token"), or None."""
    found = _NAME_OF.search(question)
    if not found:
        return None
    phrase = re.sub(r"^(?:the|a|an|their|its|our)\s+", "", (found.group(1) or found.group(2)).strip(), flags=re.I)
    words = _phrase(phrase)
    return words[-1] if words else None


def measured_words(question: str, wanted: AnswerType | None) -> list[str]:
    """The words naming what the question measures, or [] when there is no such word to check."""
    question = uncontracted(question)
    if wanted is None or wanted is LICENCE:  # a licence is named: "Under what license ...?" names "license"
        return asked_head(question)
    if wanted in (MONEY, FEE):  # the first: "what valuation is Soldera raising at" asks for a valuation
        if compound := _COMPOUND.search(question):
            return [next(word for word in compound.groups() if word).lower()]
        money = _MONEY_WORD.search(question)
        return [money.group().lower()] if money else []
    if wanted is PERCENT and (rate := _RATE.search(question)):  # "what is the monthly churn rate": its kind
        return [w for w in rate.group(1).lower().split() if w not in _PHRASE_END][-1:]
    if wanted in (PERCENT, QUANTITY, COUNT) and (noun := _MEASURE_NOUN.search(question)):
        return [noun.group(1).lower()]
    after = _AFTER.get(wanted)
    found = after.search(question) if after else None
    # "How many kinds of objects ...": what is counted is the objects ("200-300 different objects").
    words = _phrase(_KINDS_OF.sub("", found.group(1))) if found else []
    # "How many times can the enzyme be reused?" counts occurrences, which a line states in its own unit
    # ("up to five batches"): "times" names no measure.
    return [] if words[-1:] == ["times"] else words


def _expanded(head: str) -> frozenset[str]:
    """The terms of the phrase's head and of the same measure."""
    out = set(terms(head))
    for group in _SAME_MEASURE:
        if head in group.split():
            out |= terms(group)
    return frozenset(out)


def measure_terms(question: str, wanted: AnswerType | None, common: set[str] = frozenset()) -> frozenset[str]:
    """The stemmed terms a line names the measure with; none when a head is one of the deck's common
    words ("customers" on most pages of a deck names nothing in particular)."""
    # The head is the phrase's last word: "new employees" is named by "employees" or "staff", not by
    # "new"; "customer churn" not by "users". Head only, not every word of the phrase: the line
    # ranker's first line held the gold fact 0.670 against 0.665 on the tuning half, refusal equal.
    head = measured_words(question, wanted)[-1:]
    if not head or terms(head[0]) & set(common):
        return frozenset()
    return _expanded(head[0])


def names_measure(measure: frozenset[str], window_terms: frozenset[str]) -> bool:
    """Whether a window names the measure; with nothing to check, every window does."""
    return not measure or bool(measure & window_terms)


# A fact is of the measure when a word naming it is this near ("178 customers", "Customers: 178",
# "raising EUR 2M"). Tuning half with the coefficients fitted before it, unanswerable / answerable refused:
# a fact in the line and the measure anywhere in its window (before) 0.515 / 0.052; within 10 words
# 0.561 / 0.046; within 2, 4 or 6 words 0.591 / 0.046.
ADJACENT_WORDS = 4
_PER = re.compile(r"\s+[^\W\d_][\w-]*\s+(?:per|for each|for every)\s+([^\W\d_][\w-]*)", re.IGNORECASE)
_TIME_AFTER = re.compile(rf"[\s-]*{TIME_UNIT}\b", re.IGNORECASE)
# A count of spans of time is asked for by its unit ("How many hours does the battery last?", "How many
# years of experience ...?").
_TIME_TERMS = frozenset(terms("seconds minutes hours days weeks months quarters years semesters"))
_WORD = re.compile(r"[\w'\u2019]+")


def states_measured(wanted: AnswerType, measure: frozenset[str], window: str, asked: str = "") -> bool:
    """Whether the window states a fact of the wanted kind with a word naming the measure beside it
    (any such fact, with no measure to check). Named anywhere in the window is not enough: "How many
    automated tests?" is not answered by "capped at 20 runs" in a window that says "tests" elsewhere.
    A passage answering a question of the document's own (`asked`, app/rag/units.py) that names the
    measure states it of every fact: "How many packages are there?" / "There are currently more than 2000"."""
    if asked and names_measure(measure, frozenset(terms(asked))):
        measure = frozenset()
    for match in wanted.span_matches(window):
        text = match.string  # the window as the type reads it (numbers that count nothing left out)
        if wanted is COUNT and measure and not measure & _TIME_TERMS and _TIME_AFTER.match(text, match.end()):
            continue  # "within 72 hours", "9 semesters": a span of time, not a count of robots or students
        per = _PER.match(text, match.end())
        if wanted is COUNT and per and measure & terms(per.group(1)):
            continue  # "One robot per ship" counts robots for each ship, not ships
        near = _WORD.findall(text[: match.start()])[-ADJACENT_WORDS:] + _WORD.findall(text[match.end():])[:ADJACENT_WORDS]
        if not measure or measure & terms(" ".join(near)):
            return True
    return False


def deck_measure_words(question: str, vocabulary: set[str]) -> list[str]:
    """The deck's words for what the question measures, when the deck never writes the question's own
    ("What is the price?" of a deck that writes "subscription" and "fee"): searched beside the question.
    Only where the deck lacks the word: MiniLM alone put "price" nearer "The Ask" than the subscription."""
    head = measured_words(question, expected_type(question))[-1:]
    if not head or terms(head[0]) & vocabulary:
        return []
    group = next((g.split() for g in _SAME_MEASURE if head[0] in g.split()), [])
    found: dict[frozenset[str], str] = {}  # one word per term ("fee", not "fee" and "fees")
    for word in group:
        if terms(word) and terms(word) <= vocabulary:
            found.setdefault(frozenset(terms(word)), word)
    return list(found.values())
