"""A model on another machine behind an OpenAI-compatible API (llama.cpp server, vLLM, TGI, Ollama).

langchain-openai's ChatOpenAI speaks the protocol (streaming, timeouts, retries). The server applies
the model's chat template, so a "prompt" here is the message list, carried as JSON through the
Generator interface, and token counts are estimates (the tokenizer lives on the server).
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Iterator

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from langchain_openai import ChatOpenAI

from app.generation.base import GenerationError, GenerationParams

log = logging.getLogger(__name__)

# Chat control markers of the common model families: stripped from documents and questions so they
# cannot open a turn of their own on whatever model the server runs.
CONTROL_MARKERS = [
    "<|im_start|>", "<|im_end|>", "<|endoftext|>", "<|begin_of_text|>", "<|start_header_id|>",
    "<|end_header_id|>", "<|eot_id|>", "[INST]", "[/INST]", "<<SYS>>", "<</SYS>>", "<s>", "</s>",
    "<start_of_turn>", "<end_of_turn>", "<bos>", "<eos>",
]
_ROLES = {"system": SystemMessage, "user": HumanMessage, "assistant": AIMessage}
CHARS_PER_TOKEN = 3.5  # English text in BPE vocabularies; errs towards over-counting


class OpenAICompatibleGenerator:
    """Streams answers from a chat-completions endpoint; the model id is whatever the server serves."""

    has_chat_template = True  # the server renders its model's template

    def __init__(self, base_url: str, model: str, api_key: str, context_window: int, timeout_s: float = 120):
        if not base_url:
            raise GenerationError("DECKCHAT_BACKEND=openai needs DECKCHAT_OPENAI_BASE_URL (e.g. http://host:8080/v1)")
        self.model_id = model or "remote"
        self.context_window = context_window
        self.base_url = base_url
        self._client = dict(base_url=base_url, model=self.model_id, api_key=api_key or "not-needed",
                            timeout=timeout_s, max_retries=1)
        log.info("backend: OpenAI-compatible server at %s, model %s", base_url, self.model_id)

    def count_tokens(self, text: str) -> int:
        """An estimate: the server's tokenizer is not here."""
        return math.ceil(len(text) / CHARS_PER_TOKEN)

    def render_chat(self, messages: list[dict[str, str]]) -> str:
        """The messages themselves (JSON): the server applies the chat template."""
        return json.dumps([{"role": m["role"], "content": m["content"]} for m in messages], ensure_ascii=False)

    def special_tokens(self) -> list[str]:
        return list(CONTROL_MARKERS)

    def stream(self, prompt: str, params: GenerationParams) -> Iterator[str]:
        """Yield text deltas as the server sends them; closing the iterator drops the connection."""
        messages: list[BaseMessage] = [_ROLES[m["role"]](content=m["content"]) for m in json.loads(prompt)]
        chat = ChatOpenAI(**self._client, temperature=params.temperature, top_p=params.top_p,
                          max_completion_tokens=params.max_new_tokens, streaming=True,
                          stop_sequences=list(params.stop) or None,
                          # Not in the OpenAI API; llama.cpp server and vLLM read it from the body.
                          extra_body={"repetition_penalty": params.repetition_penalty}
                          if params.repetition_penalty != 1.0 else None)
        try:
            for chunk in chat.stream(messages):
                if chunk.content:
                    yield str(chunk.content)
        except Exception as exc:  # connection refused, timeout, HTTP error from the server
            raise GenerationError(f"the model server at {self.base_url} failed: {exc}") from exc
