"""Generator backed by transformers: a Hugging Face model folder or a GGUF file, on CPU."""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
import shutil
import threading
import time
import uuid
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path

import torch
import transformers
from transformers import (
    AutoModelForCausalLM,
    AutoTokenizer,
    StoppingCriteria,
    StoppingCriteriaList,
    TextIteratorStreamer,
)

from app.generation.base import QUANTIZATIONS, GenerationError, GenerationParams, Message, until_stop
from app.generation.prompt_formats import RendersLocally, choose_format

log = logging.getLogger(__name__)


class _Cancelled(StoppingCriteria):
    """Stops generate() when the reader goes away, so the model lock is not held for nothing."""

    def __init__(self, event: threading.Event):
        self.event = event

    def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor, **kwargs) -> torch.BoolTensor:
        return torch.full((input_ids.shape[0],), self.event.is_set(), dtype=torch.bool)


def converted_gguf_dir(gguf: Path, cache_dir: Path) -> Path:
    """Cache folder for a GGUF converted to safetensors, keyed by file identity and library version."""
    stat = gguf.stat()
    key = f"{gguf.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{transformers.__version__}"
    return cache_dir / f"{gguf.stem}-{hashlib.sha256(key.encode()).hexdigest()[:12]}"


def _convert_gguf(gguf: Path, target: Path) -> None:
    """Dequantise a GGUF once and keep it as safetensors: later loads take 0.3 s instead of 3-20 s."""
    log.info("converting %s for transformers (once) into %s", gguf.name, target)
    tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
    model = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name)
    # The weights are plain fp32 after loading; drop the GGUF marker so they can be saved.
    model.hf_quantizer = None
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    tmp = target.with_name(f"{target.name}.{uuid.uuid4().hex[:8]}.tmp")
    model.save_pretrained(tmp)
    tokenizer.save_pretrained(tmp)
    try:
        os.rename(tmp, target)  # another process may have won the race; theirs is as good
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)


def quantized_load_options(quantization: str) -> dict:
    """from_pretrained options for a quantization mode; bitsandbytes modes need a CUDA GPU."""
    if quantization not in QUANTIZATIONS:
        raise GenerationError(f"unknown DECKCHAT_QUANTIZATION {quantization!r}; use one of {', '.join(QUANTIZATIONS)}")
    if not quantization.startswith("bnb-"):
        return {"dtype": torch.float32}
    if not torch.cuda.is_available():
        raise GenerationError(f"DECKCHAT_QUANTIZATION={quantization} needs a CUDA GPU (bitsandbytes); "
                              "use int8 on a CPU")
    try:
        import bitsandbytes  # noqa: F401
        from transformers import BitsAndBytesConfig
    except ImportError as exc:
        raise GenerationError(f"DECKCHAT_QUANTIZATION={quantization} needs bitsandbytes: "
                              "pip install -r requirements-gpu.txt") from exc
    config = (BitsAndBytesConfig(load_in_8bit=True) if quantization == "bnb-8bit" else
              BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_compute_dtype=torch.float16, bnb_4bit_quant_type="nf4"))
    return {"quantization_config": config, "device_map": "cuda", "dtype": torch.float16}


