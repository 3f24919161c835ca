"""Documents are data: sentences in them that address the model are left out of its prompt.

A deck, an FAQ or a web page turned PDF can carry text written for a language model ("Ignore all
previous instructions and ..."). The system rule already says to ignore instructions in the context,
but a 135M model follows what it reads; it cannot follow what it never sees. Such sentences stay in
the index and in the snippets shown to readers (they are what the document says); only the prompt
and the evidence the answer is checked against lose them.
"""

from __future__ import annotations

import re
import unicodedata

# Phrases that speak to an AI assistant rather than to a reader of the document. Narrow on purpose:
# decks talk about AI, rules, prompts and instructions all the time ("Our AI will cut underwriting
# time", "teams can override pricing rules", "new instructions for use were approved by the FDA").
_ADDRESSES_THE_MODEL = re.compile(
    r"\b(ignore|disregard|forget|bypass)\b[^.!?\n]{0,30}\b(previous|prior|above|earlier|preceding|your|all|any|these|the)\b"
    r"[^.!?\n]{0,20}\b(instructions?|rules|prompts?|directions|guidelines)\b"
    r"|\b(ignore|disregard|forget)\b (everything|anything|all) (above|before|previously|said)\b"
    r"|\b(reveal|print|show|output|repeat|recite|display|leak)\b[^.!?\n]{0,30}\b(system prompt|your (instructions|rules|prompt))\b"
    r"|\byou are (now )?(an? )?(ai|assistant|language model|chatbot|gpt|llm)\b"
    r"|\bas an? (ai|llm|language model|assistant|chatbot),? you\b"
    r"|\b(from now on|henceforth),? (you )?(must |should |will )?(answer|reply|respond|say|tell)\b"
    r"|\b(reply|respond|answer) (only |always )?with (only )?(the word|exactly)\b",
    re.IGNORECASE,
)
# Zero-width and other invisible characters that would split a phrase past the pattern.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))


# A sentence ends at its punctuation, or at a line break before a new line item (a capital, a digit,
# a bullet, a heading); a line break inside a sentence (a wrapped line) does not end it.
_SENTENCE = re.compile(r".*?(?:[.!?]+(?=\s|$)|\n(?=\s*[A-Z0-9#*•\-])|\n\s*\n|$)", re.DOTALL)


def addresses_the_model(text: str) -> bool:
    return bool(_ADDRESSES_THE_MODEL.search(unicodedata.normalize("NFKC", text).translate(_INVISIBLE)))


def without_instructions(text: str) -> str:
    """The text without its sentences that address an AI model (whitespace otherwise kept)."""
    if not addresses_the_model(text):
        return text
    return "".join(s for s in _SENTENCE.findall(text) if s and not addresses_the_model(s))

