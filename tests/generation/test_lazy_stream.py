"""LazyStream: the engine of an adaptive job opens on the first sample it must draw, and only then."""

import contextlib

import pytest

from difficulty_filter.generation.lazy_stream import LazyStream
from difficulty_filter.generation.records import Sample
from difficulty_filter.generation.stream import SampleStream


class Echo(SampleStream):
    capacity = 4

    def __init__(self):
        self.done = []

    def submit(self, tag, token_ids, seed):
        self.done.append((tag, Sample(str(seed), 1, "stop")))

    def poll(self, timeout=0.5):
        done, self.done = self.done, []
        return done

    def abort(self, tags):
        pass

    @property
    def running(self):
        return len(self.done)


def test_opens_on_the_first_sample_and_closes_with_the_job():
    events = []

    @contextlib.contextmanager
    def opener():
        events.append("open")
        yield Echo(), 1
        events.append("close")

    with LazyStream(opener, lambda: events.append("loading"), lambda loads: events.append(loads)) as lazy:
        assert (lazy.capacity, lazy.running, lazy.poll(0.0), lazy.loads) == (0, 0, [], 0)
        lazy.abort(["x"])
        assert events == []
        lazy.submit("a", [1], 7)
        assert events == ["loading", "open", 1] and lazy.capacity == 4 and lazy.running == 1
        assert lazy.poll() == [("a", Sample("7", 1, "stop"))]
    assert events[-1] == "close" and lazy.loads == 1


def test_an_engine_that_cannot_stream_is_refused():
    @contextlib.contextmanager
    def opener():
        yield object(), 1

    with LazyStream(opener) as lazy, pytest.raises(ValueError, match="streams samples"):
        lazy.submit("a", [1], 7)
