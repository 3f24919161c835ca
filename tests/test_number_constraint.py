"""Constrained decoding: the model may write only figures found in its evidence."""

from __future__ import annotations

import re

import pytest

from app.generation.base import GenerationParams
from app.generation.number_constraint import NumberConstraint, NumberTokens, numbers_in

VOCAB = ["a", " the", *"0123456789", " 1", " 2", ",", ".", "<eos>", "FY2020", "x4"]


def allowed_after(constraint: NumberConstraint, generated: str) -> list[str]:
    mask = constraint.allowed_tokens(generated)
    return [VOCAB[i] for i in range(len(VOCAB)) if mask[i]]


def test_numbers_start_go_on_and_end_only_as_evidence_numbers_do():
    constraint = NumberConstraint(numbers_in(["raising $4.5 million for 22,000 ships in FY2020"]), NumberTokens.of(VOCAB))
    assert constraint.allowed == {"4.5", "22000", "2020"}
    fresh = allowed_after(constraint, "They raise $")
    assert {"2", "4", " 2"} <= set(fresh) and not {"1", "3", "5", " 1", "x4"} & set(fresh)
    assert allowed_after(constraint, "They raise $4") == ["."]  # "4" alone is no evidence figure
    assert allowed_after(constraint, "They raise $4.") == ["5"]
    assert allowed_after(constraint, "for 22") == ["0", ","]  # 22000 or 22,000
    assert allowed_after(constraint, "for 22,") == ["0"]
    done = allowed_after(constraint, "for 22,000")
    assert "<eos>" in done and " the" in done and "0" not in done
    assert "<eos>" in allowed_after(constraint, "in 2020.")  # a full stop after a whole figure


def test_a_token_opening_with_a_digit_does_not_extend_a_number():
    constraint = NumberConstraint({"12", "5"}, NumberTokens.of([*VOCAB, "5%"]))
    mask = constraint.allowed_tokens("up 12")
    assert not mask[len(VOCAB)]  # "12" + "5%" would write 125%
    assert constraint.allowed_tokens("up ")[len(VOCAB)]  # on its own, 5% is an evidence figure


def test_the_mask_never_leaves_no_way_on():
    constraint = NumberConstraint({"7"}, NumberTokens.of(VOCAB))
    assert constraint.allowed_tokens("odd run 4.,").any()


def constrained_answer(generator, allowed: set[str] | None) -> str:
    messages = [{"role": "user", "content": "Write the year the first iPhone came out."}]
    numbers = None if allowed is None else frozenset(allowed)
    return "".join(generator.stream(messages, GenerationParams(max_new_tokens=24, allowed_numbers=numbers)))


@pytest.mark.parametrize("backend", ["llamacpp", "transformers"])
def test_a_real_model_writes_only_allowed_figures(backend, request):
    if backend == "llamacpp":
        pytest.importorskip("llama_cpp")
        generator = request.getfixturevalue("generator")
    else:
        generator = request.getfixturevalue("transformers_generator")
    unconstrained = constrained_answer(generator, None)
    assert re.search(r"\d{4}", unconstrained), unconstrained  # left alone, the model writes a year
    free = constrained_answer(generator, set())  # no figure allowed: the model must do without
    assert not re.search(r"\d", free), free
    text = constrained_answer(generator, {"1999"})
    assert set(re.findall(r"\d+", text)) <= {"1999"}, text
