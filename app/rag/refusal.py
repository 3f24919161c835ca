"""Telling a refusal from an answer, without asking the model for structured output."""

from __future__ import annotations

import re

# Ways small instruction models say "not in the documents"; matched near the start of the answer
# so that an answer which merely mentions "not" somewhere is not taken for a refusal.
_REFUSAL = re.compile(
    r"\b("
    r"(the )?(documents?|context|text|information|deck|slides?)( provided)? (does|do|did)( not|n't)"
    r" (say|state|mention|contain|include|provide|specify|answer|give)"
    r"|(is|are) not (mentioned|stated|specified|provided|given|available|included)"
    r"|no (information|mention|details?|data)"
    r"|(i|we) (do not|don't|cannot|can't) (know|find|answer|determine|say)"
    r"|(cannot|can't|unable to) (be )?(answer|determine|find|tell)"
    r"|not (enough|sufficient) (information|context)"
    r")\b",
    re.IGNORECASE,
)


def is_refusal(answer: str) -> bool:
    """True when the answer says the documents do not contain what was asked."""
    text = answer.strip()
    if not text:
        return True
    first_sentence = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0]
    return bool(_REFUSAL.search(first_sentence))
