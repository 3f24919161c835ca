"""Prompt formats per model family: golden strings, choice by name, and their stop strings at work."""

from __future__ import annotations

import re

import pytest

from app import create_app
from app.generation.base import until_stop
from app.generation.prompt_formats import NamedFormat, UnknownPromptFormat, format_for_model, format_named
from app.rag.answer import AnswerPipeline, AnswerSettings
from app.rag.retrieval import FaissRetriever
from app.services import Services
from tests.conftest import app_config
from tests.fakes import ScriptedGenerator

ONE_TURN = [{"role": "system", "content": "SYS"}, {"role": "user", "content": "Q1"}]
TWO_TURNS = ONE_TURN + [{"role": "assistant", "content": "A1"}, {"role": "user", "content": "Q2"}]

GOLDEN = {
    "chatml": "<|im_start|>system\nSYS<|im_end|>\n<|im_start|>user\nQ1<|im_end|>\n<|im_start|>assistant\n",
    "llama2": "<s>[INST] <<SYS>>\nSYS\n<</SYS>>\n\nQ1 [/INST]",
    "llama3": "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nSYS<|eot_id|>"
              "<|start_header_id|>user<|end_header_id|>\n\nQ1<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n",
    "mistral": "<s>[INST] SYS\n\nQ1 [/INST]",
    "gemma": "<bos><start_of_turn>user\nSYS\n\nQ1<end_of_turn>\n<start_of_turn>model\n",
    "alpaca": "SYS\n\n### Instruction:\nQ1\n\n### Response:\n",
    "vicuna": "SYS\n\nUSER: Q1\nASSISTANT:",
    "stablebeluga": "### System:\nSYS\n\n### User:\nQ1\n\n### Assistant:\n",
}

GOLDEN_TWO_TURNS = {
    "llama2": "<s>[INST] <<SYS>>\nSYS\n<</SYS>>\n\nQ1 [/INST] A1 </s><s>[INST] Q2 [/INST]",
    "mistral": "<s>[INST] SYS\n\nQ1 [/INST]A1</s>[INST] Q2 [/INST]",
    "vicuna": "SYS\n\nUSER: Q1\nASSISTANT: A1</s>\nUSER: Q2\nASSISTANT:",
    "gemma": "<bos><start_of_turn>user\nSYS\n\nQ1<end_of_turn>\n<start_of_turn>model\nA1<end_of_turn>\n"
             "<start_of_turn>user\nQ2<end_of_turn>\n<start_of_turn>model\n",
}


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_each_format_renders_the_exact_string(name):
    assert format_named(name).render(ONE_TURN) == GOLDEN[name]


@pytest.mark.parametrize("name", sorted(GOLDEN_TWO_TURNS))
def test_follow_up_turns_render_the_exact_string(name):
    assert format_named(name).render(TWO_TURNS) == GOLDEN_TWO_TURNS[name]


def test_chatml_matches_smollm2s_own_chat_template(generator):
    assert NamedFormat("chatml").render(TWO_TURNS) == generator.render(TWO_TURNS)


@pytest.mark.parametrize("model, name", [
    ("Meta-Llama-3-8B-Instruct.Q4_K_M.gguf", "llama3"), ("llama-2-7b-chat.Q4_0.gguf", "llama2"),
    ("mistral-7b-instruct-v0.2.Q4_K_M.gguf", "mistral"), ("gemma-2b-it", "gemma"),
    ("StableBeluga-7B", "stablebeluga"), ("vicuna-7b-v1.5.gguf", "vicuna"), ("alpaca-native-7b", "alpaca"),
    ("SmolLM2-135M-Instruct.Q4_1.gguf", "chatml"),
])
def test_format_is_told_from_the_model_name(model, name):
    assert format_for_model(model).name == name


def test_unknown_names_say_what_to_set():
    with pytest.raises(UnknownPromptFormat, match="DECKCHAT_PROMPT_FORMAT"):
        format_for_model("my-finetune.gguf")
    with pytest.raises(UnknownPromptFormat, match="chatml"):
        format_named("chatgpt")


class TemplatelessGenerator(ScriptedGenerator):
    """A model file without a chat template, named like a Vicuna."""

    model_id = "vicuna-7b-v1.5.Q4_0.gguf"
    own_template = None


def test_a_model_without_a_template_gets_its_family_format_and_stop_strings(example_index, embedder):
    generator = TemplatelessGenerator("The seed round closes on 30 April 2026.\nUSER: and the valuation?")
    pipeline = AnswerPipeline(FaissRetriever(example_index, embedder), lambda: generator, AnswerSettings(write_answers=True))
    result = pipeline.answer("example", "Tell me about the seed round closing.")
    prompt = generator.prompts[0]
    assert prompt.startswith("Answer the question using only the context.") and prompt.endswith("\nASSISTANT:")
    assert "USER: Context:\n[1] " in prompt
    # cut at the format's stop string, then the blocks holding its facts cited
    assert re.fullmatch(r"The seed round closes on 30 April 2026\. (\[\d\])+", result.answer), result.answer


def test_a_misspelt_format_setting_fails_at_start_up(tmp_path, example_index, embedder):
    config = app_config(tmp_path, example_index) | {"PROMPT_FORMAT": "chatmll"}
    with pytest.raises(UnknownPromptFormat, match="chatml"):
        create_app(config, make_services=lambda cfg: Services(cfg, embedder=embedder, generator=ScriptedGenerator()))


@pytest.mark.parametrize("deltas, expected", [
    (["The round", " closes.", "\nUS", "ER: and then"], "The round closes."),  # a stop split over deltas
    (["Users ", "grow.", "\n", "US", "A grows too."], "Users grow.\nUSA grows too."),  # a stop's start, then not
    (["No stop at all."], "No stop at all."),
    (["</s> at once"], ""),
])
def test_a_backend_stream_ends_before_its_stop_string_and_keeps_what_only_looked_like_one(deltas, expected):
    assert "".join(until_stop(iter(deltas), ("\nUSER:", "</s>"))) == expected


def test_cutting_at_a_stop_string_closes_the_models_stream():
    closed = []

    def model():
        try:
            yield from ["Done.", "</s>", "more", "more"]
        finally:
            closed.append(True)

    assert list(until_stop(model(), ("</s>",))) == ["Done."] and closed == [True]
