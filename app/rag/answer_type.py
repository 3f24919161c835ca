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


PERCENT = AnswerType(
    "percentage",
    re.compile(r"\b(what|which)\b.*\b(percentage|percent|share|fraction|proportion|(?<!burn )rate)\b|\bhow (big|large) a share\b",
               re.IGNORECASE),
    re.compile(r"\d\s*%|\d\s*(percent|per cent)\b|\b(half|third|quarter|fifth|majority|minority)\b|\b(one|two|three) in (\d+|ten)\b",
               re.IGNORECASE),
)
MONEY = AnswerType(
    "amount of money",
    re.compile(r"\b(how much|what)\b.*\b(budget|funding|fund|raise|raising|raised|valuation|price|cost|costs|revenue|"
               r"salary|wage|fee|fees|spend|spent|assets|dollars?|money|investment|burn)\b", re.IGNORECASE),
    re.compile(r"[$\u20ac\u00a3\u00a5]\s*\d|\d[\d,.]*\s*(k|m|bn|b)?\s*(dollars|usd|eur|euros?|gbp|pounds|chf|yen)\b",
               re.IGNORECASE),
)
QUANTITY = AnswerType(
    "number or date",
    re.compile(r"^\s*(when|in what year|by when)\b|\bhow (many|much|long|old|often|large|big|fast|far)\b|"
               r"\b(what|which) (number|amount|year|date|version|release|size)\b|\bby what date\b",
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