def quantize_int8(model: torch.nn.Module) -> torch.nn.Module:
    """Dynamic int8 quantization of the Linear layers for CPU inference (weights int8, activations
    quantized on the fly). torch.ao's eager API is deprecated but still the only one in torch
    itself; torchao would be one more package for this one call."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", UserWarning)
        return torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)


class TransformersGenerator(RendersLocally):
    """Greedy (by default) streaming generation with one model per process, one request at a time."""

    def __init__(self, model_path: Path, cache_dir: Path, threads: int, quantization: str = "none",
                 prompt_format: str = "auto"):
        started = time.perf_counter()
        torch.set_num_threads(max(1, threads))
        folder = model_path
        if model_path.suffix == ".gguf":
            folder = converted_gguf_dir(model_path, cache_dir)
            if not (folder / "config.json").is_file():
                cache_dir.mkdir(parents=True, exist_ok=True)
                _convert_gguf(model_path, folder)
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
            self.model = AutoModelForCausalLM.from_pretrained(folder, local_files_only=True,
                                                              **quantized_load_options(quantization))
        except OSError as exc:
            raise GenerationError(f"cannot load model from {model_path}: {exc}") from exc
        if quantization == "int8":
            self.model = quantize_int8(self.model)
        self.model.eval()
        self.model_id = model_path.name
        self.format = choose_format(prompt_format, self.model_id, self._own_template if self.tokenizer.chat_template else None)
        self.context_window = int(getattr(self.model.config, "max_position_embeddings", 2048))
        self.load_seconds = time.perf_counter() - started
        self._lock = threading.Lock()
        log.info("loaded %s with transformers (quantization %s) in %.1f s", self.model_id, quantization,
                 self.load_seconds)

    def count_tokens(self, text: str) -> int:
        """Tokens the model sees for `text`."""
        return len(self.tokenizer.encode(text, add_special_tokens=False))

    def _own_template(self, messages: list[Message]) -> str:
        return self.tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)

    def special_tokens(self) -> list[str]:
        """Control tokens (e.g. <|im_start|>) that must never reach the model from documents."""
        return [t for t in self.tokenizer.all_special_tokens if t] + list(self.tokenizer.added_tokens_encoder)

    def _beam_search(self, inputs, kwargs: dict, num_beams: int) -> str:
        kwargs = {k: v for k, v in kwargs.items() if k != "streamer"}
        with self._lock:
            try:
                with torch.inference_mode():
                    output = self.model.generate(**kwargs, num_beams=num_beams, early_stopping=True)
            except Exception as exc:
                raise GenerationError(f"generation failed: {exc}") from exc
        return self.tokenizer.decode(output[0, inputs["input_ids"].shape[1]:], skip_special_tokens=True)

    def stream(self, messages: Sequence[Message], params: GenerationParams) -> Iterator[str]:
        """Yield text deltas up to the first stop string (generate() writes it before stopping)."""
        stops = params.stop + self.format.stop
        yield from until_stop(self._deltas(self.render(messages), dataclasses.replace(params, stop=stops)), stops)

    def _deltas(self, prompt: str, params: GenerationParams) -> Iterator[str]:
        """Text deltas; generation runs in a worker thread behind the model lock."""
        inputs = self.tokenizer(prompt, return_tensors="pt", add_special_tokens=False).to(self.model.device)
        cancel = threading.Event()
        streamer = TextIteratorStreamer(self.tokenizer, skip_prompt=True, skip_special_tokens=True, timeout=120)
        failure: list[BaseException] = []
        sampling = params.temperature > 0
        kwargs = dict(
            **inputs, streamer=streamer, max_new_tokens=params.max_new_tokens, do_sample=sampling,
            repetition_penalty=params.repetition_penalty,
            stopping_criteria=StoppingCriteriaList([_Cancelled(cancel)]),
            pad_token_id=self.tokenizer.pad_token_id or self.tokenizer.eos_token_id,
        )
        if sampling:
            kwargs.update(temperature=params.temperature, top_p=params.top_p)
        if params.stop:
            kwargs.update(stop_strings=list(params.stop), tokenizer=self.tokenizer)
        if params.num_beams > 1:  # streamers cannot follow several beams: the answer comes whole
            yield self._beam_search(inputs, kwargs, params.num_beams)
            return

        def run() -> None:
            try:
                with torch.inference_mode():
                    self.model.generate(**kwargs)
            except BaseException as exc:  # surfaced to the reader below
                failure.append(exc)
                streamer.end()

        with self._lock:
            worker = threading.Thread(target=run, name="generate", daemon=True)
            worker.start()
            try:
                for text in streamer:
                    if text:
                        yield text
            finally:
                cancel.set()
                worker.join()
        if failure:
            raise GenerationError(f"generation failed: {failure[0]}") from failure[0]
