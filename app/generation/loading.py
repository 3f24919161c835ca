"""Which model backend runs, and the model settings checked before anything loads."""

from __future__ import annotations

import importlib.util
import logging
from pathlib import Path

from app.generation.base import BACKENDS, QUANTIZATIONS, GenerationError, GenerationParams, Generator
from app.generation.embedded import embedded_model_path
from app.generation.prompt_formats import format_named
from app.settings import GenerationSettings

log = logging.getLogger(__name__)


def load_default_generator(config: dict) -> Generator:
    """The configured model (a GGUF file or a transformers folder), else the embedded SmolLM2.

    A GGUF runs on llama.cpp when llama-cpp-python is installed (backend "auto"), else on
    transformers; a model folder always runs on transformers. The log says which and why.
    """
    if config["BACKEND"] == "openai":
        from app.generation.openai_backend import OpenAICompatibleGenerator

        return OpenAICompatibleGenerator(config["OPENAI_BASE_URL"], config["OPENAI_MODEL"], config["OPENAI_API_KEY"],
                                         config["OPENAI_CONTEXT_TOKENS"])
    path = Path(config["MODEL_PATH"]) if config["MODEL_PATH"] else embedded_model_path(config["EMBEDDED_FORMAT"])
    if not path.exists():
        raise GenerationError(f"model path {path} does not exist; check DECKCHAT_MODEL_PATH")
    backend = choose_backend(config["BACKEND"], path, config["QUANTIZATION"], config["NUM_BEAMS"])
    if backend == "llamacpp":
        from app.generation.llamacpp_backend import LlamaCppGenerator

        return LlamaCppGenerator(path, config["THREADS"], prompt_format=config["PROMPT_FORMAT"])
    from app.generation.transformers_backend import TransformersGenerator

    return TransformersGenerator(path, Path(config["MODEL_CACHE_DIR"]), config["THREADS"], config["QUANTIZATION"],
                                 prompt_format=config["PROMPT_FORMAT"])


def decoding_params(generation: GenerationSettings) -> GenerationParams:
    """Decoding settings from the configuration (greedy unless told otherwise)."""
    return GenerationParams(max_new_tokens=generation.max_new_tokens, temperature=generation.temperature,
                            top_p=generation.top_p, repetition_penalty=generation.repetition_penalty,
                            num_beams=generation.num_beams)


def check_model_settings(config: dict) -> None:
    """Fail at start-up, naming the setting, on a model configuration that cannot work."""
    if config["BACKEND"] not in BACKENDS:
        raise GenerationError(f"unknown DECKCHAT_BACKEND {config['BACKEND']!r}; use one of {', '.join(BACKENDS)}")
    if config["QUANTIZATION"] not in QUANTIZATIONS:
        raise GenerationError(f"unknown DECKCHAT_QUANTIZATION {config['QUANTIZATION']!r}; "
                              f"use one of {', '.join(QUANTIZATIONS)}")
    if config["BACKEND"] == "openai" and not config["OPENAI_BASE_URL"]:
        raise GenerationError("DECKCHAT_BACKEND=openai needs DECKCHAT_OPENAI_BASE_URL (e.g. http://host:8080/v1)")
    if config["MODEL_PATH"] and not Path(config["MODEL_PATH"]).exists():
        raise GenerationError(f"DECKCHAT_MODEL_PATH {config['MODEL_PATH']} does not exist")
    if config["NUM_BEAMS"] > 1 and config["BACKEND"] == "llamacpp":
        raise GenerationError("DECKCHAT_NUM_BEAMS > 1 needs the transformers backend (llama.cpp has no beam search)")
    if config["PROMPT_FORMAT"] != "auto":
        format_named(config["PROMPT_FORMAT"])  # raises naming DECKCHAT_PROMPT_FORMAT's choices


def choose_backend(wanted: str, path: Path, quantization: str = "none", num_beams: int = 1) -> str:
    """"llamacpp" or "transformers" for this model, logging the reason."""
    is_gguf = path.suffix == ".gguf"
    installed = importlib.util.find_spec("llama_cpp") is not None
    if num_beams > 1 and wanted != "llamacpp":
        log.info("backend: transformers (DECKCHAT_NUM_BEAMS=%d: beam search)", num_beams)
        return "transformers"
    if quantization != "none":  # a transformers setting: llama.cpp runs the GGUF's own quantized weights
        if wanted == "llamacpp":
            raise GenerationError(f"DECKCHAT_QUANTIZATION={quantization} applies to the transformers backend; "
                                  "llama.cpp runs the GGUF's own quantization (set it to none)")
        log.info("backend: transformers (DECKCHAT_QUANTIZATION=%s)", quantization)
        return "transformers"
    if wanted == "llamacpp":
        if not is_gguf:
            raise GenerationError(f"llama.cpp runs GGUF files; {path.name} is not one (set DECKCHAT_BACKEND=transformers)")
        if not installed:
            raise GenerationError("DECKCHAT_BACKEND=llamacpp but llama-cpp-python is not installed (run make install)")
        return "llamacpp"
    if wanted == "transformers":
        log.info("backend: transformers (DECKCHAT_BACKEND=transformers)")
        return "transformers"
    if wanted not in BACKENDS:
        raise GenerationError(f"unknown DECKCHAT_BACKEND {wanted!r}; use one of {', '.join(BACKENDS)}")
    if is_gguf and installed:
        log.info("backend: llama.cpp (a GGUF file and llama-cpp-python is installed)")
        return "llamacpp"
    log.warning("backend: transformers (%s)", "llama-cpp-python is not installed: a GGUF runs dequantised to fp32, "
                "several times slower" if is_gguf else "a model folder, not a GGUF file")
    return "transformers"
