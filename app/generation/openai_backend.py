"""A model on another machine behind an OpenAI-compatible API (llama.cpp server, vLLM, TGI, Ollama).

langchain-openai's ChatOpenAI speaks the protocol (streaming, timeouts, retries). The messages go
as they are and the server applies its model's chat template; token counts are estimates (the
tokenizer lives on the server).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator, Sequence

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from langchain_openai import ChatOpenAI

from app.generation.base import GenerationError, GenerationParams, Message

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
TOKENS_PER_MESSAGE = 5  # a chat template's role markers around each message


class OpenAICompatibleGenerator:
    """Streams answers from a chat-completions endpoint; the model id is whatever the server serves."""

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

    def prompt_tokens(self, messages: Sequence[Message]) -> int:
        """An estimate: the contents plus the role markers the server's template adds."""
        return sum(self.count_tokens(m["content"]) + TOKENS_PER_MESSAGE for m in messages) + TOKENS_PER_MESSAGE

    def special_tokens(self) -> list[str]:
        return list(CONTROL_MARKERS)

    def stream(self, messages: Sequence[Message], params: GenerationParams) -> Iterator[str]:
        """Yield text deltas as the server sends them; closing the iterator drops the connection."""
        turns: list[BaseMessage] = [_ROLES[m["role"]](content=m["content"]) for m in messages]
        chat = ChatOpenAI(**self._client, temperature=params.temperature, top_p=params.top_p,
                          max_completion_tokens=params.max_new_tokens, streaming=True,
                          stop_sequences=list(params.stop) or None,
                          # Not in the OpenAI API; llama.cpp server and vLLM read it from the body.
                          extra_body={"repetition_penalty": params.repetition_penalty}
                          if params.repetition_penalty != 1.0 else None)
        try:
            for chunk in chat.stream(turns):
                if chunk.content:
                    yield str(chunk.content)
        except Exception as exc:  # connection refused, timeout, HTTP error from the server
            raise GenerationError(f"the model server at {self.base_url} failed: {exc}") from exc
