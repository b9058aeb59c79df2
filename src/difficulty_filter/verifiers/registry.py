"""Routing: data_source -> verifier (custom prefixes first, then built-ins; the longest prefix wins)."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..outcomes import UNKNOWN_SOURCE, Verdict
from ..settings import RewardSettings
from . import custom

#: Verifier name -> version; bump a version whenever that verifier's verdicts can change.
VERIFIER_VERSIONS: dict[str, str] = {
    "math": "3",
    "table": "1",
    "multiple_choice": "1",
    "stem_web": "1",
    "zebra": "1",
    "ordering": "1",
    "graph": "1",
    "arc_grid": "1",
    "codeio": "1",
    "codegen": "1",
    "cruxeval": "1",
    "unknown": "1",
}

#: data_source prefix -> built-in verifier. Includes the original's naming quirks: unprefixed logic
#: names, `stem_web` vs `stem__web`, ARC/BARC under both `simulation__` and `logic__`.
BUILTIN_PREFIXES: dict[str, str] = {
    "math__": "math",
    "table__": "table",
    "stem__gpqa": "multiple_choice",
    "stem__supergpqa": "multiple_choice",
    "stem_web": "stem_web",
    "stem__web": "stem_web",
    "logic__zebra_puzzle": "zebra",
    "zebra_puzzle_dataset": "zebra",
    "logic__ordering_puzzle": "ordering",
    "ordering_puzzle_dataset": "ordering",
    "logic__graph": "graph",
    "graph_logical_dataset": "graph",
    "simulation__arcagi": "arc_grid",
    "simulation__barc": "arc_grid",
    "logic__arcagi": "arc_grid",
    "logic__barc": "arc_grid",
    "simulation__codeio": "codeio",
    "codegen__": "codegen",
    "simulation__cruxeval": "cruxeval",
}
#: Verifier name -> its module, where they differ (a module named `math` would shadow the standard library's).
MODULES = {"math": "math_answers"}
#: Verifiers that execute code; their limit is the calibrated reward.code.total_timeout + CODE_TIMEOUT_MARGIN.
CODE_VERIFIERS = frozenset({"codegen", "cruxeval"})
CODE_TIMEOUT_MARGIN = 10.0

Verify = Callable[[str, Any, dict, RewardSettings], Verdict]


@dataclass(frozen=True)
class Route:
    """Where a data_source is graded: verifier name, verify function, version."""

    name: str
    verify: Verify
    version: str

    def timeout(self, settings: RewardSettings) -> float:
        """Wall-clock limit for one verification with this route."""
        if self.name in CODE_VERIFIERS:
            scale = 1.0
            if settings.code.calibrate:
                from ..sandbox import calibration

                scale = calibration.factor()  # the sandbox stretches its own limits by the same factor
            return settings.code.total_timeout * scale + CODE_TIMEOUT_MARGIN
        return settings.timeout


class _Lazy:
    """A built-in verify function imported on first use (codegen/cruxeval live in other modules)."""

    def __init__(self, name: str):
        self.name = name
        self._function: Verify | None = None

    def load(self) -> Verify:
        if self._function is None:
            module = MODULES.get(self.name, self.name)
            self._function = importlib.import_module(f"{__package__}.{module}").verify
        return self._function

    def __call__(self, response: str, ground_truth: Any, extra_info: dict, settings: RewardSettings) -> Verdict:
        return self.load()(response, ground_truth, extra_info, settings)


def _unknown(data_source: str) -> Verify:
    def verify(response: str, ground_truth: Any, extra_info: dict, settings: RewardSettings) -> Verdict:
        return Verdict(0.0, UNKNOWN_SOURCE, f"no verifier for data_source {data_source!r}")

    return verify


def resolve(data_source: str, custom_verifiers: Mapping[str, str] | None = None) -> Route:
    """The route for `data_source`; an unknown source gets a route whose verdict is ``unknown_source``.

    Raises custom.VerifierLoadError when the matching custom verifier cannot be loaded.
    """
    return _resolve(data_source, tuple(sorted((custom_verifiers or {}).items())))


@lru_cache(maxsize=1024)
def _resolve(data_source: str, custom_items: tuple[tuple[str, str], ...]) -> Route:
    prefix = _longest_prefix(data_source, [p for p, _ in custom_items])
    if prefix is not None:
        spec = dict(custom_items)[prefix]
        return Route(f"custom:{spec}", custom.load(spec), custom.version(spec))
    prefix = _longest_prefix(data_source, BUILTIN_PREFIXES)
    if prefix is None:
        return Route("unknown", _unknown(data_source), VERIFIER_VERSIONS["unknown"])
    name = BUILTIN_PREFIXES[prefix]
    return Route(name, _Lazy(name), VERIFIER_VERSIONS[name])


def _longest_prefix(data_source: str, prefixes) -> str | None:
    matches = [p for p in prefixes if data_source.startswith(p)]
    return max(matches, key=len) if matches else None


def preload(route: Route) -> None:
    """Import a lazily loaded verifier now (worker start-up); import errors surface per request later."""
    if isinstance(route.verify, _Lazy):
        try:
            route.verify.load()
        except ImportError:
            pass
