"""The structured result of running one program against its tests."""

from __future__ import annotations

from dataclasses import dataclass

PASSED, FAILED, BUDGET, SANDBOX_ERROR = "passed", "failed", "budget", "sandbox_error"
#: Why a test failed (the `status` of a failed test event) -> words for the detail column.
REASONS = {
    "wrong_answer": "wrong answer",
    "runtime_error": "runtime error",
    "compile_error": "compile error",
    "timeout": "timeout",
    "memory_limit": "memory limit exceeded",
    "output_limit": "output limit exceeded",
    "incomplete": "tests did not complete",
    "harness_killed": "sandbox harness killed by the program",
    "bad_tests": "broken tests",
}


@dataclass(frozen=True)
class ExecutionResult:
    """status: passed | failed (a test failed: `failed_index` (0-based), `reason` in REASONS, `detail`) |
    budget (the response's total time ran out) | sandbox_error (infrastructure; `detail` says why)."""

    status: str
    tests_total: int
    tests_passed: int = 0
    failed_index: int | None = None
    reason: str = ""
    detail: str = ""
    isolation: str = ""

    @property
    def passed(self) -> bool:
        return self.status == PASSED

    def summary(self) -> str:
        """One short line for the rewards' `detail` column."""
        if self.status == PASSED:
            return f"passed {self.tests_passed}/{self.tests_total} tests"
        if self.status == FAILED:
            text = f"test {self.failed_index + 1}/{self.tests_total}: {REASONS.get(self.reason, self.reason)}"
            return text + (f": {self.detail}" if self.detail else "")
        if self.status == BUDGET:
            return f"time budget exhausted after {self.tests_passed}/{self.tests_total} tests"
        return f"sandbox error: {self.detail}"


def from_events(events: list[dict], timed_out: bool, total: int, isolation: str) -> ExecutionResult:
    """Fold the harness's event stream into a result."""
    errors = [e for e in events if e.get("event") == "error"]
    if errors:
        return ExecutionResult(SANDBOX_ERROR, total, detail=str(errors[0].get("detail")), isolation=isolation)
    tests = [e for e in events if e.get("event") == "test"]
    passed = sum(e.get("status") == PASSED for e in tests)
    common = {"tests_total": total, "tests_passed": passed, "isolation": isolation}
    if tests and tests[-1].get("status") != PASSED:
        last = tests[-1]
        return ExecutionResult(
            FAILED,
            failed_index=int(last.get("index", len(tests) - 1)),
            reason=str(last.get("status")),
            detail=str(last.get("detail") or ""),
            **common,
        )
    if timed_out or any(e.get("event") == "budget" for e in events):
        return ExecutionResult(BUDGET, **common)
    if any(e.get("event") == "done" for e in events) and passed == total:
        return ExecutionResult(PASSED, **common)
    if not events:
        return ExecutionResult(SANDBOX_ERROR, detail="the sandbox exited without reporting", **common)
    return ExecutionResult(FAILED, failed_index=len(tests), reason="harness_killed", **common)
