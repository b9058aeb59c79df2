"""The tests of a code row: parsed from `reward_model.ground_truth`, and the program they run against."""

from __future__ import annotations

import json
from dataclasses import dataclass


class BadGroundTruth(ValueError):
    """The ground truth is not a usable test description."""


@dataclass(frozen=True)
class TestSuite:
    """Either stdin/stdout pairs (`kind="stdio"`) or test code run after the program (`kind="functional"`)."""

    __test__ = False  # not a pytest class
    kind: str
    inputs: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ()
    code: str | None = None

    def __len__(self) -> int:
        return len(self.inputs) if self.kind == "stdio" else 1

    def to_dict(self) -> dict:
        return {"kind": self.kind, "inputs": list(self.inputs), "outputs": list(self.outputs), "code": self.code}


def _text(item) -> str:
    if isinstance(item, str):
        return item
    if isinstance(item, (list, tuple)):
        return "\n".join(map(str, item))
    raise BadGroundTruth(f"a test input/output is a {type(item).__name__}, not text")


def from_ground_truth(ground_truth) -> TestSuite:
    """Parse a codegen ground truth: a JSON string (or already a dict) with `functional` or `inputs`/`outputs`."""
    data = ground_truth
    if isinstance(data, (str, bytes)):
        try:
            data = json.loads(data)
        except ValueError as exc:
            raise BadGroundTruth(f"not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise BadGroundTruth(f"expected a JSON object, got {type(data).__name__}")
    if isinstance(data.get("functional"), str) and data["functional"].strip():
        return TestSuite("functional", code=data["functional"])
    inputs, outputs = data.get("inputs"), data.get("outputs")
    if isinstance(inputs, list) and isinstance(outputs, list):
        if not inputs or len(inputs) != len(outputs):
            raise BadGroundTruth(f"{len(inputs)} inputs for {len(outputs)} outputs")
        return TestSuite("stdio", tuple(map(_text, inputs)), tuple(map(_text, outputs)))
    raise BadGroundTruth(f"neither 'functional' nor 'inputs'/'outputs' (keys: {sorted(data)})")


def program_text(solution: str, suite: TestSuite, extra_info: dict | None) -> str:
    """The program to run: for functional tests, the row's import preamble (`extra_info.prefix`) once, then
    the solution."""
    prefix = (extra_info or {}).get("prefix")
    if suite.kind == "functional" and isinstance(prefix, str) and prefix.strip():
        return prefix.rstrip("\n") + "\n" + solution
    return solution
