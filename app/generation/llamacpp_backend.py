"""llama.cpp (llama-cpp-python) backend: runs a GGUF's quantized weights as they are, on the CPU.

The default for GGUF files: it loads in well under a second and decodes several times faster than
transformers, which dequantises a GGUF to fp32 (measured in docs/architecture.md).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import llama_cpp
from llama_cpp.llama_chat_format import Jinja2ChatFormatter

from app.generation.base import GenerationError, GenerationParams, Message
from app.generation.prompt_formats import RendersLocally, choose_format

log = logging.getLogger(__name__)


class LlamaCppGenerator(RendersLocally):
    """Streaming generation from a GGUF file with llama.cpp; one request at a time."""

    def __init__(self, model_path: Path, threads: int, context_window: int = 2048, prompt_format: str = "auto"):
        started = time.perf_counter()
        try:
            # Prompts are kept short (the context budget), so a 2,048-token window is plenty and
            # keeps the KV cache small.
            self.llm = llama_cpp.Llama(model_path=str(model_path), n_ctx=context_window,
                                       n_threads=max(1, threads), verbose=False)
        except (ValueError, RuntimeError) as exc:
            raise GenerationError(f"cannot load {model_path} with llama.cpp: {exc}") from exc
        self.model_id = model_path.name
        self.context_window = self.llm.n_ctx()
        template = self.llm.metadata.get("tokenizer.chat_template")
        own = Jinja2ChatFormatter(
            template=template, eos_token=self._token_text(self.llm.token_eos()),
            bos_token=self._token_text(self.llm.token_bos()),
        ) if template else None
        self.format = choose_format(prompt_format, self.model_id, (lambda m: own(messages=m).prompt) if own else None)
        self._control = self._control_tokens()
        self._lock = threading.Lock()
        self.load_seconds = time.perf_counter() - started
        log.info("loaded %s with llama.cpp in %.2f s (%d threads)", self.model_id, self.load_seconds, threads)

    def _token_text(self, token: int) -> str:
        return self.llm.detokenize([token], special=True).decode("utf-8", errors="replace") if token >= 0 else ""

    def _control_tokens(self) -> list[str]:
        vocab = llama_cpp.llama_model_get_vocab(self.llm._model.model)
        return [self._token_text(token) for token in range(self.llm.n_vocab())
                if llama_cpp.llama_vocab_get_attr(vocab, token) & llama_cpp.LLAMA_TOKEN_ATTR_CONTROL]

    def count_tokens(self, text: str) -> int:
        """Tokens the model sees for `text` (control tokens in it count as one each, as in a prompt)."""
        return len(self.llm.tokenize(text.encode("utf-8"), add_bos=False, special=True))

    def special_tokens(self) -> list[str]:
        """Control tokens (e.g. <|im_start|>) that must never reach the model from documents."""
        return list(self._control)

    def stream(self, messages: Sequence[Message], params: GenerationParams) -> Iterator[str]:
        """Yield text deltas as llama.cpp decodes them; closing the iterator stops decoding."""
        prompt = self.render(messages)
        stop = list(params.stop + self.format.stop)  # llama.cpp never emits the stop string itself
        with self._lock:
            # No reuse of the previous prompt's cached prefix: evaluating a prompt in pieces changes
            # the numerics enough that the same question could get another greedy answer depending
            # on the question before it. The shared prefix is the short system rule: little to save.
            self.llm.reset()
            chunks = self.llm.create_completion(
                prompt, max_tokens=params.max_new_tokens, stream=True,
                temperature=params.temperature, top_p=params.top_p,  # temperature 0: greedy
                repeat_penalty=params.repetition_penalty, stop=stop or None,
            )
            try:
                for chunk in chunks:
                    text = chunk["choices"][0]["text"]
                    if text:
                        yield text
            except (ValueError, RuntimeError) as exc:
                raise GenerationError(f"generation failed: {exc}") from exc
            finally:
                chunks.close()  # a reader who left: decoding stops here, not at max_tokens
