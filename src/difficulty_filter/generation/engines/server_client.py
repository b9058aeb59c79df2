"""Client of OpenAI-compatible vLLM servers.

Each sample is one `/v1/completions` request carrying the already templated and truncated token ids (so
truncation is identical to the offline engine), `n = 1` and the sample's own seed. Requests go round-robin
over the base URLs with at most `max_in_flight` in flight; connection errors, timeouts, 429 and 5xx are
retried with exponential backoff and jitter; a prompt the server rejects as too long becomes a
`prompt_too_long` row; anything else fails the batch with the URL and the server's message.
"""

from __future__ import annotations

import itertools
import json
import logging
import queue
import random
import re
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Hashable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from http.client import HTTPException

from ...settings import SamplingSettings, ServerSettings
from ..records import Sample, finish_reason
from ..requests import sampling_fields
from ..stream import POLL_SECONDS, SampleStream

log = logging.getLogger(__name__)

TOO_LONG = re.compile(r"context length|model length|too long|longer than", re.I)


class ServerError(RuntimeError):
    """The server failed in a way retrying cannot fix (or retries ran out)."""


class PromptRejected(Exception):
    """The server refused one prompt because of its length."""


def base_url(url: str) -> str:
    """`http://host:8000`, `http://host:8000/` and `http://host:8000/v1` all name the same server."""
    url = url.rstrip("/")
    return url[:-3] if url.endswith("/v1") else url


class ServerClient(SampleStream):
    def __init__(
        self,
        urls: Sequence[str],
        server: ServerSettings,
        sampling: SamplingSettings,
        count_tokens: Callable[[str], int],
        alive: Callable[[], bool] | None = None,
        backoff_seconds: float = 0.5,
        max_backoff_seconds: float = 30.0,
    ):
        if not urls:
            raise ValueError("no server URL")
        self.urls = [base_url(u) for u in urls]
        self.server = server
        self.fields = {
            **sampling_fields(sampling),
            "min_p": 0.0,
            "presence_penalty": 0.0,
            "frequency_penalty": 0.0,
            "return_token_ids": True,
        }
        self.count_tokens = count_tokens
        self.alive = alive
        self.backoff, self.max_backoff = backoff_seconds, max_backoff_seconds
        self._next = itertools.count()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._pool: ThreadPoolExecutor | None = None
        self._futures: dict[Hashable, Future] = {}
        self._done: queue.Queue = queue.Queue()
        self.model: str | None = None

    # -- HTTP ---------------------------------------------------------------------------------------
    def _url(self) -> str:
        with self._lock:
            return self.urls[next(self._next) % len(self.urls)]

    def _once(self, url: str, path: str, body: dict | None) -> dict:
        headers = {"Content-Type": "application/json"}
        if self.server.api_key:
            headers["Authorization"] = f"Bearer {self.server.api_key}"
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(url + path, data=data, headers=headers, method="GET" if body is None else "POST")
        with urllib.request.urlopen(req, timeout=self.server.request_timeout) as resp:
            return json.loads(resp.read())

    def call(self, path: str, body: dict | None = None) -> dict:
        """One request with retries on transient errors; raises ServerError or PromptRejected."""
        retries = self.server.max_retries
        attempt = 0
        while True:
            url = self._url()
            try:
                return self._once(url, path, body)
            except urllib.error.HTTPError as exc:
                detail = exc.read().decode(errors="replace")[:500]
                if exc.code == 400 and TOO_LONG.search(detail):
                    raise PromptRejected(detail) from None
                if exc.code != 429 and exc.code < 500:
                    raise ServerError(f"{url}{path}: HTTP {exc.code}: {detail}") from None
                problem = f"HTTP {exc.code}: {detail}"
            except (urllib.error.URLError, HTTPException, OSError) as exc:
                problem = f"{type(exc).__name__}: {getattr(exc, 'reason', exc)}"
            if self.alive is not None and not self.alive():
                raise ServerError(f"the vLLM server at {url} died ({problem})")
            if attempt == retries or self._stop.is_set():
                raise ServerError(f"{url}{path} failed after {attempt + 1} attempt(s): {problem}")
            delay = min(self.max_backoff, self.backoff * 2**attempt) * random.uniform(0.5, 1.0)
            attempt += 1
            log.warning("%s%s: %s; retry %d/%d in %.1f s", url, path, problem, attempt, retries, delay)
            time.sleep(delay)

    # -- generation ---------------------------------------------------------------------------------
    def connect(self) -> dict:
        """Ask the server which model it serves (also proves it is up); returns the model card."""
        card = self.call("/v1/models")["data"][0]
        self.model = card["id"]
        return card

    def complete(self, token_ids: list[int], seed: int) -> Sample | None:
        """One sample, or None if the server rejected the prompt as too long."""
        body = {"model": self.model, "prompt": token_ids, "seed": seed, **self.fields}
        try:
            reply = self.call("/v1/completions", body)
        except PromptRejected as exc:
            log.warning("prompt rejected by the server: %s", exc)
            return None
        [c] = reply["choices"]
        return Sample(
            c["text"],
            len(c["token_ids"]) if c.get("token_ids") is not None else self.count_tokens(c["text"]),
            finish_reason(c.get("finish_reason")),
        )

    # -- SampleStream ---------------------------------------------------------------------------------
    @property
    def capacity(self) -> int:
        return self.server.max_in_flight

    def submit(self, tag: Hashable, token_ids: list[int], seed: int) -> None:
        if self.model is None:
            self.connect()
        if self._pool is None:
            self._stop.clear()
            self._pool = ThreadPoolExecutor(max_workers=self.server.max_in_flight, thread_name_prefix="vllm-client")
        future = self._pool.submit(self.complete, token_ids, seed)
        self._futures[tag] = future
        future.add_done_callback(lambda f: f.cancelled() or self._done.put((tag, f)))

    def poll(self, timeout: float = POLL_SECONDS) -> list[tuple[Hashable, Sample | None]]:
        finished = []
        try:
            finished.append(self._done.get(timeout=timeout if self._futures else 0))
            while True:
                finished.append(self._done.get_nowait())
        except queue.Empty:
            pass
        # a result comes back only while its tag is live (not aborted); errors fail the caller
        return [(tag, future.result()) for tag, future in finished if self._futures.pop(tag, None) is future]

    def abort(self, tags: Sequence[Hashable]) -> None:
        for tag in tags:
            future = self._futures.pop(tag, None)
            if future is not None:
                future.cancel()  # a request already sent runs to its end; its result is dropped

    @property
    def running(self) -> int:
        return len(self._futures)

    def close(self) -> None:
        """Drop whatever is queued or running (retries stop at their next attempt)."""
        self._stop.set()
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
        self._futures.clear()
