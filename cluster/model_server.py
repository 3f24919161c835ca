"""llama-cpp-python's own OpenAI-compatible server (`python -m llama_cpp.server`, its `[server]` extra) on a GGUF.

The one model every instance of the local cluster asks (`DECKCHAT_BACKEND=openai`), and the real
server the OpenAI-compatible backend is tested against. By default the embedded model, in the format
the embedded backend runs (DECKCHAT_EMBEDDED_FORMAT, re-quantized once at install).
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import requests

from cluster.ports import free_port, stop_process, wait_until

MODEL_ALIAS = "smollm2"
CONTEXT_TOKENS = 4096


class ModelServerUnavailable(Exception):
    """llama_cpp.server cannot run here; the message says what to install."""


@dataclass
class ModelServer:
    process: subprocess.Popen
    port: int
    log_path: Path
    alias: str = MODEL_ALIAS

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def stop(self) -> None:
        stop_process(self.process, 20)


def start_model_server(log_path: Path, model_path: Path | None = None, threads: int = 2) -> ModelServer:
    try:
        from llama_cpp.server.settings import ModelSettings, ServerSettings  # its [server] extra: fastapi, uvicorn
    except ImportError as exc:
        raise ModelServerUnavailable(f"llama_cpp.server cannot start ({exc}): make install, or .venv/bin/pip "
                                     "install -r requirements.txt -c constraints.txt") from None
    if model_path is None:
        from app.generation.embedded import embedded_model_path

        model_path = embedded_model_path()
    port = free_port()
    # Its settings are read from the environment too, and win over the command line (a PORT exported by
    # `make cluster PORT=...` moved it to nginx's port): it gets none of ours.
    its_settings = set(ServerSettings.model_fields) | set(ModelSettings.model_fields)
    env = {k: v for k, v in os.environ.items() if k.lower() not in its_settings}
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "llama_cpp.server", "--model", str(model_path), "--model_alias", MODEL_ALIAS,
             "--host", "127.0.0.1", "--port", str(port), "--n_ctx", str(CONTEXT_TOKENS),
             "--n_threads", str(threads),
             # By default a waiting request cuts the stream being written short: every reader's answer
             # must be whole, so requests take turns instead.
             "--interrupt_requests", "False"],
            env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    server = ModelServer(process, port, log_path)
    try:
        wait_until(lambda: requests.get(f"{server.base_url}/models", timeout=2).ok, process, 120,
                   f"llama_cpp.server on port {port}")
    except RuntimeError as exc:
        server.stop()
        raise ModelServerUnavailable(f"{exc}; its log: {log_path.read_text()[-1500:]}") from None
    return server
