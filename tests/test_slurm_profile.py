"""The SLURM profile turns each rule's resources into the intended sbatch line.

The sbatch lines are built with the SLURM executor plugin's own code (`get_submit_command`,
`set_gres_string`, `validate_slurm_extra`), from (a) the profile merged with the resources the rules
declare, and (b) when the workflow is complete, the resources `snakemake -n --profile profiles/slurm`
reports for every job of a two-model config (weak on 1 GPU, strong on 2 GPUs with tp 2).
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

pytest.importorskip("snakemake_executor_plugin_slurm")
from snakemake_executor_plugin_slurm.submit_string import get_submit_command
from snakemake_executor_plugin_slurm.utils import set_gres_string
from snakemake_executor_plugin_slurm.validation import validate_slurm_extra

ROOT = Path(__file__).resolve().parents[1]
PROFILE = ROOT / "profiles" / "slurm"
PROFILE_YAML = yaml.safe_load((PROFILE / "config.v8+.yaml").read_text())
LOCAL_RULES = {"pass_rates", "annotate", "filter", "analyze", "prepare", "materialize_model"}


class Resources(dict):
    """Like Snakemake's job resources: attribute and `.get` access."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def sbatch(rule: str, resources: dict, threads: int = 1) -> str:
    """The sbatch call the plugin would make for a job of `rule` with these merged resources."""
    job = SimpleNamespace(resources=Resources(resources), threads=threads, name=rule, is_group=lambda: False)
    validate_slurm_extra(job)
    account = f" -A {resources['slurm_account']}" if resources.get("slurm_account") else ""  # as get_account_arg
    params = {
        "run_uuid": "RUN",
        "slurm_logfile": "LOG",
        "comment_str": f"rule_{rule}",
        "account": account,
        "partition": f" -p {resources['slurm_partition']}",
        "workdir": "/work",
    }
    return get_submit_command(job, params) + set_gres_string(job)


def merged(rule: str, rule_resources: dict) -> dict:
    """default-resources < rule resources < set-resources, as Snakemake merges them."""
    return {
        **PROFILE_YAML.get("default-resources", {}),
        **rule_resources,
        **(PROFILE_YAML.get("set-resources", {}).get(rule) or {}),
    }


def test_profile_uses_the_slurm_executor_and_safe_defaults():
    assert PROFILE_YAML["executor"] == "slurm"
    assert PROFILE_YAML["rerun-incomplete"] and PROFILE_YAML["keep-going"]
    for rule, res in (PROFILE_YAML.get("set-resources") or {}).items():
        assert not {"gpu", "mem_mb", "runtime"} & set(res), f"{rule}: rule-intrinsic resources belong in the rule"
        assert rule not in LOCAL_RULES


def test_profile_settings_are_known_to_the_plugin():
    """Every slurm-* key names a setting of the installed plugin (a typo or a dropped setting fails here)."""
    from snakemake_executor_plugin_slurm import ExecutorSettings

    known = {field.name for field in dataclasses.fields(ExecutorSettings)}
    for key in (k for k in PROFILE_YAML if k.startswith("slurm-")):
        assert key.removeprefix("slurm-").replace("-", "_") in known, key
    assert PROFILE_YAML["slurm-status-command"] == "squeue"  # sacct's "CANCELLED by <uid>" would hang the run


def test_generate_on_two_gpus():
    line = sbatch("generate", merged("generate", {"gpu": 2, "mem_mb": 128000, "runtime": 480}), threads=4)
    assert " -p gpu" in line and " --gpus=2" in line and " --mem 128000" in line and " -t 480" in line
    assert "--cpus-per-gpu=8" in line and "--cpus-per-task" not in line and "--ntasks" not in line


def test_generate_on_cpu_requests_no_gpu():
    line = sbatch("generate", merged("generate", {"gpu": 0, "mem_mb": 16000, "runtime": 60}), threads=4)
    assert "--gpus" not in line and "--gres" not in line


def test_gpu_model_and_constraint_map_to_their_flags():
    res = merged("generate", {"gpu": 1, "mem_mb": 64000, "runtime": 240})
    line = sbatch("generate", {**res, "gpu_model": "h100", "constraint": "h100|a100", "qos": "normal"}, threads=4)
    assert " --gpus=h100:1" in line and " -C 'h100|a100'" in line and " --qos=normal" in line


def test_reward_on_cpu_partition_with_threads():
    line = sbatch("reward", merged("reward", {"mem_mb": 8000, "runtime": 60}), threads=8)
    assert " -p cpu" in line and "--cpus-per-task=8" in line and "--ntasks=1" in line and "--gpus" not in line


