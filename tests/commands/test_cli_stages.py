"""The aggregate stages run on their own from the CLI, like the original's scripts."""

import json

import polars as pl

from difficulty_filter.cli import main

from ..conftest import verl_row


def write_rewards(path, outcomes_per_row):
    rows = []
    for index, outcomes in enumerate(outcomes_per_row):
        for sample, outcome in enumerate(outcomes):
            rows.append(
                {
                    "row_index": index,
                    "row_id": str(index),
                    "data_source": "math__toy",
                    "sample_index": sample,
                    "response_tokens": 5,
                    "finish_reason": "stop",
                    "prompt_tokens": 9,
                    "too_long": False,
                    "prompt_truncated": False,
                    "score": float(outcome == "correct"),
                    "passed": outcome == "correct",
                    "outcome": outcome,
                    "detail": "",
                    "answer": "1",
                    "verifier": "math",
                }
            )
    pl.DataFrame(rows).write_parquet(path)


def test_pass_rates_then_filter_by_hand(tmp_path, write_dataset, capsys):
    data = write_dataset([verl_row(i) for i in range(3)])
    write_rewards(tmp_path / "r.parquet", [["correct", "correct"], ["wrong", "wrong"], ["correct", "wrong"]])
    assert (
        main(
            [
                "pass-rates",
                "--rewards",
                str(tmp_path / "r.parquet"),
                "--dataset",
                str(data),
                "--output-dir",
                str(tmp_path / "m"),
            ]
        )
        == 0
    )
    mapping = json.loads((tmp_path / "m/idx_to_passrate.json").read_text())
    assert mapping == {"math__toy_0": 1.0, "math__toy_1": 0.0, "math__toy_2": 0.5}
    json_map = str(tmp_path / "m/idx_to_passrate.json")
    assert (
        main(
            [
                "filter",
                "--parquet_in",
                str(data),
                "--parquet_out_dir",
                str(tmp_path / "out"),
                "--low_json",
                json_map,
                "--high_json",
                json_map,
                "--low_thresh",
                "1e-5",
                "--high_thresh",
                "0.9",
            ]
        )
        == 0
    )
    kept = pl.read_parquet(tmp_path / "out/data_l1e-05_h0.9.parquet")
    assert kept["extra_info"].struct.field("index").to_list() == [2]
    assert not list((tmp_path / "out").glob(".*"))  # no temp files left behind


def test_validate_reports_the_offending_key(tmp_path, capsys):
    bad = tmp_path / "c.yaml"
    bad.write_text("datasets: {d: x.parquet}\nmodels: {m: {path: p, engine: rocket}}\n")
    assert main(["validate", str(bad)]) == 2
    assert "c.yaml: models.m.engine: 'rocket' is not one of" in capsys.readouterr().err
