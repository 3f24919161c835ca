"""Run document parsers in a child process, so a file that hangs or crashes a parser is cut off."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from multiprocessing.pool import Pool
from pathlib import Path

from ingest.loaders import LoadedFile, LoadError, load_file


class IsolatedLoader:
    """Loads files in one reusable worker process with a per-file time limit.

    The worker is started with `spawn` (no inherited model threads or locks); when a file runs
    past the limit the worker is killed and a fresh one serves the next file.
    """

    def __init__(self, timeout_s: float, load: Callable[[Path], LoadedFile] = load_file):
        self.timeout_s = timeout_s
        self.load_fn = load
        self._pool: Pool | None = None

    def __enter__(self) -> IsolatedLoader:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def _worker(self) -> Pool:
        if self._pool is None:
            self._pool = multiprocessing.get_context("spawn").Pool(1)
        return self._pool

    def load(self, path: Path) -> LoadedFile:
        """The file's pages; LoadError when it fails, crashes the parser, or takes too long."""
        pending = self._worker().apply_async(self.load_fn, (path,))
        try:
            return pending.get(self.timeout_s)
        except multiprocessing.TimeoutError:
            self.close()
            raise LoadError(f"parsing took longer than {self.timeout_s:g} s and was stopped "
                            "(raise DECKCHAT_FILE_TIMEOUT_S if the file is just large)") from None

    def close(self) -> None:
        """Stop the worker process."""
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None
