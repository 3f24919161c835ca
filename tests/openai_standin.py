"""A small OpenAI-compatible chat server for tests: the embedded model behind /v1/chat/completions.

It plays the part of llama.cpp server or vLLM on another machine: llama-cpp-python produces the
OpenAI-format chunks, this Flask app streams them as Server-Sent Events.
"""

from __future__ import annotations

import json
import threading
import time

from flask import Flask, Response, request
from werkzeug.serving import make_server


def make_standin(llm) -> Flask:
    """The stand-in app around a llama_cpp.Llama; it records each request body it receives."""
    app = Flask("openai-standin")
    app.config["requests"] = []
    lock = threading.Lock()

    @app.post("/v1/chat/completions")
    def chat_completions():
        body = request.get_json()
        app.config["requests"].append(body)
        options = dict(messages=body["messages"], max_tokens=body.get("max_completion_tokens") or body.get("max_tokens"),
                       temperature=body.get("temperature", 0.0), top_p=body.get("top_p", 1.0), stop=body.get("stop"))
        if not body.get("stream"):
            with lock:
                llm.reset()
                return llm.create_chat_completion(**options)

        def events():
            with lock:
                llm.reset()
                for chunk in llm.create_chat_completion(**options, stream=True):
                    yield f"data: {json.dumps(chunk)}\n\n"
            yield "data: [DONE]\n\n"

        return Response(events(), mimetype="text/event-stream")

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
