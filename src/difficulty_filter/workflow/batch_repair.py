"""Before a real run plans its jobs: damaged batch files are deleted (with a message naming each), so Snakemake
rebuilds exactly them.

Only the main Snakemake process of a run started by `difficulty-filter run` (which sets `REPAIR_VAR`, and
never for a dry run, `--dag` or `--summary`) calls `repair_damaged_batches`; parsing alone changes nothing.

Only Parquet footers are read (see `batch_check.footer_problem`), and only of files that changed since they
were last found intact (`known_good`: path -> [size, mtime_ns], a JSON file). When a generations batch is
damaged, the intact batches of its shard go to the shard's resume cache first, so the shard job that
Snakemake reruns regenerates only the damaged one.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .. import atomic
from ..generation.records import METADATA_KEY
from ..generation.resume_cache import ResumeCache
from ..results.batch_check import Expected, expected_batch, footer_problem

#: Environment variable set by `difficulty-filter run` for a real run: the Snakefile then repairs batches.
REPAIR_VAR = "DIFFICULTY_FILTER_REPAIR_BATCHES"

if TYPE_CHECKING:
    from .plan import WorkflowPlan


@dataclass(frozen=True)
class Batch:
    generations: str
    rewards: str | None  # None for a placeholder past the end of the data (never scored)
    expected: Expected


@dataclass(frozen=True)
class Shard:
    """The batches one generate job writes, and that job's resume cache."""

    cache_dir: str
    batches: Sequence[Batch]


def repair_requested(is_main_process: bool) -> bool:
    """True in the main Snakemake process of a real run started by `difficulty-filter run`."""
    return is_main_process and os.environ.get(REPAIR_VAR) == "1"


def repair_damaged_batches(plan: WorkflowPlan) -> list[str]:
    """Delete the damaged batch files of every dataset x model of `plan` (each named on stderr)."""
    layout, models = plan.layout, plan.settings.models
    shards = []
    for dataset, batches in plan.batches.items():
        for model in models:
            members: dict[int, list[Batch]] = {}
            for b in batches:
                members.setdefault(b.shard, []).append(
                    Batch(
                        layout.generation(dataset, model, b.name),
                        None if b.is_placeholder else layout.reward(dataset, model, b.name),
                        expected_batch(b.start, b.stop, plan.settings.sampling),
                    )
                )
            cache = layout.generation_cache(dataset, model)
            shards += [Shard(cache, shard) for shard in members.values()]
    messages = remove_damaged(shards, layout.intact_batches())
    for message in messages:
        print(f"difficulty-filter: {message}", file=sys.stderr)
    return messages


def remove_damaged(shards: Iterable[Shard], known_good: str | os.PathLike | None = None) -> list[str]:
    """Delete every damaged batch file of `shards`; return one message per file deleted."""
    previous = _load(known_good)
    intact: dict[str, list[int]] = {}
    messages = []
    for shard in shards:
        damaged_generations = []
        for batch in shard.batches:
            for path in filter(None, (batch.generations, batch.rewards)):
                try:
                    stat = os.stat(path)
                except FileNotFoundError:
                    continue
                signature = [stat.st_size, stat.st_mtime_ns]
                problem = None if previous.get(path) == signature else footer_problem(path, batch.expected)
                if not problem:
                    intact[path] = signature
                    continue
                messages.append(f"{path}: {problem}; deleted, it will be rebuilt")
                if path == batch.generations:
                    damaged_generations.append(path)
                else:
                    os.unlink(path)
        if damaged_generations:
            _keep_intact_siblings(shard, damaged_generations)
            for path in damaged_generations:
                os.unlink(path)
    if known_good is not None and intact != previous:
        atomic.write_json(known_good, intact)
    return messages


def _load(known_good: str | os.PathLike | None) -> dict[str, list[int]]:
    try:
        return json.loads(Path(known_good).read_text(encoding="utf-8")) if known_good else {}
    except (OSError, ValueError):
        return {}


def _keep_intact_siblings(shard: Shard, damaged: list[str]) -> None:
    """Put the shard's other generations batches into its resume cache (keyed by their own metadata)."""
    cache = ResumeCache(shard.cache_dir)
    for batch in shard.batches:
        if batch.generations in damaged or not os.path.exists(batch.generations):
            continue
        key = (atomic.read_metadata(batch.generations, METADATA_KEY) or {}).get("cache_key")
        if key:  # placeholders have none
            cache.store(key, batch.generations)
