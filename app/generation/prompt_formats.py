"""How a local backend turns messages into the one string its model reads.

A model that ships a chat template uses it (`OwnTemplate`). Otherwise a named format, chosen by
setting or by the model's name: a Jinja chat template (the same sandboxed Jinja that transformers
renders chat templates with) plus the strings that end the model's turn. Backends own this choice;
the answer pipeline only builds messages.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Protocol

from jinja2.sandbox import ImmutableSandboxedEnvironment

from app.generation.base import GenerationError, Message

# A system message is folded into the first user turn by formats that have no system role.
_FIRST_USER_WITH_SYSTEM = (
    "{% set system = messages[0]['content'] if messages[0]['role'] == 'system' else '' %}"
    "{% set turns = messages[1:] if messages[0]['role'] == 'system' else messages %}"
)

TEMPLATES: dict[str, tuple[str, tuple[str, ...]]] = {
    "chatml": (
        "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}"
        "<|im_start|>assistant\n",
        ("<|im_end|>",),
    ),
    "llama2": (
        _FIRST_USER_WITH_SYSTEM +
        "{% for m in turns %}{% if m['role'] == 'user' %}<s>[INST] "
        "{% if loop.first and system %}<<SYS>>\n{{ system }}\n<</SYS>>\n\n{% endif %}"
        "{{ m['content'] }} [/INST]{% else %} {{ m['content'] }} </s>{% endif %}{% endfor %}",
        ("</s>", "[INST]"),
    ),
    "llama3": (
        "<|begin_of_text|>{% for m in messages %}<|start_header_id|>{{ m['role'] }}<|end_header_id|>\n\n"
        "{{ m['content'] }}<|eot_id|>{% endfor %}<|start_header_id|>assistant<|end_header_id|>\n\n",
        ("<|eot_id|>", "<|end_of_text|>"),
    ),
    "mistral": (
        _FIRST_USER_WITH_SYSTEM +
        "<s>{% for m in turns %}{% if m['role'] == 'user' %}[INST] "
        "{% if loop.first and system %}{{ system }}\n\n{% endif %}{{ m['content'] }} [/INST]"
        "{% else %}{{ m['content'] }}</s>{% endif %}{% endfor %}",
        ("</s>", "[INST]"),
    ),
    "gemma": (
        _FIRST_USER_WITH_SYSTEM +
        "<bos>{% for m in turns %}<start_of_turn>{{ 'user' if m['role'] == 'user' else 'model' }}\n"
        "{% if loop.first and system %}{{ system }}\n\n{% endif %}{{ m['content'] }}<end_of_turn>\n"
        "{% endfor %}<start_of_turn>model\n",
        ("<end_of_turn>",),
    ),
    "alpaca": (
        _FIRST_USER_WITH_SYSTEM +
        "{% if system %}{{ system }}\n\n{% endif %}{% for m in turns %}"
        "{% if m['role'] == 'user' %}### Instruction:\n{{ m['content'] }}\n\n### Response:\n"
        "{% else %}{{ m['content'] }}\n\n{% endif %}{% endfor %}",
        ("### Instruction:", "### Response:"),
    ),
    "vicuna": (
        _FIRST_USER_WITH_SYSTEM +
        "{% if system %}{{ system }}\n\n{% endif %}{% for m in turns %}"
        "{% if m['role'] == 'user' %}USER: {{ m['content'] }}\nASSISTANT:{% else %} {{ m['content'] }}</s>\n"
        "{% endif %}{% endfor %}",
        ("USER:", "</s>"),
    ),
    "stablebeluga": (
        _FIRST_USER_WITH_SYSTEM +
        "{% if system %}### System:\n{{ system }}\n\n{% endif %}{% for m in turns %}"
        "{% if m['role'] == 'user' %}### User:\n{{ m['content'] }}\n\n### Assistant:\n"
        "{% else %}{{ m['content'] }}\n\n{% endif %}{% endfor %}",
        ("### User:", "### System:"),
    ),
}

# Model names (file or folder) that reveal the family; the first match wins.
_BY_NAME = [
    (re.compile(r"llama[-_ ]?3|llama3", re.I), "llama3"),
    (re.compile(r"llama[-_ ]?2|llama2", re.I), "llama2"),
    (re.compile(r"mistral|mixtral", re.I), "mistral"),
    (re.compile(r"gemma", re.I), "gemma"),
    (re.compile(r"stable[-_ ]?beluga", re.I), "stablebeluga"),
    (re.compile(r"vicuna", re.I), "vicuna"),
    (re.compile(r"alpaca", re.I), "alpaca"),
    (re.compile(r"smollm|qwen|hermes|chatml|dolphin", re.I), "chatml"),
]


class UnknownPromptFormat(GenerationError):
    """No format was named and none can be told from the model's name."""


class PromptFormat(Protocol):
    @property
    def stop(self) -> tuple[str, ...]: ...

    def render(self, messages: Sequence[Message]) -> str: ...


@dataclass(frozen=True)
class OwnTemplate:
    """The chat template the model ships with (ChatML for SmolLM2), rendered by its own library."""

    render_chat: Callable[[list[Message]], str]
    stop: tuple[str, ...] = ()  # the template's end-of-turn token is the model's end of sequence

    def render(self, messages: Sequence[Message]) -> str:
        """Prompt string ending where the assistant's answer begins."""
        return self.render_chat(list(messages))


@dataclass(frozen=True)
class NamedFormat:
    """A prompt format by name: renders messages to the exact string the model family expects."""

    name: str

    @cached_property
    def _template(self):
        return ImmutableSandboxedEnvironment(keep_trailing_newline=True).from_string(TEMPLATES[self.name][0])

    @property
    def stop(self) -> tuple[str, ...]:
        """Strings that end the model's turn in this format."""
        return TEMPLATES[self.name][1]

    def render(self, messages: Sequence[Message]) -> str:
        """Prompt string ending where the assistant's answer begins."""
        return self._template.render(messages=list(messages))


def format_named(name: str) -> NamedFormat:
    if name not in TEMPLATES:
        raise UnknownPromptFormat(f"unknown prompt format {name!r} (DECKCHAT_PROMPT_FORMAT); choose one of {', '.join(TEMPLATES)}")
    return NamedFormat(name)


def format_for_model(model_name: str) -> NamedFormat:
    """The format a model's name reveals (for models without a chat template)."""
    for pattern, name in _BY_NAME:
        if pattern.search(model_name):
            return NamedFormat(name)
    raise UnknownPromptFormat(
        f"{model_name} has no chat template and its name does not say its prompt format; "
        f"set DECKCHAT_PROMPT_FORMAT to one of {', '.join(TEMPLATES)}")


def choose_format(setting: str, model_name: str,
                  own_template: Callable[[list[Message]], str] | None) -> PromptFormat:
    """DECKCHAT_PROMPT_FORMAT applied to one model: "auto" takes the model's own chat template when it
    has one, else the format its name reveals; any other value names a format."""
    if setting != "auto":
        return format_named(setting)
    return OwnTemplate(own_template) if own_template is not None else format_for_model(model_name)


class RendersLocally:
    """For backends that turn messages into one prompt string themselves (llama.cpp, transformers):
    `format` is their PromptFormat (`choose_format`), `count_tokens` their tokenizer."""

    format: PromptFormat
    count_tokens: Callable[[str], int]

    def render(self, messages: Sequence[Message]) -> str:
        """The prompt string the model reads: its own chat template, or the chosen named format."""
        return self.format.render(messages)

    def prompt_tokens(self, messages: Sequence[Message]) -> int:
        return self.count_tokens(self.render(messages))
