"""`difficulty-filter generate` argument handling and output layout (fake engine)."""

import argparse
import json

import pyarrow.parquet as pq
import yaml

from difficulty_filter.commands import generate

from .gen_fakes import write_dataset


def parse(*argv):
    parser = argparse.ArgumentParser()
    generate.add_parser(parser.add_subparsers(), "generate")
    return parser.parse_args(["generate", *argv])


def test_flags_override_schema_defaults(tmp_path):
    args = parse(
        "--dataset",
        "d.parquet",
        "--model-path",
        "/m",
        "--output-dir",
        str(tmp_path),
        "--n",
        "4",
        "--tp-size",
        "2",
        "--gpus",
        "2",
        "--truncation",
        "right",
        "--server-url",
        "http://h:8000",
    )
    s, model = generate.settings(args)
    assert model.path == "/m" and model.tensor_parallel_size == 2
    assert model.engine == "server" and model.server.urls == ("http://h:8000",)
    assert s.sampling.n == 4 and s.sampling.top_p == 0.9  # schema default kept
    assert s.prompts.truncation == "right" and s.batching.batch_size == 128


def test_config_model_is_picked_by_name(tmp_path):
    cfg = {
        "datasets": {"d": "d.parquet"},
        "sampling": {"n": 3},
        "models": {"a": {"path": "/a"}, "b": {"path": "/b", "dtype": "float32"}},
    }
    (tmp_path / "c.yaml").write_text(yaml.safe_dump(cfg))
    s, model = generate.settings(
        parse(
            "--dataset",
            "d.parquet",
            "--output-dir",
            "o",
            "--config",
            str(tmp_path / "c.yaml"),
            "--model",
            "b",
            "--seed",
            "9",
        )
    )
    assert model.path == "/b" and model.dtype == "float32"
    assert s.sampling.n == 3 and s.sampling.seed == 9


def test_run_writes_batch_files_with_one_load(tmp_path, fake_engine, capsys):
    data = write_dataset(tmp_path / "d.parquet", 10)
    out = tmp_path / "out"
    rc = generate.run(
        parse(
            "--dataset",
            data,
            "--model-path",
            "/m",
            "--output-dir",
            str(out),
            "--n",
            "2",
            "--batch-size",
            "4",
            "--batches-per-job",
            "2",
            "--gpus",
            "0",
        )
    )
    assert rc == 0 and fake_engine["loads"] == 1
    names = sorted(p.name for p in out.glob("batch_*.parquet"))
    assert names == [
        "batch_s00000_p000.parquet",
        "batch_s00000_p001.parquet",
        "batch_s00001_p000.parquet",
        "batch_s00001_p001.parquet",
    ]
    assert [pq.read_table(out / n).num_rows for n in names] == [8, 8, 4, 0]
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1])["prompts"] == 10
