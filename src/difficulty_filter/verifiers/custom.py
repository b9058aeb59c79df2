"""User verifiers from config: ``module:function`` or ``path/to/file.py:function``."""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..outcomes import CORRECT, OUTCOMES, WRONG, Verdict
from ..settings import RewardSettings


class VerifierLoadError(ValueError):
    """A custom verifier spec that cannot be loaded (a configuration error, raised before scoring)."""


def _is_file(target: str) -> bool:
    return target.endswith(".py") or "/" in target or "\\" in target


def load(spec: str) -> Callable[..., Verdict]:
    """The verify function named by `spec`, wrapped so that it always returns a Verdict."""
    target, _, name = spec.rpartition(":")
    if not target or not name:
        raise VerifierLoadError(f"custom verifier {spec!r}: expected 'module:function' or 'file.py:function'")
    try:
        module = _load_file(Path(target)) if _is_file(target) else importlib.import_module(target)
    except Exception as exc:
        raise VerifierLoadError(f"custom verifier {spec!r}: cannot load {target!r}: {exc}") from exc
    function = getattr(module, name, None)
    if not callable(function):
        raise VerifierLoadError(f"custom verifier {spec!r}: {target!r} has no function {name!r}")

    def verify(response: str, ground_truth: Any, extra_info: dict, settings: RewardSettings) -> Verdict:
        return as_verdict(function(response, ground_truth, extra_info, settings))

    return verify


def version(spec: str) -> str:
    """Version of a custom verifier: a hash of its file, else the module's ``__version__``."""
    target = spec.rpartition(":")[0]
    if _is_file(target):
        return "file-" + hashlib.sha256(Path(target).read_bytes()).hexdigest()[:12]
    return str(getattr(sys.modules.get(target), "__version__", "custom"))


def as_verdict(value: Any) -> Verdict:
    """Accept a Verdict, a number/bool score, or a dict with ``score`` (and optional outcome/detail/answer)."""
    if isinstance(value, Verdict):
        return value
    if isinstance(value, dict) and "score" in value:
        score = float(value["score"])
        outcome = value.get("outcome") or (CORRECT if score >= 1.0 else WRONG)
        answer = value.get("answer")
        return Verdict(score, outcome, str(value.get("detail", "")), None if answer is None else str(answer))
    if isinstance(value, (bool, int, float)):
        score = float(value)
        return Verdict(score, CORRECT if score >= 1.0 else WRONG)
    raise TypeError(
        f"custom verifier returned {type(value).__name__}; expected Verdict, number or dict "
        f"with 'score' (outcomes: {', '.join(OUTCOMES)})"
    )


def _load_file(path: Path):
    path = path.resolve()
    module_name = "difficulty_filter_custom_" + hashlib.sha1(str(path).encode()).hexdigest()[:12]
    if module_name in sys.modules:
        return sys.modules[module_name]
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"not a Python file: {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[module_name]
        raise
    return module
