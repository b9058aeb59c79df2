"""What each job the workflow submits asks for: the profile's resources over the rules' own and the config's."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...config import reward_job_resources
from ...settings import Settings
from .fit import Request
from .sinfo import PreflightError


@dataclass(frozen=True)
class SlurmArgs:
    """The resource settings of a SLURM run: the profile's, replaced block by block by the command line's."""

    default_resources: dict[str, Any]
    set_resources: dict[str, dict[str, Any]]
    set_threads: dict[str, Any]
    source: str  # e.g. "profile profiles/slurm"
    cli_blocks: frozenset[str] = frozenset()  # blocks given on the command line


def requests(settings: Settings, slurm: SlurmArgs, source: str = "config") -> list[Request]:
    """Every kind of job the workflow submits, with its effective resources and the key behind each value."""
    defaults = slurm.default_resources

    def key(block: str, *path: str) -> str:
        where = "command line" if block in slurm.cli_blocks else slurm.source
        return f"{where}: {'.'.join((block, *path))}"

    def resource(rule: str, name: str, own: Any, own_key: str) -> tuple[Any, str]:
        """set-resources > the rule's own value > default-resources, with the key that set it."""
        rule_block = slurm.set_resources.get(rule, {})
        if name in rule_block:
            return rule_block[name], key("set-resources", rule, name)
        if own is not None:
            return own, own_key
        if name in defaults:
            return defaults[name], key("default-resources", name)
        return None, own_key

    def request(job: str, rule: str, mem: tuple, runtime: tuple, cpus: tuple, gpus: int, gpus_key: str) -> Request:
        partition, partition_key = resource(
            rule, "slurm_partition", None, key("set-resources", rule, "slurm_partition")
        )
        mem_mb, mem_key = resource(rule, "mem_mb", *mem)
        minutes, runtime_key = resource(rule, "runtime", *runtime)
        return Request(
            job=job,
            partition=None if partition is None else str(partition),
            mem_mb=_size(mem_mb, mem_key),
            runtime=_minutes(minutes, runtime_key),
            cpus=cpus[0],
            gpus=gpus,
            gpu_model=slurm.set_resources.get(rule, {}).get("gpu_model"),
            keys={
                "partition": partition_key,
                "mem_mb": mem_key,
                "runtime": runtime_key,
                "cpus": cpus[1],
                "gpus": gpus_key,
            },
        )

    found = []
    for name, model in settings.models.items():
        if model.engine == "file":
            continue  # its rollouts are imported by a local rule
        gpus = model.gpus_per_job
        per_gpu = slurm.set_resources.get("generate", {}).get("cpus_per_gpu")
        if gpus and per_gpu is not None:  # --cpus-per-gpu
            cpus = (int(per_gpu) * gpus, key("set-resources", "generate", "cpus_per_gpu"))
        else:  # --cpus-per-task = threads: the rule gives a GPU job 4 (a CPU model all local cores: none here)
            cpus = (int(slurm.set_threads.get("generate", 4 if gpus else 1)), key("set-threads", "generate"))
        model_key = f"{source}: models.{name}"
        found.append(
            request(
                f"generate {name}",
                "generate",
                (model.slurm.mem_mb, f"{model_key}.slurm.mem_mb"),
                (model.slurm.runtime, f"{model_key}.slurm.runtime"),
                cpus,
                gpus,
                f"{model_key}.gpus_per_job",
            )
        )
    rules = ["reward"] + (["reference_check"] if settings.reward.code.check_reference else [])
    for rule in rules:
        if rule in slurm.set_threads:
            cpus = (int(slurm.set_threads[rule]), key("set-threads", rule))
        else:
            cpus = (settings.reward.workers, f"{source}: reward.workers")
        fixed = "(the rule's own value; set it here to change it)"
        own = reward_job_resources(settings, rule)
        found.append(
            request(
                rule,
                rule,
                (own["mem_mb"], f"{key('set-resources', rule, 'mem_mb')} {fixed}"),
                (own["runtime"], f"{key('set-resources', rule, 'runtime')} {fixed}"),
                cpus,
                0,
                "",
            )
        )
    found.append(
        Request(
            job="default-resources",
            partition=None if defaults.get("slurm_partition") is None else str(defaults["slurm_partition"]),
            mem_mb=_size(defaults.get("mem_mb"), key("default-resources", "mem_mb")),
            runtime=_minutes(defaults.get("runtime"), key("default-resources", "runtime")),
            cpus=1,
            keys={
                "partition": key("default-resources", "slurm_partition"),
                "mem_mb": key("default-resources", "mem_mb"),
                "runtime": key("default-resources", "runtime"),
            },
        )
    )
    return found


def _size(value: Any, key: str) -> int | None:
    return _human("mem", value, key)  # "mem" takes units (16G -> 16000 MB); a bare number is MB


def _minutes(value: Any, key: str) -> int | None:
    return _human("runtime", value, key)


def _human(name: str, value: Any, key: str) -> int | None:
    """Snakemake's own reading of a resource value (`2h`, `16G`, 4000); None when absent."""
    if value is None:
        return None
    from snakemake.resources import Resource

    try:
        parsed = Resource.parse_human_friendly(name, value)
        return int(parsed)
    except Exception as exc:
        raise PreflightError(f"{key}: cannot read {value!r} as {name} ({exc})") from None