# ---- the lead's workflow, through a dry run --------------------------------------------------------------


def _workflow_missing() -> str | None:
    snakefile = ROOT / "Snakefile"
    if not snakefile.exists():
        return "Snakefile not written yet"
    missing = [inc for inc in re.findall(r'include:\s*"([^"]+)"', snakefile.read_text()) if not (ROOT / inc).exists()]
    return f"Snakefile includes missing rule files: {', '.join(missing)}" if missing else None


def _dry_run_resources(tmp_path: Path) -> dict[str, list[dict]]:
    rows = [
        {
            "data_source": "math__demo",
            "prompt": [{"role": "user", "content": f"{i}+1?"}],
            "apply_chat_template": True,
            "reward_model": {"style": "rule", "ground_truth": str(i + 1)},
            "extra_info": {"index": i},
        }
        for i in range(6)
    ]
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "d.parquet")
    for name in ("weak", "strong"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "config.json").write_text("{}")
    config = {
        "results_dir": str(tmp_path / "results"),
        "datasets": {"demo": str(tmp_path / "d.parquet")},
        "models": {
            "weak": {"path": str(tmp_path / "weak"), "gpus_per_job": 1, "slurm": {"mem_mb": 64000, "runtime": 240}},
            "strong": {
                "path": str(tmp_path / "strong"),
                "gpus_per_job": 2,
                "tensor_parallel_size": 2,
                "enable_expert_parallel": True,
                "slurm": {"mem_mb": 128000, "runtime": 720},
            },
        },
        "batching": {"batch_size": 2, "batches_per_job": 2},
        "filter": {"low": {"model": "strong", "threshold": 0.0}, "high": {"model": "weak", "threshold": 1.0}},
    }
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(config))
    snakemake = shutil.which("snakemake", path=str(Path(sys.executable).parent)) or "snakemake"
    proc = subprocess.run(
        [
            snakemake,
            "-n",
            "--profile",
            str(PROFILE),
            "--quiet",  # show the job blocks the profile keeps off the console
            "host",
            "--snakefile",
            str(ROOT / "Snakefile"),
            "--configfile",
            str(tmp_path / "config.yaml"),
            "--directory",
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    jobs: dict[str, list[dict]] = {}
    for block in re.split(r"\n(?=\[[^\]]+\]\n(?:local)?rule )", proc.stdout):
        rule = re.search(r"^(?:local)?rule (\w+):", block, re.M)
        res = re.search(r"^\s+resources: (.*)$", block, re.M)
        if rule and res:
            fields = dict(item.split("=", 1) for item in res.group(1).split(", ") if "=" in item)
            jobs.setdefault(rule.group(1), []).append(fields)
    return jobs


def _local_rules() -> set[str]:
    """Rules declared local (`localrule: True` in the rule, or a `localrules:` line)."""
    local = set()
    for path in [ROOT / "Snakefile", *sorted((ROOT / "rules").glob("*.smk"))]:
        text = path.read_text()
        for line in re.findall(r"^localrules:(.*)$", text, re.M):
            local |= {name.strip() for name in line.split(",") if name.strip()}
        for name, body in re.findall(r"^rule (\w+):\n((?:[ \t].*\n|\n)*)", text, re.M):
            if re.search(r"^\s+localrule:\s*True", body, re.M):
                local.add(name)
    return local


def _typed(fields: dict) -> dict:
    return {k: int(v) if v.isdigit() else v for k, v in fields.items() if isinstance(v, str)}


def test_dry_run_sbatch_lines_for_two_models(tmp_path):
    reason = _workflow_missing()
    if reason:
        pytest.skip(reason)
    jobs = _dry_run_resources(tmp_path)
    gens = [_typed(f) for f in jobs["generate"]]
    assert {1, 2} <= {g["gpu"] for g in gens}  # (the repo's config/config.yaml may add a CPU demo model)
    for g in gens:
        line = sbatch("generate", g, threads=4)
        if g["gpu"] == 0:
            assert "--gpus" not in line
            continue
        assert f" --gpus={g['gpu']}" in line and " -p gpu" in line and "--cpus-per-gpu=8" in line
        assert f" --mem {128000 if g['gpu'] == 2 else 64000}" in line
    for f in jobs["reward"]:
        assert " -p cpu" in sbatch("reward", _typed(f), threads=4)
    assert LOCAL_RULES & set(jobs) <= _local_rules(), "aggregate rules must not be submitted to SLURM"
