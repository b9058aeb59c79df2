"""The original's `map` and `analyze` commands: file names, key format, combined naming, duplicates."""

import json
import logging

import polars as pl
import pytest

from difficulty_filter.cli import main
from difficulty_filter.report.passrate_map import combined_name, load_maps, merge_maps

from .synthetic_results import pass_rates_frame


def cli(*argv) -> int:
    """`difficulty-filter ARGV...`, in process."""
    return main([str(a) for a in argv])


def write_rates(out, dataset, model="M", n_prompts=10, seed=0, frame=None):
    path = out / dataset / model / "pass_rates.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    (frame if frame is not None else pass_rates_frame(n_prompts, 0.5, seed)).write_parquet(path)
    return path


def test_map_writes_the_original_key_format(tmp_path):
    frame = pass_rates_frame(6, 0.5, 0)
    write_rates(tmp_path, "D", frame=frame)
    assert cli("map", "--output-dir", tmp_path, "--dataset", "D", "--model", "M") == 0
    mapping = json.loads((tmp_path / "D" / "M" / "idx_to_passrate.json").read_text())
    assert list(mapping)[:3] == ["math__dapo_0", "codegen__leetcode_1", "zebra_puzzle_dataset_2"]
    assert mapping["stem_web_3"] == frame["pass_rate"][3]


def test_map_duplicate_keys_are_a_clear_error(tmp_path, capsys):
    frame = pass_rates_frame(6, 0.5, 0).with_columns(
        pl.lit("same").alias("row_id"), pl.lit("math__x").alias("data_source")
    )
    write_rates(tmp_path, "D", frame=frame)
    assert cli("map", "--output_dir", tmp_path, "--dataset", "D", "--model", "M") == 1
    err = capsys.readouterr().err
    assert "math__x_same" in err and "key_by: position" in err
    assert not (tmp_path / "D" / "M" / "idx_to_passrate.json").exists()


def test_map_missing_pass_rates_is_an_error(tmp_path, capsys):
    assert cli("map", "--output-dir", tmp_path, "--dataset", "D", "--model", "M") == 1
    assert "pass_rates.parquet" in capsys.readouterr().err


@pytest.mark.parametrize(
    "datasets, name",
    [
        (["barc_1.1k_chunk_00", "barc_1.1k_chunk_01", "barc_1.1k_chunk_02"], "barc_1.1k"),
        (["barc_chunk_00", "arc_chunk_01"], "combined"),
        (["barc_chunk_00", "barc"], "combined"),
        (["math", "code"], "combined"),
    ],
)
def test_combined_name(datasets, name):
    assert combined_name(datasets) == name


def test_analyze_save_combined_names_the_file_after_the_chunk_prefix(tmp_path, capsys):
    for i in range(3):
        write_rates(
            tmp_path,
            f"barc_1.1k_chunk_0{i}",
            seed=i,
            frame=pass_rates_frame(4, 0.5, i).with_columns(
                pl.format("{}_{}", pl.lit(i), pl.col("row_id")).alias("row_id")
            ),
        )
    args = [
        "analyze",
        "--output-dir",
        tmp_path,
        "--datasets",
        "barc_1.1k_chunk_00",
        "barc_1.1k_chunk_01",
        "barc_1.1k_chunk_02",
        "--model",
        "M",
        "--save_combined",
    ]
    assert cli(*args) == 0
    combined = json.loads((tmp_path / "barc_1.1k" / "M_combined.json").read_text())
    assert len(combined) == 12
    out = capsys.readouterr().out
    assert "all (combined)" in out and "Very Hard" in out and "median" in out
    # the maps were built because they were missing
    assert (tmp_path / "barc_1.1k_chunk_02" / "M" / "idx_to_passrate.json").exists()


def test_analyze_duplicates_across_datasets_warn_and_later_wins(tmp_path, caplog):
    write_rates(tmp_path, "A", frame=pass_rates_frame(3, 0.5, 0).with_columns(pl.lit(0.0).alias("pass_rate")))
    write_rates(tmp_path, "B", frame=pass_rates_frame(3, 0.5, 1).with_columns(pl.lit(1.0).alias("pass_rate")))
    with caplog.at_level(logging.WARNING):
        assert cli("analyze", "--output-dir", tmp_path, "--datasets", "A", "B", "--model", "M", "--save-combined") == 0
    assert "3 keys of B were already in an earlier dataset" in caplog.text
    combined = json.loads((tmp_path / "combined" / "M_combined.json").read_text())
    assert set(combined.values()) == {1.0}


def test_analyze_single_dataset_saves_nothing_and_skips_missing_models(tmp_path, caplog):
    write_rates(tmp_path, "A")
    with caplog.at_level(logging.WARNING):
        assert cli("analyze", "--output-dir", tmp_path, "--datasets", "A", "Z", "--model", "M", "--save-combined") == 0
    assert "skipping Z" in caplog.text
    assert not (tmp_path / "combined").exists()
    assert cli("analyze", "--output-dir", tmp_path, "--datasets", "Z", "--model", "M") == 1


def test_regenerate_rebuilds_a_stale_map(tmp_path):
    write_rates(tmp_path, "A")
    stale = tmp_path / "A" / "M" / "idx_to_passrate.json"
    stale.write_text('{"stale_0": 0.5}')
    assert list(load_maps(tmp_path, ["A"], "M")["A"]) == ["stale_0"]
    assert "stale_0" not in load_maps(tmp_path, ["A"], "M", regenerate=True)["A"]


def test_merge_maps_keeps_order_and_later_values():
    assert merge_maps({"a": {"k1": 0.1, "k2": 0.2}, "b": {"k2": 0.9, "k3": 0.3}}) == {"k1": 0.1, "k2": 0.9, "k3": 0.3}
