"""Public API: run a program against a test suite at the configured isolation level."""

from __future__ import annotations

import logging

from ..settings import CodeSettings
from . import calibration, isolation, zygote
from .limits import Limits, limits_from
from .result import SANDBOX_ERROR, ExecutionResult, from_events
from .suite import TestSuite

log = logging.getLogger(__name__)
_warned: set[str] = set()


def limits_for(code: CodeSettings) -> Limits:
    """Limits of the `reward.code` settings, calibrated to this machine when `calibrate` is on."""
    return limits_from(code, calibration.factor() if code.calibrate else 1.0)


def describe(code: CodeSettings) -> str:
    """The isolation this process really gets with the `reward.code` settings, in one line."""
    if code.isolation == "remote":
        return f"remote: SandboxFusion at {code.remote_url}"
    return zygote.shared(code.isolation).describe()


def _warn_once(text: str) -> None:
    if "missing" in text and text not in _warned:
        _warned.add(text)
        log.warning("code sandbox is weaker than intended here: %s", text)


def run_tests(program: str, suite: TestSuite, code: CodeSettings) -> ExecutionResult:
    """Run `program` against `suite` under the `reward.code` settings.

    Never raises for the program's behaviour; infrastructure failures come back as status `sandbox_error`.
    """
    limits = limits_for(code)
    if code.isolation == "remote":
        from . import remote

        return remote.run_tests(program, suite, limits, code.remote_url)
    return run_in(zygote.shared(code.isolation), program, suite, limits)


def run_in(handle: zygote.Zygote, program: str, suite: TestSuite, limits: Limits) -> ExecutionResult:
    """Run `program` against `suite` in the sandboxes of one zygote."""
    request = {"program": program, "suite": suite.to_dict(), "limits": limits.to_dict()}
    try:
        reply = handle.run(request, timeout=limits.total_seconds + 2 * zygote.SLACK)
    except zygote.SandboxUnavailable as exc:
        return ExecutionResult(SANDBOX_ERROR, len(suite), detail=str(exc), isolation=handle.level)
    text = isolation.describe(handle.level, handle.features)
    _warn_once(text)
    return from_events(reply["events"], reply["timed_out"], len(suite), text)
