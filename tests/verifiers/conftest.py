"""A stand-in LLM judge: a local OpenAI-compatible chat endpoint that replies with queued texts."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest


@dataclass
class StandInJudge:
    """`replies` are popped one per request; `seen` holds each request body (plus its path)."""

    url: str
    replies: list[str] = field(default_factory=list)
    seen: list[dict] = field(default_factory=list)
    delay: float = 0.0


@pytest.fixture
def judge_server():
    judge = StandInJudge("")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            time.sleep(judge.delay)
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            judge.seen.append({"path": self.path, **body})
            data = json.dumps({"choices": [{"message": {"content": judge.replies.pop(0)}}]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    judge.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield judge
    server.shutdown()
    server.server_close()
