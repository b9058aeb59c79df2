"""Run the Snakefile end to end with the real vLLM CPU engine and SmolLM2-135M on a tiny dataset."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import polars as pl
import pytest
import yaml

from difficulty_filter.demo.workflow import copy_workflow, workflow_command

from ..conftest import verl_row

REPO = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.e2e, pytest.mark.vllm]


def snakemake(workdir: Path, *args: str, overlay: str | None = None) -> subprocess.CompletedProcess:
    """Run Snakemake in `workdir` (its config/config.yaml is the test config; `overlay` is merged on top)."""
    cmd = workflow_command(workdir, "--cores", "2", "--rerun-incomplete", *args, resumable=False)
    if overlay:
        cmd += ["--configfile", str(workdir / overlay)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=1200)


def job_counts(output: str) -> dict[str, int]:
    """The 'Job stats' table Snakemake prints: rule -> number of jobs."""
    counts = {}
    for line in output.split("Job stats:", 1)[-1].splitlines()[3:]:
        match = re.match(r"^(\w+)\s+(\d+)$", line.strip())
        if match and match.group(1) != "total":
            counts[match.group(1)] = int(match.group(2))
        elif counts and not line.strip():
            break
    return counts


@pytest.fixture(scope="module")
def workflow(tmp_path_factory, smollm2_dir):
    work = copy_workflow(REPO, tmp_path_factory.mktemp("wf"))
    rows = [verl_row(i, f"What is {i} + {i + 1}?", str(2 * i + 1)) for i in range(5)]
    rows.append(verl_row(5, "Which year?", "2020", source="table__hitab"))
    rows.append(verl_row(6, "Anything", "x", source="mystery__source"))
    import pyarrow as pa
    import pyarrow.parquet as pq

    (work / "data").mkdir()
    pq.write_table(pa.Table.from_pylist(rows), work / "data/tiny.parquet")
    config = {
        "results_dir": "results",
        "datasets": {"tiny": "data/tiny.parquet"},
        "models": {
            name: {
                "path": str(smollm2_dir),
                "engine": engine,
                "dtype": "float32",
                "max_model_len": 512,
                "gpus_per_job": 0,
                "gpu_memory_utilization": 0.2,
                "enforce_eager": True,
            }
            for name, engine in (("smol", "offline"), ("smolsrv", "server"))
        },  # managed vllm server
        "sampling": {"n": 2, "temperature": 0.8, "max_new_tokens": 12, "seed": 7},
        "prompts": {"max_prompt_length": 256, "truncation": "left"},
        "batching": {"batch_size": 3, "batches_per_job": 3},  # 7 rows -> 3 batches -> 1 shard per model
        "reward": {"workers": 1, "timeout": 20},
        "filter": {"low": {"model": "smolsrv", "threshold": 0.0}, "high": {"model": "smol", "threshold": 0.9}},
    }
    (work / "config/config.yaml").write_text(yaml.safe_dump(config))
    first = snakemake(work)
    assert first.returncode == 0, first.stderr[-6000:]
    return work, first


def test_dry_run_prints_batch_counts(workflow):
    work, _ = workflow
    res = snakemake(work, "-n", "-R", "generate")
    assert res.returncode == 0, res.stderr[-3000:]
    assert "dataset tiny: 7 rows, 3 batches of <= 3, 1 generate jobs x 2 models, 2 reward jobs" in res.stderr
    counts = job_counts(res.stdout + res.stderr)
    assert counts["generate"] == 2 and counts["reward"] == 2  # one reward job per shard


def test_every_output_exists_and_is_consistent(workflow, smollm2_dir):
    work, _ = workflow
    results = work / "results/tiny"
    gens = sorted((results / "smol/generations").glob("*.parquet"))
    assert [g.name for g in gens] == [
        "batch_s00000_p000.parquet",
        "batch_s00000_p001.parquet",
        "batch_s00000_p002.parquet",
    ]
    rewards = pl.concat([pl.read_parquet(p) for p in sorted((results / "smol/rewards").glob("*.parquet"))])
    assert rewards.height == 7 * 2
    assert set(rewards["outcome"]) <= {"correct", "wrong", "no_answer", "truncated", "unknown_source"}
    assert set(rewards.filter(pl.col("data_source") == "mystery__source")["outcome"]) == {"unknown_source"}
    rates = pl.read_parquet(results / "smol/pass_rates.parquet")
    assert rates["row_index"].to_list() == list(range(7))
    assert rates["pass_rate"].is_between(0, 1).all()
    idx = json.loads((results / "smol/idx_to_passrate.json").read_text())
    assert set(idx) == {f"math__toy_{i}" for i in range(5)} | {"table__hitab_5", "mystery__source_6"}
    assert json.loads((results / "smolsrv/idx_to_passrate.json").read_text()).keys() == idx.keys()
    annotated = pl.read_parquet(results / "annotated.parquet")
    assert {"smol_pass_rate", "smolsrv_pass_rate", "low_pass_rate", "high_pass_rate", "prompt", "extra_info"} <= set(
        annotated.columns
    )
    assert annotated["low_pass_rate"].to_list() == annotated["smolsrv_pass_rate"].to_list()
    summary = json.loads((results / "filter_summary.json").read_text())
    filtered = pl.read_parquet(results / "filtered.parquet")
    assert summary["kept_rows"] == filtered.height and summary["input_rows"] == 7
    assert summary["provenance"]["models"]["smol"]["model"]["path"] == str(smollm2_dir)
    for model in ("smol", "smolsrv"):
        log = "".join(p.read_text() for p in (work / "logs/generate/tiny" / model).rglob("*.log"))
        assert log.count("model loads: 1") == 1  # one load for the shard's 3 batches
    assert (results / "report/pair_heatmap.png").stat().st_size > 0  # two models: low-vs-high matrix
    leftover = subprocess.run(["pgrep", "-f", "vllm.entrypoints.openai.api_server"], capture_output=True)
    assert leftover.returncode == 1, "a managed vLLM server outlived the workflow"


def test_second_run_does_nothing(workflow):
    work, _ = workflow
    res = snakemake(work, "-n")
    assert res.returncode == 0
    assert "Nothing to be done" in res.stdout + res.stderr


def test_rescoring_reruns_rewards_and_downstream_only(workflow):
    work, _ = workflow
    gen = work / "results/tiny/smol/generations/batch_s00000_p000.parquet"
    before = gen.stat().st_mtime_ns
    res = snakemake(work, "-R", "reward")
    assert res.returncode == 0, res.stderr[-3000:]
    counts = job_counts(res.stdout + res.stderr)
    assert counts.get("reward") == 2 and "generate" not in counts
    assert gen.stat().st_mtime_ns == before


def test_deleting_one_batch_file_reruns_exactly_its_shards_job(workflow):
    work, _ = workflow
    (work / "results/tiny/smol/rewards/batch_s00000_p001.parquet").unlink()
    res = snakemake(work)
    assert res.returncode == 0, res.stderr[-3000:]
    counts = job_counts(res.stdout + res.stderr)
    assert counts.get("reward") == 1 and "generate" not in counts
    (work / "results/tiny/smol/generations/batch_s00000_p001.parquet").unlink()
    counts = job_counts(snakemake(work, "-n").stdout)
    assert counts.get("generate") == 1 and counts.get("reward") == 1  # that model's shard and its reward job


def test_changing_a_threshold_reruns_only_the_filter(workflow):
    work, _ = workflow
    (work / "thresholds.yaml").write_text(
        yaml.safe_dump(
            {"filter": {"low": {"model": "smolsrv", "threshold": 0.1}, "high": {"model": "smol", "threshold": 0.9}}}
        )
    )
    assert snakemake(work).returncode == 0  # restore the deleted generation
    res = snakemake(work, "-n", overlay="thresholds.yaml")
    counts = job_counts(res.stdout + res.stderr)
    assert "filter" in counts and not {"generate", "reward", "pass_rates", "annotate"} & set(counts)


def test_html_report_builds(workflow):
    work, _ = workflow
    res = snakemake(work, "--report", str(work / "report.html"))
    assert res.returncode == 0, res.stderr[-3000:]
    assert (work / "report.html").stat().st_size > 10_000


def test_rulegraph_and_slurm_dry_run(workflow):
    work, _ = workflow
    graph = snakemake(work, "--rulegraph")
    assert graph.returncode == 0 and "digraph" in graph.stdout
    for rule in ("row_index", "generate", "reward", "pass_rates", "annotate", "filter", "report_dataset"):
        assert f'label = "{rule}"' in graph.stdout


ENGINE_ONLY = {
    "models": {
        "smol": {
            "engine": "server",
            "gpu_memory_utilization": 0.3,
            "enforce_eager": False,
            "engine_args": {"max_num_seqs": 8},
            "slurm": {"runtime": 999},
            "server": {"max_in_flight": 2, "startup_timeout": 99},
        }
    }
}


@pytest.mark.parametrize(
    "overlay, planned",
    [
        # engine, memory, parallelism, server and SLURM settings never regenerate (nor rescore)
        (ENGINE_ONLY, {}),
        ({"reward": {"workers": 2}}, {}),  # a speed knob
        ({"sampling": {"temperature": 0.5}}, {"generate": 2, "reward": 2, "pass_rates": 2}),
        ({"models": {"smol": {"chat_template_kwargs": {"x": 1}}}}, {"generate": 1, "reward": 1, "pass_rates": 1}),
        ({"reward": {"timeout": 25}}, {"reward": 2, "pass_rates": 2}),
        ({"reward": {"code": {"memory_mb": 512}}}, {"reward": 2, "reference_check": 1, "pass_rates": 2}),
        ({"reward": {"exclude_infra_errors": True}}, {"pass_rates": 2}),
        ({"filter": {"key_by": "position"}}, {"row_index": 1, "reference_check": 1, "pass_rates": 2}),
        ({"filter": {"high": {"model": "smol", "threshold": 0.5}}}, {"filter": 1, "report_dataset": 1}),
    ],
)
def test_each_setting_reruns_exactly_the_stages_it_changes(workflow, overlay, planned):
    """Dry runs on the finished run: the jobs a changed setting plans (and so, by omission, those it does not)."""
    work, _ = workflow
    (work / "overlay.yaml").write_text(yaml.safe_dump(overlay))
    res = snakemake(work, "-n", overlay="overlay.yaml")
    assert res.returncode == 0, res.stderr[-3000:]
    counts = job_counts(res.stdout)
    counts.pop("all", None)
    if "pass_rates" in planned:  # new pass rates: everything after them
        planned = {"annotate": 1, "filter": 1, "report_dataset": 1, "report_combined": planned["pass_rates"], **planned}
    assert counts == planned
