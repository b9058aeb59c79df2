"""simulation__cruxeval*: the response's assertion about `f` must hold when run after f's source.

Only an assertion of the shape `assert f(<literals>) == <literal>` (either side) counts, checked with `ast`,
so `assert True`, assertions not calling f, or arguments that run code cannot pass. The assertion is taken
from the last fenced block that holds one (python or untagged), else from the bare text (also inside inline
backticks); the last well-formed one wins, and only that normalised assertion is executed.
"""

from __future__ import annotations

import ast
import json

from ..outcomes import NO_ANSWER, VERIFIER_ERROR, WRONG, Verdict
from ..sandbox.executor import run_tests
from ..sandbox.suite import TestSuite
from ..settings import RewardSettings
from .answer_extraction import final_text
from .code_extract import PYTHON_TAGS, parse
from .codegen import verdict_of
from .literals import fenced_blocks

SHAPE = "assert f(<literals>) == <literal>"


def _literal(node: ast.AST) -> bool:
    try:
        ast.literal_eval(node)
        return True
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False


def _calls_f(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "f"
        and all(_literal(a) for a in node.args)
        and all(k.arg and _literal(k.value) for k in node.keywords)
    )


def well_formed(statement: ast.Assert) -> bool:
    test = statement.test
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)):
        return False
    left, right = test.left, test.comparators[0]
    return (_calls_f(left) and _literal(right)) or (_calls_f(right) and _literal(left))


def _asserts_in(source: str) -> list[ast.Assert]:
    tree = parse(source)
    if tree is not None:
        return [n for n in ast.walk(tree) if isinstance(n, ast.Assert)]
    found = []
    for line in source.splitlines():
        start = line.find("assert ")
        tree = parse(line[start:].split("`")[0].strip()) if start >= 0 else None
        if tree is not None:
            found += [n for n in tree.body if isinstance(n, ast.Assert)]
    return found


def extract_assertion(response: str) -> tuple[str | None, str]:
    """(normalised assertion, "") or (None, why there is none)."""
    text = final_text(response)
    asserts: list[ast.Assert] = []
    for tag, body in reversed(fenced_blocks(text, unclosed=True)):
        if tag in PYTHON_TAGS or tag == "":
            asserts = _asserts_in(body)
            if asserts:
                break
    if not asserts:
        asserts = _asserts_in("\n".join(line for line in text.splitlines() if "assert " in line))
    if not asserts:
        return None, "no assertion"
    good = [a for a in asserts if well_formed(a)]
    if not good:
        return None, f"assertion is not of the form `{SHAPE}`"
    return ast.unparse(ast.Assert(test=good[-1].test, msg=None)), ""


def _function_source(ground_truth) -> str | None:
    data = json.loads(ground_truth) if isinstance(ground_truth, (str, bytes)) else ground_truth
    source = data.get("functional") if isinstance(data, dict) else None
    return source if isinstance(source, str) and source.strip() else None


def verify(response: str, ground_truth, extra_info: dict, settings: RewardSettings) -> Verdict:
    try:
        function = _function_source(ground_truth)
    except ValueError as exc:
        function, problem = None, f"ground truth is not JSON: {exc}"
    else:
        problem = "ground truth has no 'functional' source"
    if function is None:
        return Verdict(0.0, VERIFIER_ERROR, problem)
    assertion, why = extract_assertion(response)
    if assertion is None:
        return Verdict(0.0, NO_ANSWER if why == "no assertion" else WRONG, why)
    result = run_tests(function, TestSuite("functional", code=assertion), settings.code)
    return verdict_of(result, answer=assertion)
