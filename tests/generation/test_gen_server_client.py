"""ServerClient against a tiny local OpenAI-style server: retries, backoff, rejection, round-robin, bounds."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from difficulty_filter import config
from difficulty_filter.generation.engines.server_client import ServerClient, ServerError, base_url
from difficulty_filter.generation.requests import Request

SAMPLING = config.section("sampling", {"n": 2, "max_new_tokens": 8, "seed": 0})


class FakeServer:
    """Answers /v1/models and /v1/completions; fails the first `fail_first` completions with `fail_code`."""

    def __init__(self, fail_first=0, fail_code=503, delay=0.0, token_ids=True):
        self.fail_first, self.fail_code, self.delay, self.token_ids = fail_first, fail_code, delay, token_ids
        self.calls, self.in_flight, self.max_in_flight, self.bodies = 0, 0, 0, []
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, code, obj):
                data = json.dumps(obj).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                self._send(200, {"data": [{"id": "fake-model", "max_model_len": 64}]})

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with fake.lock:
                    fake.calls += 1
                    call = fake.calls
                    fake.in_flight += 1
                    fake.max_in_flight = max(fake.max_in_flight, fake.in_flight)
                    fake.bodies.append(body)
                try:
                    time.sleep(fake.delay)
                    if call <= fake.fail_first:
                        return self._send(fake.fail_code, {"error": "overloaded"})
                    if len(body["prompt"]) > 50:
                        return self._send(400, {"error": {"message": "This model's maximum context length is 64"}})
                    if body["top_k"] == -99:
                        return self._send(400, {"error": {"message": "top_k must be -1 or positive"}})
                    choices = [
                        {
                            "index": j,
                            "text": f"p{len(body['prompt'])} s{body['seed']} j{j}",
                            "finish_reason": "stop",
                            **({"token_ids": [1] * (j + 1)} if fake.token_ids else {}),
                        }
                        for j in reversed(range(body["n"]))
                    ]
                    self._send(200, {"choices": choices})
                finally:
                    with fake.lock:
                        fake.in_flight -= 1

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    servers = []

    def make(**kw):
        servers.append(FakeServer(**kw))
        return servers[-1]

    yield make
    for s in servers:
        s.close()


def client(urls, alive=None, **cfg):
    server = config.section(
        "model", {"path": "m", "server": {"max_in_flight": 4, "request_timeout": 10, "max_retries": 3, **cfg}}
    ).server
    return ServerClient(
        urls,
        server,
        SAMPLING,
        count_tokens=lambda t: len(t.split()),
        alive=alive,
        backoff_seconds=0.01,
        max_backoff_seconds=0.05,
    )


def test_base_url_forms():
    assert {base_url(u) for u in ("http://h:8000", "http://h:8000/", "http://h:8000/v1", "http://h:8000/v1/")} == {
        "http://h:8000"
    }


def test_generate_sends_one_seeded_request_per_sample(server):
    s = server()
    c = client([s.url + "/v1"])
    [(b, results)] = list(c.generate([[Request([1, 2, 3], (10, 11))]]))
    assert b == 0 and [x.text for x in results[0]] == ["p3 s10 j0", "p3 s11 j0"]  # one request per sample
    assert [x.tokens for x in results[0]] == [1, 1]
    body = min(s.bodies, key=lambda body: body["seed"])
    assert body["model"] == "fake-model" and body["prompt"] == [1, 2, 3] and body["n"] == 1
    assert body["max_tokens"] == 8 and body["top_k"] == 100 and body["seed"] == 10 and body["return_token_ids"]


def test_token_count_falls_back_to_local_tokenizer(server):
    c = client([server(token_ids=False).url])
    [(_, results)] = list(c.generate([[Request([1], (0, 1))]]))
    assert [x.tokens for x in results[0]] == [3, 3]


@pytest.mark.parametrize("code", [503, 500, 429])
def test_transient_errors_are_retried(server, code):
    s = server(fail_first=2, fail_code=code)
    [(_, results)] = list(client([s.url]).generate([[Request([1], (0,))]]))
    assert results[0][0].text == "p1 s0 j0" and s.calls == 3


def test_retries_run_out(server):
    s = server(fail_first=100)
    with pytest.raises(ServerError, match="after 3 attempt"):
        list(client([s.url], max_retries=2).generate([[Request([1], (0,))]]))


def test_too_long_prompt_becomes_none_other_4xx_fails(server):
    s = server()
    [(_, results)] = list(client([s.url]).generate([[Request([1] * 60, (0,)), Request([1], (1,))]]))
    assert results[0] is None and results[1] is not None
    bad = client([s.url])
    bad.fields["top_k"] = -99
    with pytest.raises(ServerError, match="HTTP 400.*top_k"):
        list(bad.generate([[Request([1], (0,))]]))


def test_dead_server_fails_the_batch(server):
    s = server()
    c = client([s.url], max_retries=2)
    c.connect()
    s.close()
    start = time.monotonic()
    with pytest.raises(ServerError, match="failed after 3 attempt"):
        list(c.generate([[Request([1], (0,))]]))
    assert time.monotonic() - start < 5


def test_dead_managed_server_fails_without_retrying(server):
    s = server()
    c = client([s.url], max_retries=50, alive=lambda: False)
    c.connect()
    s.close()
    with pytest.raises(ServerError, match="died"):
        list(c.generate([[Request([1], (0,))]]))


def test_round_robin_over_urls(server):
    a, b = server(), server()
    batches = [[Request([1], (i,)) for i in range(6)], [Request([1], (6 + i,)) for i in range(6)]]
    out = list(client([a.url, b.url]).generate(batches))
    assert sorted(n for n, _ in out) == [0, 1] and all(len(r) == 6 for _, r in out)
    assert a.calls == b.calls == 6
    assert sorted(body["seed"] for body in a.bodies + b.bodies) == list(range(12))


def test_requests_in_flight_are_bounded(server):
    s = server(delay=0.1)
    list(client([s.url], max_in_flight=3).generate([[Request([1], (i,)) for i in range(12)]]))
    assert s.max_in_flight == 3
