"""The embedded model re-quantized once into the configured format (llama.cpp's own quantizer), reused
after, and the packaged file used when that cannot be done."""

from __future__ import annotations

import pytest

from app.generation.base import GenerationError, GenerationParams
from app.generation.embedded import embedded_model_name, embedded_model_path, packaged_model_path, requantize

llama_cpp = pytest.importorskip("llama_cpp", reason="llama-cpp-python is not installed: run `make test`")


def test_the_model_is_requantized_once_and_answers(tmp_path, monkeypatch):
    from app.generation.llamacpp_backend import LlamaCppGenerator

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert embedded_model_name("Q4_0") == packaged_model_path().name  # not made yet: health names the packaged one
    made = requantize("Q4_0")
    assert made.parent == tmp_path / "deckchat" / "models" and made.name.endswith(".Q4_0.gguf")
    assert made.read_bytes()[:4] == b"GGUF" and made.stat().st_size < packaged_model_path().stat().st_size
    stamp = made.stat().st_mtime_ns
    assert embedded_model_path("Q4_0") == made and made.stat().st_mtime_ns == stamp  # made once
    assert embedded_model_name("Q4_0") == made.name
    assert not list(made.parent.glob("*.partial"))
    generator = LlamaCppGenerator(made, 2)
    text = "".join(generator.stream([{"role": "user", "content": "What is the capital of France?"}],
                                    GenerationParams(max_new_tokens=12)))
    assert "Paris" in text


def test_the_packaged_model_is_used_when_the_format_cannot_be_made(tmp_path, monkeypatch, caplog):
    (tmp_path / "not-a-folder").write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "not-a-folder"))
    assert embedded_model_path("Q8_0") == packaged_model_path()
    assert "Q8_0 unavailable" in caplog.text
    assert embedded_model_path("Q4_1") == packaged_model_path()
    with pytest.raises(GenerationError, match="unknown DECKCHAT_EMBEDDED_FORMAT"):
        requantize("Q2_K")
