"""Does a job's request fit a node of its partition? One message per problem, naming the key to change."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .sinfo import Node


@dataclass(frozen=True)
class Request:
    """What one kind of job asks for; `keys` says which setting gives each value (named in messages)."""

    job: str
    partition: str | None  # None: the cluster's default partition
    mem_mb: int | None
    runtime: int | None  # minutes
    cpus: int
    gpus: int = 0
    gpu_model: str | None = None
    keys: dict[str, str] = field(default_factory=dict)


def check(nodes: Sequence[Node], requests: Iterable[Request]) -> list[str]:
    """One message per request that no node of its partition can run (empty: everything fits). A request for
    several partitions (`-p a,b`) fits when it fits one of them; otherwise the first one's problems are said."""
    problems = []
    for req in requests:
        names = [p.strip() for p in (req.partition or "").split(",") if p.strip()] or [None]
        found = [_problems(nodes, dataclasses.replace(req, partition=name)) for name in names]
        problems += [] if [] in found else found[0]
    return problems


def _problems(nodes: Sequence[Node], req: Request) -> list[str]:
    """What keeps `req` (one partition, or None for the default one) off every node of its partition."""
    name = req.partition or next((n.partition for n in nodes if n.default), None)
    where = f"partition {name}"
    members = [n for n in nodes if n.partition == name]
    if not members:
        key = req.keys.get("partition", "slurm_partition")
        if name is None:
            return [f"{key}: {req.job} has no partition and the cluster has no default one"]
        partitions = sorted({n.partition for n in nodes})
        return [
            f"{key}: {req.job} asks for partition {name!r}, which the cluster does not have; "
            f"its partitions: {', '.join(partitions)}"
        ]
    found = []
    if req.mem_mb is not None:
        most = max(n.mem_mb for n in members)
        if req.mem_mb > most:
            found.append(
                f"{req.keys.get('mem_mb', 'mem_mb')}: {req.mem_mb} MB does not fit {where} "
                f"(largest node: {most} MB); set it to {most} or less"
            )
    most_cpus = max(n.cpus for n in members)
    if req.cpus > most_cpus:
        found.append(
            f"{req.keys.get('cpus', 'cpus')}: {req.job} asks for {req.cpus} CPUs, {where} has at most "
            f"{most_cpus} per node; set it to {_cpus_fix(req, most_cpus)} or less"
        )
    if req.gpus:
        most_gpus = max(n.gpu_count(req.gpu_model) for n in members)
        kind = f"{req.gpu_model} GPUs" if req.gpu_model else "GPUs"
        if req.gpus > most_gpus:
            fix = f"set it to {most_gpus} or less" if most_gpus else "use a partition with GPUs"
            found.append(
                f"{req.keys.get('gpus', 'gpus')}: {req.job} asks for {req.gpus} {kind}, {where} has at most "
                f"{most_gpus} per node; {fix}"
            )
    limits = [n.time_limit for n in members]
    if req.runtime is not None and None not in limits and req.runtime > max(limits):
        found.append(
            f"{req.keys.get('runtime', 'runtime')}: {req.runtime} min is over the time limit of {where} "
            f"({max(limits)} min); set it to {max(limits)} or less"
        )
    if not found and not any(_fits(n, req) for n in members):
        found.append(
            f"{req.keys.get('mem_mb', 'mem_mb')}: no single node of {where} offers {req.job}'s "
            f"{req.mem_mb} MB, {req.cpus} CPUs and {req.gpus} GPUs together; lower one of them"
        )
    return found


def _fits(node: Node, req: Request) -> bool:
    return (
        (req.mem_mb is None or req.mem_mb <= node.mem_mb)
        and req.cpus <= node.cpus
        and req.gpus <= node.gpu_count(req.gpu_model)
        and (req.runtime is None or node.time_limit is None or req.runtime <= node.time_limit)
    )


def _cpus_fix(req: Request, most: int) -> int:
    """The largest value of the key that sets the CPUs (cpus_per_gpu: per GPU)."""
    return most // req.gpus if req.gpus and "cpus_per_gpu" in req.keys.get("cpus", "") else most
