"""Model backends: which one runs, and both giving the embedded model's answers (real models)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
import torch

from app.config import load_config
from app.eval.metrics import answer_matches
from app.generation.base import GenerationError, GenerationParams
from app.generation.embedded import embedded_model_path
from app.rag.answer import AnswerPipeline, AnswerSettings
from app.rag.retrieval import FaissRetriever
from app.generation.loading import check_model_settings, choose_backend
from tests.helpers.questions import ANSWERABLE

HAS_LLAMA_CPP = importlib.util.find_spec("llama_cpp") is not None
needs_llama_cpp = pytest.mark.skipif(not HAS_LLAMA_CPP, reason="llama-cpp-python is not installed (make install builds it)")


@pytest.mark.parametrize("setting, value, named", [
    ("BACKEND", "vllm", "DECKCHAT_BACKEND"), ("QUANTIZATION", "int4", "DECKCHAT_QUANTIZATION"),
    ("MODEL_PATH", "/nowhere/model.gguf", "DECKCHAT_MODEL_PATH"), ("PROMPT_FORMAT", "chatmll", "DECKCHAT_PROMPT_FORMAT"),
])
def test_a_model_setting_that_cannot_work_fails_at_start_up_naming_it(setting, value, named):
    with pytest.raises((GenerationError, ValueError), match=named):
        check_model_settings(load_config() | {setting: value})


def test_backend_choice(tmp_path):
    gguf, folder = tmp_path / "m.gguf", tmp_path / "hf-model"
    expected_auto = "llamacpp" if HAS_LLAMA_CPP else "transformers"
    assert choose_backend("auto", gguf) == expected_auto
    assert choose_backend("auto", folder) == "transformers"
    assert choose_backend("transformers", gguf) == "transformers"
    with pytest.raises(GenerationError, match="GGUF"):
        choose_backend("llamacpp", folder)
    with pytest.raises(GenerationError, match="auto, llamacpp, transformers"):
        choose_backend("vllm", gguf)
    assert choose_backend("auto", gguf, quantization="int8") == "transformers"
    with pytest.raises(GenerationError, match="DECKCHAT_QUANTIZATION"):
        choose_backend("llamacpp", gguf, quantization="int8")


@needs_llama_cpp
def test_the_default_generator_for_the_embedded_gguf_is_llama_cpp(generator):
    from app.generation.llamacpp_backend import LlamaCppGenerator

    assert isinstance(generator, LlamaCppGenerator) and generator.load_seconds < 10
    assert {"<|im_start|>", "<|im_end|>"} <= set(generator.special_tokens())
    assert generator.count_tokens("<|im_start|>user") == 2  # control tokens count as one, as in a prompt


@needs_llama_cpp
def test_llama_cpp_reads_a_long_prompt_like_fp32(generator, transformers_generator):
    """Batched prompt processing must agree with the fp32 reference (a broken CPU kernel did not)."""
    text = (Path(__file__).resolve().parent.parent / "content" / "example" / "faq.md").read_text()[:1500]
    ids = transformers_generator.tokenizer(text, add_special_tokens=False)["input_ids"]
    with torch.no_grad():
        reference = transformers_generator.model(torch.tensor([ids])).logits[0, -1].numpy()
    llm = generator.llm
    llm.reset()
    llm.eval(ids)  # one batch: the path a real prompt takes
    logits = np.ctypeslib.as_array(llm._ctx.get_logits_ith(-1), shape=(llm.n_vocab(),)).copy()
    assert np.corrcoef(reference, logits)[0, 1] > 0.99
    assert int(reference.argmax()) == int(logits.argmax())


@pytest.mark.parametrize("question, fact, doc, page", ANSWERABLE)
def test_transformers_backend_answers_the_example_questions(example_index, embedder, transformers_generator,
                                                             question, fact, doc, page):
    pipeline = AnswerPipeline(FaissRetriever(example_index, embedder), lambda: transformers_generator, AnswerSettings(write_answers=True))
    result = pipeline.answer("example", question)
    assert not result.refused and answer_matches(fact, result.answer), result.answer


def test_transformers_stream_closed_early_frees_the_model(transformers_generator):
    messages = [{"role": "user", "content": "Count from one to fifty in words."}]
    stream = transformers_generator.stream(messages, GenerationParams(max_new_tokens=200, stop=()))
    assert next(stream)
    stream.close()  # the reader left
    again = "".join(transformers_generator.stream(messages, GenerationParams(max_new_tokens=5, stop=())))
    assert again  # the lock was released and the model answers again


def test_int8_quantization_runs_the_model_on_quantized_linear_layers(example_index, embedder):
    from app.generation.transformers_backend import TransformersGenerator

    config = load_config()
    generator = TransformersGenerator(embedded_model_path(), Path(config["MODEL_CACHE_DIR"]), config["THREADS"], "int8")
    modules = list(generator.model.modules())
    assert any("quantized.dynamic" in type(m).__module__ for m in modules)
    assert not any(type(m) is torch.nn.Linear for m in modules)  # every Linear layer is int8 now
    pipeline = AnswerPipeline(FaissRetriever(example_index, embedder), lambda: generator, AnswerSettings(write_answers=True))
    result = pipeline.answer("example", ANSWERABLE[1][0])
    assert result.answer and result.error is None and result.sources


def test_bitsandbytes_modes_say_they_need_a_gpu_when_there_is_none():
    from app.generation.transformers_backend import quantized_load_options

    if torch.cuda.is_available():
        pytest.skip("a GPU is present: covered by the GPU test")
    for mode in ("bnb-8bit", "bnb-4bit"):
        with pytest.raises(GenerationError, match="CUDA GPU"):
            quantized_load_options(mode)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU (bitsandbytes 8/4-bit)")
@pytest.mark.parametrize("mode", ["bnb-8bit", "bnb-4bit"])
def test_bitsandbytes_quantization_on_a_gpu(mode):
    pytest.importorskip("bitsandbytes", reason="pip install -r requirements-gpu.txt")
    from app.generation.transformers_backend import TransformersGenerator

    config = load_config()
    generator = TransformersGenerator(embedded_model_path(), Path(config["MODEL_CACHE_DIR"]), 2, mode)
    assert generator.model.device.type == "cuda"
    messages = [{"role": "user", "content": "What is the capital of France?"}]
    assert "".join(generator.stream(messages, GenerationParams(max_new_tokens=8))).strip()


def test_beam_search_answers_in_one_piece(transformers_generator):
    messages = [{"role": "user", "content": "Name three primary colours."}]
    deltas = list(transformers_generator.stream(messages, GenerationParams(max_new_tokens=24, num_beams=3)))
    assert len(deltas) == 1 and deltas[0].strip()


def test_sampling_options_reach_the_model(generator):
    messages = [{"role": "user", "content": "Write one sentence about the sea."}]
    greedy = {"".join(generator.stream(messages, GenerationParams(max_new_tokens=24))) for _ in range(2)}
    assert len(greedy) == 1  # greedy is reproducible
    sampled = {"".join(generator.stream(messages, GenerationParams(max_new_tokens=24, temperature=1.5, top_p=0.95)))
               for _ in range(4)}
    assert len(sampled) > 1  # a hot temperature changes the words


def test_beam_search_picks_transformers_and_is_refused_on_llama_cpp(tmp_path):
    assert choose_backend("auto", tmp_path / "m.gguf", num_beams=3) == "transformers"
    with pytest.raises(GenerationError, match="DECKCHAT_NUM_BEAMS"):
        check_model_settings(load_config() | {"NUM_BEAMS": 3, "BACKEND": "llamacpp"})
