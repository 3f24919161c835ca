"""Refusal detection on the ways small models say "not in the documents"."""

import pytest

from app.rag.refusal import is_refusal


@pytest.mark.parametrize("text", [
    "The documents do not say.",
    "The context does not mention the founders' ages.",
    "I don't know.",
    "There is no information about the valuation in the documents.",
    "The exit strategy is not mentioned in the context.",
    "I cannot answer this question from the provided context.",
    "",
])
def test_refusals(text):
    assert is_refusal(text)


@pytest.mark.parametrize("text", [
    "The company raised $2.5 million in March 2026 [1].",
    "Revenue grew 40% because churn did not rise [2].",
    "They do not sell to consumers; they sell to shipping fleets [1].",
])
def test_answers_are_not_refusals(text):
    assert not is_refusal(text)
