"""score_jsonl and the `difficulty-filter score` command: order, malformed lines, atomic output."""

from __future__ import annotations

import json

import pytest

from difficulty_filter import config
from difficulty_filter.commands import score as score_command
from difficulty_filter.scoring.jsonl import score_jsonl

GOOD = [
    {"id": 1, "data_source": "math__x", "response": r"\boxed{4}", "ground_truth": "4", "extra_info": {"index": 1}},
    {"id": 2, "data_source": "math__x", "response": r"\boxed{5}", "ground_truth": "4", "extra_info": {}},
    {
        "id": 3,
        "data_source": "math__x",
        "response": "thinking...",
        "ground_truth": "4",
        "extra_info": {},
        "finish_reason": "length",
    },
    {"id": 4, "data_source": "nope", "response": "x", "ground_truth": "4", "extra_info": {}},
    {
        "id": 5,
        "data_source": "logic__graph_logical_dataset",
        "response": "<answer>ab</answer>",
        "ground_truth": "ab",
        "extra_info": {},
    },
]


def write_lines(path, lines):
    path.write_text("".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines))
    return path


def read_lines(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.fixture(scope="module")
def scored(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("jsonl")
    lines = [
        GOOD[0],
        "{not json",
        GOOD[1],
        "",
        "[1, 2]",
        GOOD[2],
        {"id": 9, "data_source": "math__x", "response": 42, "ground_truth": "4"},
        {"id": 10, "data_source": "math__x", "response": "x"},
        GOOD[3],
        GOOD[4],
    ]
    inp, out = write_lines(tmp / "in.jsonl", lines), tmp / "out.jsonl"
    counts = score_jsonl(inp, out, config.section("reward", {"workers": 2, "timeout": 10}))
    return counts, read_lines(out), tmp


def test_order_and_fields(scored):
    _, out, _ = scored
    assert [r.get("id", r.get("line")) for r in out] == [1, 2, 2, 5, 3, 9, 10, 4, 5]
    first = out[0]
    assert (first["score"], first["passed"], first["outcome"], first["answer"], first["verifier"]) == (
        1.0,
        True,
        "correct",
        "4",
        "math",
    )
    assert first["extra_info"] == {"index": 1} and first["response"] == r"\boxed{4}"
    assert [r["outcome"] for r in out] == [
        "correct",
        "invalid_input",
        "wrong",
        "invalid_input",
        "truncated",
        "invalid_input",
        "invalid_input",
        "unknown_source",
        "correct",
    ]


def test_malformed_lines_say_why(scored):
    _, out, _ = scored
    assert "not JSON" in out[1]["detail"] and out[1]["line"] == 2
    assert "expected a JSON object" in out[3]["detail"]
    assert "response must be a string" in out[5]["detail"] and out[5]["id"] == 9
    assert "ground_truth is missing" in out[6]["detail"]
    assert all(r["score"] == 0.0 and r["passed"] is False for r in out if r["outcome"] == "invalid_input")


def test_counts(scored):
    counts, _, _ = scored
    assert counts["total"] == 9 and counts["passed"] == 2
    assert (
        counts["correct"],
        counts["wrong"],
        counts["truncated"],
        counts["invalid_input"],
        counts["unknown_source"],
        counts["timeout"],
    ) == (2, 1, 1, 4, 1, 0)


def test_no_temp_files_left(scored):
    _, _, tmp = scored
    assert sorted(p.name for p in tmp.iterdir()) == ["in.jsonl", "out.jsonl"]


def test_failed_run_leaves_no_output(tmp_path):
    inp = write_lines(tmp_path / "in.jsonl", [GOOD[0]])
    with pytest.raises(ValueError):
        score_jsonl(
            inp,
            tmp_path / "out.jsonl",
            config.section("reward", {"custom_verifiers": {"math__": "no_such_module_xyz:f"}}),
        )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]


def test_cli(tmp_path, capsys):
    import argparse

    inp = write_lines(tmp_path / "in.jsonl", GOOD)
    config = tmp_path / "config.yaml"
    config.write_text("datasets: {}\nreward:\n  workers: 1\n  correct_threshold: 1.0\n")
    parser = argparse.ArgumentParser()
    score_command.add_parser(parser.add_subparsers(), "score")
    args = parser.parse_args(
        [
            "score",
            "--input",
            str(inp),
            "--output",
            str(tmp_path / "out.jsonl"),
            "--config",
            str(config),
            "--threshold",
            "0.5",
            "--timeout",
            "10",
        ]
    )
    assert args.func(args) == 0
    counts = json.loads(capsys.readouterr().out)
    assert counts["total"] == 5 and counts["correct"] == 2
    assert [r["outcome"] for r in read_lines(tmp_path / "out.jsonl")] == [
        "correct",
        "wrong",
        "truncated",
        "unknown_source",
        "correct",
    ]
