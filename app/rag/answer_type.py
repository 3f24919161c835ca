"""What kind of fact a question asks for, and whether a line of evidence states one.

A question that asks "how much" or "what percentage" is answered only by a line that states an
amount or a percentage. When none of the retrieved lines does, the documents do not hold the
answer: a small model asked anyway invents a figure (most unanswerable questions about a deck ask
for a number it does not give: funding, fees, budgets, rates). Questions of any other kind have
no expected type and are not checked here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUMBER_WORDS = (r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens?|hundreds?|"
                 r"thousands?|millions?|billions?|trillions?")


@dataclass(frozen=True)
class AnswerType:
    name: str
    asks: re.Pattern[str]  # the question asks for this type
    states: re.Pattern[str]  # a line states a fact of this type

    def stated_in(self, line: str) -> bool:
        return bool(self.states.search(line))


# The question patterns are narrow on purpose: a question wrongly typed is refused without the
# model ("What data do they share?" is not asking for a percentage), a question left untyped is
# only answered the usual way.
PERCENT = AnswerType(
    "percentage",
    re.compile(r"\bwhat (percentage|percent|share|fraction|proportion) of\b|\bwhat percentage\b|"
               r"\bhow (big|large) a share\b|\bwhat ([\w.'\u2019-]+ ){0,5}(?<!burn )rate\b(?!\s+limit)",
               re.IGNORECASE),
    re.compile(r"\d\s*%|\d\s*(percent|per cent)\b|\b(half|third|quarter|fifth|majority|minority)\b|"
               r"\b(one|two|three) in (\d+|ten)\b", re.IGNORECASE),
)
_MONEY_WORDS = (r"money|funding|fund|raise|raising|raised|cost|costs|charge|charges|pay|paid|spend|spent|valuation|"
                r"revenue|revenues|budget|price|salary|wage|fee|fees|dollars?|assets|burn|investment|invested")
MONEY = AnswerType(
    "amount of money",
    re.compile(rf"\bhow much\b.*\b({_MONEY_WORDS})\b|"
               r"\bwhat ((is|was|are|were) )?(the |its |their |his |her )?([\w'\u2019-]+ ){0,3}"
               r"(valuation|budget|price|cost|revenue|salary|wage|fee|burn rate|funding|assets)( cap)?\s*"
               r"(\?|$|\b(for|of|in|at|per|by|on|does|do|did|is|was|are|were|will)\b)",
               re.IGNORECASE),
    re.compile(r"[$\u20ac\u00a3\u00a5]\s*\d|\b(usd|eur|gbp|chf|jpy|cad|aud|sek|nok|dkk|inr)\s*\d|"
               r"\d[\d,.]*\s*(k|m|bn|b|thousand|million|billion|trillion)?\s*"
               r"(dollars|usd|eur|euros?|gbp|pounds|chf|francs|yen|sek|kronor|rupees)\b", re.IGNORECASE),
)
QUANTITY = AnswerType(
    "number or date",
    re.compile(r"^\s*(when (did|was|were|is|are|will|does|do)|in what year|by when)\b|"
               r"\bhow (many|much|long|old|often|large|big|fast|far)\b|"
               r"\b(what|which) (number|amount|year|date|version|release)\b|\bby what date\b",
               re.IGNORECASE),
    re.compile(rf"\d|\b({_NUMBER_WORDS})\b", re.IGNORECASE),
)

# Most specific first: "how much funding" asks for money, "what percentage fee" for a percentage.
_TYPES = (PERCENT, MONEY, QUANTITY)


def expected_type(question: str) -> AnswerType | None:
    """The type of fact the question asks for, or None when it asks for something else."""
    if re.search(r"\bhow many\b", question, re.IGNORECASE):
        return QUANTITY  # "how many FTE staff is the funding for" counts people, not dollars
    return next((t for t in _TYPES if t.asks.search(question)), None)
