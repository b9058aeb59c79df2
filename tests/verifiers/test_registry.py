"""Routing: built-in prefixes with the original's naming quirks, custom verifiers, unknown sources."""

from __future__ import annotations

import textwrap

import pytest

from difficulty_filter import config
from difficulty_filter.verifiers import VERIFIER_VERSIONS, resolve
from difficulty_filter.verifiers.custom import VerifierLoadError

from .helpers import run

ROUTES = [
    ("math__merged_deduped_dapo_or1_dataset", "math"),
    ("math__aime_repeated_8x", "math"),
    ("table__hitab", "table"),
    ("table__multihier", "table"),
    ("table__finqa", "table"),
    ("stem__gpqa", "multiple_choice"),
    ("stem__gpqa_diamond_no_box", "multiple_choice"),
    ("stem__supergpqa", "multiple_choice"),
    ("stem_web", "stem_web"),
    ("stem__web", "stem_web"),
    ("logic__zebra_puzzle_dataset", "zebra"),
    ("zebra_puzzle_dataset", "zebra"),
    ("logic__ordering_puzzle_dataset", "ordering"),
    ("ordering_puzzle_dataset", "ordering"),
    ("logic__graph_logical_dataset", "graph"),
    ("graph_logical_dataset", "graph"),
    ("simulation__arcagi1", "arc_grid"),
    ("simulation__barc", "arc_grid"),
    ("logic__arcagi2", "arc_grid"),
    ("logic__barc", "arc_grid"),
    ("simulation__codeio", "codeio"),
    ("codegen__leetcode2k", "codegen"),
    ("codegen__taco", "codegen"),
    ("simulation__cruxeval-i", "cruxeval"),
    ("simulation__cruxeval-o", "cruxeval"),
    ("ood__ifeval", "unknown"),
    ("math", "unknown"),
    ("", "unknown"),
]


@pytest.mark.parametrize("source,name", ROUTES)
def test_builtin_routes(source, name):
    route = resolve(source)
    assert route.name == name and route.version == VERIFIER_VERSIONS[name]


def test_every_builtin_has_a_version():
    from difficulty_filter.verifiers.registry import BUILTIN_PREFIXES

    assert set(BUILTIN_PREFIXES.values()) | {"unknown"} == set(VERIFIER_VERSIONS)


def test_unknown_source_is_counted_not_hidden():
    result = run("ood__ifeval", "anything", "x")
    assert (result.outcome, result.score, result.passed, result.verifier) == ("unknown_source", 0.0, False, "unknown")
    assert "ood__ifeval" in result.detail


def test_non_string_response_is_a_verifier_error():
    assert run("math__x", None, "1").outcome == "verifier_error"


def test_code_routes_get_the_code_time_limit():
    settings = config.section("reward", {"timeout": 30, "code": {"total_timeout": 60, "calibrate": False}})
    assert resolve("codegen__taco").timeout(settings) == 70
    assert resolve("simulation__cruxeval-o").timeout(settings) == 70
    assert resolve("math__x").timeout(settings) == 30


def test_code_time_limit_follows_the_sandbox_calibration(monkeypatch):
    from difficulty_filter.sandbox import calibration

    monkeypatch.setattr(calibration, "factor", lambda: 2.0)
    assert resolve("codegen__taco").timeout(config.section("reward", {"code": {"total_timeout": 60}})) == 130


def test_code_verifiers_are_imported_lazily():
    pytest.importorskip("difficulty_filter.verifiers.codegen")
    pytest.importorskip("difficulty_filter.verifiers.cruxeval")
    assert callable(resolve("codegen__taco").verify)


@pytest.fixture
def custom_file(tmp_path):
    path = tmp_path / "my_verifier.py"
    path.write_text(
        textwrap.dedent("""
        from difficulty_filter.outcomes import Verdict

        def exact(response, ground_truth, extra_info, settings):
            ok = response.strip() == str(ground_truth)
            return Verdict(float(ok), "correct" if ok else "wrong", "custom", response.strip())

        def number(response, ground_truth, extra_info, settings):
            return 1 if response == ground_truth else 0.0

        def as_dict(response, ground_truth, extra_info, settings):
            return {"score": 0.5, "detail": "half"}

        def broken(response, ground_truth, extra_info, settings):
            raise KeyError("boom")
    """)
    )
    return path


def test_custom_verifier_from_file(custom_file):
    custom = {"mine__": f"{custom_file}:exact"}
    result = run("mine__set", " hello ", "hello", settings={"custom_verifiers": custom})
    assert (result.outcome, result.answer, result.verifier) == ("correct", "hello", f"custom:{custom_file}:exact")
    assert resolve("mine__set", custom).version.startswith("file-")


def test_custom_verifier_from_module(tmp_path, monkeypatch):
    (tmp_path / "site_verifiers.py").write_text(
        "__version__ = '2.1'\n"
        "def check(response, ground_truth, extra_info, settings):\n"
        "    return response == ground_truth\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    custom = {"site": "site_verifiers:check"}
    assert run("site__a", "x", "x", settings={"custom_verifiers": custom}).outcome == "correct"
    assert run("site__a", "x", "y", settings={"custom_verifiers": custom}).outcome == "wrong"
    assert resolve("site__a", custom).version == "2.1"


def test_custom_beats_builtin_and_longest_prefix_wins(custom_file):
    custom = {"math__": f"{custom_file}:number", "math__special": f"{custom_file}:as_dict"}
    assert resolve("math__special_set", custom).name.endswith(":as_dict")
    assert resolve("math__other", custom).name.endswith(":number")
    assert resolve("table__hitab", custom).name == "table"
    # a shorter custom prefix still beats a longer built-in one
    assert resolve("stem__gpqa_x", {"stem": f"{custom_file}:number"}).name.endswith(":number")


def test_custom_return_values_are_normalized(custom_file):
    settings = {"custom_verifiers": {"n": f"{custom_file}:number", "d": f"{custom_file}:as_dict"}}
    assert run("n1", "a", "a", settings=settings).outcome == "correct"
    half = run("d1", "a", "a", settings=settings)
    assert (half.outcome, half.score, half.passed, half.detail) == ("wrong", 0.5, False, "half")


def test_custom_exception_is_a_verifier_error(custom_file):
    result = run("b1", "a", "a", settings={"custom_verifiers": {"b": f"{custom_file}:broken"}})
    assert result.outcome == "verifier_error" and result.detail.startswith("KeyError")


@pytest.mark.parametrize(
    "spec", ["no_such_module_xyz:verify", "/nonexistent/file.py:verify", "json:no_such_function", "missing_colon"]
)
def test_bad_custom_specs_fail_loudly(spec):
    with pytest.raises(VerifierLoadError):
        resolve("x__y", {"x": spec})
