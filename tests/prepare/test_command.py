import argparse
import json

import pytest

from difficulty_filter.commands import prepare as command

from .helpers import rows, write


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    command.add_parser(parser.add_subparsers(dest="command"), "prepare")
    return parser.parse_args(["prepare", *argv])


def test_cli_runs_with_the_original_option_names_too(tmp_path, tokenizer_dir, capsys):
    write(tmp_path / "in" / "table__hitab_9.parquet", rows("table__hitab", 6) + rows("table__hitab", 3, words=40))
    args = parse(
        [
            "--input_data_dir",
            str(tmp_path / "in"),
            "--input_data_names",
            "table__hitab_9",
            "--output-data-dir",
            str(tmp_path / "out"),
            "--target-sample-size",
            "-1",
            "--domain",
            "table",
            "--max-prompt-tokens",
            "30",
            "--tokenizer",
            str(tokenizer_dir),
        ]
    )
    assert command.run(args) == 0
    assert json.loads(capsys.readouterr().out)["rows_sampled"] == 6
    summary = json.loads((tmp_path / "out" / "table_summary.json").read_text())
    assert summary["settings"]["length_tolerance"] == 0
    assert (tmp_path / "out" / "table__hitab_9_sampled_6.parquet").exists()


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--max-prompt-tokens", "10"], "needs --tokenizer"),
        (["--input-data-names", "nodomain"], "'<domain>__<name>'"),
        (["--bucket-quotas", '{"Hard": 1}'], "need a pass-rate column"),
    ],
)
def test_cli_reports_bad_options_as_errors(tmp_path, capsys, extra, message):
    write(tmp_path / "math__a.parquet", rows("math__a", 2))
    args = parse(
        [
            "--input-data-dir",
            str(tmp_path),
            "--input-data-names",
            "math__a",
            "--output-data-dir",
            str(tmp_path / "out"),
            "--target-sample-size",
            "1",
            *extra,
        ]
    )
    assert command.run(args) == 2
    assert message in capsys.readouterr().err
