"""codegen__*: run the response's program against the row's tests in the sandbox.

Score 1.0 only when every test passes (stopping at the first failure). Outcomes: `correct`; `wrong` for a
wrong answer, runtime or compile error, or a test over its time/memory/output limit (the program's fault;
the detail names the test and the reason); `no_answer` without a Python code block; `timeout` when the
response's whole time budget ran out; `sandbox_error` when the sandbox failed; `verifier_error` for an
unusable ground truth or test code that does not compile.
"""

from __future__ import annotations

from ..outcomes import CORRECT, NO_ANSWER, SANDBOX_ERROR, TIMEOUT, VERIFIER_ERROR, WRONG, Verdict
from ..sandbox.executor import run_tests
from ..sandbox.result import BUDGET, FAILED, PASSED, ExecutionResult
from ..sandbox.suite import BadGroundTruth, from_ground_truth, program_text
from ..settings import RewardSettings
from .code_extract import extract_program, needed_names


def verdict_of(result: ExecutionResult, answer: str | None = None) -> Verdict:
    """The verdict for a sandbox result (shared by the code verifiers)."""
    if result.status == PASSED:
        outcome = CORRECT
    elif result.status == FAILED:
        outcome = VERIFIER_ERROR if result.reason == "bad_tests" else WRONG
    else:
        outcome = TIMEOUT if result.status == BUDGET else SANDBOX_ERROR
    return Verdict(1.0 if result.passed else 0.0, outcome, result.summary(), answer)


def verify(response: str, ground_truth, extra_info: dict, settings: RewardSettings) -> Verdict:
    try:
        suite = from_ground_truth(ground_truth)
    except BadGroundTruth as exc:
        return Verdict(0.0, VERIFIER_ERROR, f"ground truth: {exc}")
    solution = extract_program(response, needed_names(suite))
    if solution is None:
        return Verdict(0.0, NO_ANSWER, "no Python code block")
    result = run_tests(program_text(solution, suite, extra_info), suite, settings.code)
    return verdict_of(result)
