"""Find the Python program in a model response.

Rules: only the text after the last `</think>` counts; candidates are non-empty fenced blocks tagged
python/py/python3 (kept even when they do not parse: broken code is still an answer) or untagged blocks that
parse and contain a definition or a call (so sample input/output blocks are skipped); a closing fence need not
start a line.
The chosen block is the last candidate that provides what the tests need (a name the functional tests use, or
reading stdin for stdin/stdout tests), else the last candidate; earlier blocks defining names it uses but does
not define (helpers) are prepended.
"""

from __future__ import annotations

import ast
import builtins

from .answer_extraction import final_text
from .literals import fenced_blocks

PYTHON_TAGS = {"python", "py", "python3", "py3"}
_BUILTINS = frozenset(dir(builtins)) | {"__name__", "__file__"}


def parse(code: str) -> ast.Module | None:
    try:
        return ast.parse(code)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return None


def _defined(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
        elif isinstance(node, ast.alias):
            names.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.arg):
            names.add(node.arg)
    return names


def _used(tree: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def free_names(tree: ast.AST) -> set[str]:
    """Names `tree` uses but neither defines nor gets from builtins."""
    return _used(tree) - _defined(tree) - _BUILTINS


def needed_names(suite) -> set[str]:
    """Names a functional test suite expects the solution to define (empty for stdin/stdout suites)."""
    tree = parse(suite.code) if suite.kind == "functional" else None
    return free_names(tree) if tree else set()


def _is_program(tree: ast.Module) -> bool:
    return any(isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Call)) for n in ast.walk(tree))


def _reads_stdin(tree: ast.Module) -> bool:
    for node in ast.walk(tree):
        if (isinstance(node, ast.Name) and node.id == "input") or (
            isinstance(node, ast.Attribute) and node.attr == "stdin"
        ):
            return True
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "open"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and node.args[0].value == 0
        ):
            return True
    return False


def extract_program(response: str, needed: set[str] = frozenset()) -> str | None:
    """The program to run, or None when the response holds no Python code block.

    `needed`: names the tests use (from `needed_names`); empty means stdin/stdout tests.
    """
    candidates = []  # (body, tree or None)
    for tag, body in fenced_blocks(final_text(response), unclosed=True):
        tree = parse(body)
        if (tag in PYTHON_TAGS and (tree is None or tree.body)) or (tag == "" and tree and _is_program(tree)):
            candidates.append((body, tree))
    if not candidates:
        return None

    def provides(tree) -> bool:
        return tree is not None and (bool(_defined(tree) & needed) if needed else _reads_stdin(tree))

    chosen = max((i for i, (_, tree) in enumerate(candidates) if provides(tree)), default=len(candidates) - 1)
    body, tree = candidates[chosen]
    if tree is None:
        return body
    missing = free_names(tree)
    helpers = [b for b, t in candidates[:chosen] if t is not None and _defined(t) & missing]
    return "\n\n".join(helpers + [body])
