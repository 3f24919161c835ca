"""OpenAI-compatible servers for tests, on a loopback port: a recording proxy in front of the real
llama_cpp.server (cluster/model_server.py), and a scripted "model" for fault tests where the words
and their pace matter more than the model.
"""

from __future__ import annotations

import json
import threading
import time

import requests

from flask import Flask, Response, request
from werkzeug.serving import make_server


def make_recording_proxy(upstream: str) -> Flask:
    """Passes each request through to a real OpenAI-compatible server (llama_cpp.server) and records its
    body, so a test can check what the backend sent as well as what the real model answered."""
    app = Flask("openai-recording-proxy")
    app.config["requests"] = []

    @app.post("/v1/chat/completions")
    def chat_completions():
        body = request.get_json()
        app.config["requests"].append(body)
        answer = requests.post(f"{upstream}/chat/completions", json=body, stream=True, timeout=120)
        return Response(answer.iter_content(chunk_size=None), status=answer.status_code,
                        content_type=answer.headers.get("Content-Type"))

    return app


def make_scripted_standin(answer: str, pieces: int = 6, delay_s: float = 0.0) -> Flask:
    """A stand-in whose "model" always streams `answer` in a few pieces (for tests where the words matter),
    `delay_s` apart (a slow model, for tests that act while it writes)."""
    app = Flask("openai-scripted")
    step = max(1, len(answer) // pieces)

    def chunk(delta: dict, finish: str | None = None) -> str:
        body = {"id": "scripted", "object": "chat.completion.chunk", "created": 0, "model": "scripted",
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
        return f"data: {json.dumps(body)}\n\n"

    @app.post("/v1/chat/completions")
    def chat_completions():
        def events():
            yield chunk({"role": "assistant", "content": ""})
            for start in range(0, len(answer), step):
                yield chunk({"content": answer[start:start + step]})
                time.sleep(delay_s)
            yield chunk({}, "stop")
            yield "data: [DONE]\n\n"

        return Response(events(), mimetype="text/event-stream")

    return app


class StandinServer:
    """Serves the stand-in on a loopback port in a background thread."""

    def __init__(self, app: Flask):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.base_url = f"http://127.0.0.1:{self.server.server_port}/v1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> StandinServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
