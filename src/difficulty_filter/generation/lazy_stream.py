"""A streaming engine opened on its first sample: an adaptive job whose prompts close on stored samples alone
(a rerun for another threshold that needs no new sample) loads no model."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Hashable, Sequence
from typing import Any

from .records import Sample
from .stream import SampleStream


class LazyStream(SampleStream):
    """Wraps `open_engine()` (a context manager yielding (engine, model loads)); `on_open()` runs just before
    the engine opens (e.g. to set the job's phase), `on_opened(loads)` right after. Until then nothing runs,
    `capacity` is 0 (no speculation without an engine) and `poll` returns nothing. Use as a context manager."""

    def __init__(
        self,
        open_engine: Callable[[], Any],
        on_open: Callable[[], None] = lambda: None,
        on_opened: Callable[[int], None] = lambda loads: None,
    ):
        self._open, self._on_open, self._on_opened = open_engine, on_open, on_opened
        self._stack = contextlib.ExitStack()
        self.engine: SampleStream | None = None
        self.loads = 0

    def __enter__(self) -> LazyStream:
        return self

    def __exit__(self, *exc_info) -> None:
        self._stack.__exit__(*exc_info)

    def _engine(self) -> SampleStream:
        if self.engine is None:
            self._on_open()
            engine, self.loads = self._stack.enter_context(self._open())
            if not isinstance(engine, SampleStream):
                raise ValueError(
                    "sampling.adaptive needs an engine that streams samples (offline or server), "
                    f"not {type(engine).__name__}"
                )
            self.engine = engine
            self._on_opened(self.loads)
        return self.engine

    @property
    def capacity(self) -> int:  # type: ignore[override]
        return self.engine.capacity if self.engine is not None else 0

    def submit(self, tag: Hashable, token_ids: list[int], seed: int) -> None:
        self._engine().submit(tag, token_ids, seed)

    def poll(self, timeout: float = 0.5) -> list[tuple[Hashable, Sample | None]]:
        return self.engine.poll(timeout) if self.engine is not None else []

    def abort(self, tags: Sequence[Hashable]) -> None:
        if self.engine is not None:
            self.engine.abort(tags)

    @property
    def running(self) -> int:
        return self.engine.running if self.engine is not None else 0
