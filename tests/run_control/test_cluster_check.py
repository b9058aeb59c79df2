"""The SLURM pre-flight: every job's request against made-up sinfo output, one message per problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from difficulty_filter import config
from difficulty_filter.commands.run import check_cluster
from difficulty_filter.config import reward_job_resources
from difficulty_filter.run_control import cluster_check
from difficulty_filter.run_control.cluster_check import check, parse_sinfo, requests, slurm_args

REPO = Path(__file__).resolve().parents[2]
# two GPU nodes of 24000 MB / 4 GPUs (time limit 1 day), a bigger one; a CPU partition (default) of 2 nodes
SINFO = """\
g1|gpu|24000|32|gpu:a100:4(S:0-1)|1-00:00:00
g2|gpu|24000|32|gpu:a100:4(S:0-1)|1-00:00:00
g3|gpu|64000|16|gpu:a100:2|1-00:00:00
c1|cpu*|24105|2|(null)|infinite
c2|cpu*|16000+|8|(null)|infinite
"""
NODES = parse_sinfo(SINFO)
PROFILE = {
    "executor": "slurm",
    "default-resources": {"slurm_partition": "cpu", "runtime": 30, "mem_mb": 4000},
    "set-threads": {"generate": 8},
    "set-resources": {
        "generate": {"slurm_partition": "gpu", "cpus_per_gpu": 8},
        "reward": {"slurm_partition": "cpu"},
        "reference_check": {"slurm_partition": "cpu"},
    },
}


def settings(**model):
    model = {"path": "/m", "gpus_per_job": 1, "tensor_parallel_size": 1, **model}
    if model["gpus_per_job"] > 1:
        model.setdefault("tensor_parallel_size", model["gpus_per_job"])
    return config.validate({"datasets": {"d": "d.parquet"}, "models": {"qwen7b": model}, "reward": {"workers": 2}})


def problems(settings, profile=PROFILE, args=(), nodes=NODES):
    return check(nodes, requests(settings, slurm_args(profile, "profile profiles/slurm", args)))


def test_sinfo_lines_are_parsed():
    g1, _, g3, c1, c2 = NODES
    assert (g1.partition, g1.default, g1.mem_mb, g1.cpus, g1.gpus, g1.time_limit) == (
        "gpu",
        False,
        24000,
        32,
        {"a100": 4},
        1440,
    )
    assert g3.gpu_count() == 2 and g3.gpu_count("h100") == 0
    assert (c1.partition, c1.default, c1.gpus, c1.time_limit) == ("cpu", True, {}, None)
    assert c2.mem_mb == 16000
    assert cluster_check.parse_gres("gpu:2,gpu:v100:1,mps:100") == {"": 2, "v100": 1}
    assert [cluster_check.parse_time_limit(t) for t in ("2:00:00", "30:00", "2-01:30:00", "UNLIMITED")] == [
        120,
        30,
        2970,
        None,
    ]


def test_a_request_that_fits_passes():
    assert problems(settings(slurm={"mem_mb": 16000, "runtime": 240})) == []


def test_the_default_mem_mb_fits_a_24_gb_node():
    assert settings().models["qwen7b"].slurm.mem_mb <= 24000
    assert problems(settings()) == []


def test_memory_too_large_names_the_key_and_the_largest_value():
    found = problems(settings(slurm={"mem_mb": 90000}))
    assert found == [
        "config: models.qwen7b.slurm.mem_mb: 90000 MB does not fit partition gpu (largest node: 64000 MB); "
        "set it to 64000 or less"
    ]


def test_too_many_gpus():
    many = settings(gpus_per_job=8, tensor_parallel_size=8)
    cpus, gpus = problems(many)  # 8 GPUs x 8 CPUs per GPU is too many CPUs as well
    assert gpus == (
        "config: models.qwen7b.gpus_per_job: generate qwen7b asks for 8 GPUs, partition gpu has at most 4 per "
        "node; set it to 4 or less"
    )
    assert cpus.startswith("profile profiles/slurm: set-resources.generate.cpus_per_gpu: generate qwen7b asks for 64")


def test_gpu_model_counts_only_that_type():
    profile = {
        **PROFILE,
        "set-resources": {
            **PROFILE["set-resources"],
            "generate": {"slurm_partition": "gpu", "cpus_per_gpu": 8, "gpu_model": "h100"},
        },
    }
    (found,) = problems(settings(), profile)
    assert "asks for 1 h100 GPUs" in found and "use a partition with GPUs" in found


def test_too_many_cpus_per_gpu_names_the_profile_key():
    found = problems(
        settings(gpus_per_job=4, tensor_parallel_size=4),
        {
            **PROFILE,
            "set-resources": {**PROFILE["set-resources"], "generate": {"slurm_partition": "gpu", "cpus_per_gpu": 16}},
        },
    )
    assert found == [
        "profile profiles/slurm: set-resources.generate.cpus_per_gpu: generate qwen7b asks for 64 CPUs, "
        "partition gpu has at most 32 per node; set it to 8 or less"
    ]


def test_resources_that_fit_no_single_node_together():
    # 64000 MB only on g3 (2 GPUs), 4 GPUs only on g1/g2 (24000 MB)
    (found,) = problems(settings(gpus_per_job=4, tensor_parallel_size=4, slurm={"mem_mb": 64000}))
    assert "no single node of partition gpu" in found


def test_unknown_partition_lists_the_partitions():
    profile = {**PROFILE, "set-resources": {**PROFILE["set-resources"], "generate": {"slurm_partition": "gpus"}}}
    assert problems(settings(), profile) == [
        "profile profiles/slurm: set-resources.generate.slurm_partition: generate qwen7b asks for partition "
        "'gpus', which the cluster does not have; its partitions: cpu, gpu"
    ]


def test_runtime_over_the_limit():
    (found,) = problems(settings(slurm={"runtime": "2d"}))
    assert found == (
        "config: models.qwen7b.slurm.runtime: 2880 min is over the time limit of partition gpu (1440 min); "
        "set it to 1440 or less"
    )


def test_reward_jobs_take_the_rule_resources_and_reward_workers():
    reqs = {r.job: r for r in requests(settings(), slurm_args(PROFILE, "profile p"))}
    assert (reqs["reward"].mem_mb, reqs["reward"].runtime) == (
        reward_job_resources(settings(), "reward")["mem_mb"],
        reward_job_resources(settings(), "reward")["runtime"],
    )
    assert reqs["reward"].cpus == 2 and reqs["reference_check"].partition == "cpu"
    many = config.validate({"datasets": {"d": "d"}, "models": {"m": {"path": "/m"}}, "reward": {"workers": 16}})
    found = problems(many)
    assert (
        "config: reward.workers: reward asks for 16 CPUs, partition cpu has at most 8 per node; "
        "set it to 8 or less" in found
    )


def test_profile_set_resources_override_the_rule_and_are_named():
    profile = {
        **PROFILE,
        "set-resources": {**PROFILE["set-resources"], "reward": {"slurm_partition": "cpu", "mem_mb": 30000}},
    }
    (found,) = problems(settings(), profile)
    assert found.startswith("profile profiles/slurm: set-resources.reward.mem_mb")
    assert "set it to 24105 or less" in found


def test_command_line_blocks_replace_the_profile_blocks():
    cpu_model = settings(gpus_per_job=0)
    assert "partition 'gpu'" not in " ".join(
        problems(cpu_model, args=["--set-resources", "generate:slurm_partition=cpu"])
    )
    found = problems(
        cpu_model, args=["--set-resources", "generate:slurm_partition=cpu", "--set-threads", "generate=64"]
    )
    assert found == [
        "command line: set-threads.generate: generate qwen7b asks for 64 CPUs, partition cpu has at most 8 per "
        "node; set it to 8 or less"
    ]


def test_default_resources_are_checked():
    profile = {**PROFILE, "default-resources": {"slurm_partition": "cpu", "mem_mb": "40G", "runtime": 30}}
    (found,) = problems(settings(), profile)
    assert found.startswith("profile profiles/slurm: default-resources.mem_mb: 40000 MB does not fit partition cpu")


def test_missing_sinfo_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(cluster_check.PreflightError, match="`sinfo` was not found"):
        cluster_check.read_sinfo()


def test_run_refuses_a_slurm_profile_without_sinfo(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PATH", "/nonexistent")
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "config.yaml").write_text("datasets: {d: d.parquet}\nmodels: {m: {path: /m}}\n")
    assert check_cluster(["--profile", str(REPO / "profiles/slurm")], tmp_path) is False
    assert "`sinfo` was not found" in capsys.readouterr().err


def test_local_profile_is_not_checked(tmp_path):
    assert cluster_check.slurm_run(["--profile", str(REPO / "profiles/local")], tmp_path) is None
    assert cluster_check.slurm_run(["--cores", "2"], tmp_path) is None


def test_slurm_run_reads_config_files_and_overrides(tmp_path):
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "config.yaml").write_text("datasets: {d: d.parquet}\nmodels: {m: {path: /m}}\n")
    (tmp_path / "big.yaml").write_text("models: {m: {slurm: {mem_mb: 50000}}}\n")
    run = cluster_check.slurm_run(
        ["--profile", str(REPO / "profiles/slurm"), "--configfile", "big.yaml", "--config", "reward={workers: 3}"],
        tmp_path,
    )
    assert run.settings.models["m"].slurm.mem_mb == 50000 and run.settings.models["m"].path == "/m"
    assert run.settings.reward.workers == 3
    assert run.slurm.set_resources["generate"]["slurm_partition"] == "gpu"


def test_the_shipped_profile_leaves_an_account_hint():
    profile = cluster_check.read_profile(REPO / "profiles/slurm")
    hint = cluster_check.account_hint(slurm_args(profile, "profile profiles/slurm"))
    assert hint is None or "slurm_account" in hint


def test_requests_are_what_snakemake_submits(tmp_path):
    """The pre-flight's memory, time and GPUs of each job equal the resources of a dry run with the profile."""
    from ..test_slurm_profile import _dry_run_resources, _workflow_missing

    if reason := _workflow_missing():
        pytest.skip(reason)
    jobs = _dry_run_resources(tmp_path)  # the repo's config/config.yaml updated by tmp_path/config.yaml
    run = cluster_check.slurm_run(
        ["--profile", str(REPO / "profiles/slurm"), "--configfile", str(tmp_path / "config.yaml")], REPO
    )
    asked = [(r.mem_mb, r.runtime, r.gpus) for r in cluster_check.requests(run.settings, run.slurm)]
    for rule in ("generate", "reward"):
        submitted = {(int(f["mem_mb"]), int(f["runtime"]), int(f.get("gpu", 0))) for f in jobs[rule]}
        assert submitted <= set(asked), rule
    assert len({(int(f["mem_mb"]), int(f["gpu"])) for f in jobs["generate"]}) == len(run.settings.models)


def test_a_request_for_several_partitions_fits_one_of_them():
    profile = {**PROFILE, "set-resources": {**PROFILE["set-resources"], "generate": {"slurm_partition": "cpu,gpu"}}}
    assert problems(settings(), profile) == []  # 1 GPU: only gpu has one
    (found,) = problems(settings(gpus_per_job=8, tensor_parallel_size=8), profile)
    assert "partition cpu" in found  # neither fits: the first one's problems


def test_gpu_jobs_without_cpus_per_gpu_take_the_threads():
    profile = {**PROFILE, "set-resources": {**PROFILE["set-resources"], "generate": {"slurm_partition": "gpu"}}}
    (gen,) = [r for r in requests(settings(), slurm_args(profile, "p")) if r.job.startswith("generate")]
    assert gen.cpus == 8 and gen.keys["cpus"] == "p: set-threads.generate"
