"""What the Snakefile knows before it builds the DAG, from one read-only call: `plan_workflow(config)`.

It validates the config (every mistake named by its key), checks model folders and prepare inputs, and reads
each dataset's Parquet footer (never its rows) to plan batches and shards. It writes and deletes nothing, so a
dry run, `--dag` or `--summary` leaves the results folder as it was, and each SLURM job repeats only this.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .. import config as df_config
from .. import dataset as df_dataset
from ..prepare.naming import output_prefix
from ..results.batches import Batch, plan
from ..results.paths import Layout
from ..settings import Settings


@dataclass(frozen=True)
class WorkflowPlan:
    settings: Settings
    batches: dict[str, list[Batch]]  # dataset -> every batch, placeholders past the end of the data included
    rows: dict[str, dict[str, list[int]]] = field(init=False)  # dataset -> batch name -> [start, stop)
    real: dict[str, tuple[str, ...]] = field(init=False)  # dataset -> names of the batches holding rows

    def __post_init__(self):
        # Computed once: the Snakefile's input functions ask for these once per job (tens of thousands of times
        # at a million rows), so nothing per call may walk every batch (docs/performance.md).
        rows, real = {}, {}
        for name, batches in self.batches.items():
            rows[name] = {b.name: [b.start, b.stop] for b in batches}
            real[name] = tuple(b for b, (start, stop) in rows[name].items() if stop > start)
        object.__setattr__(self, "rows", rows)
        object.__setattr__(self, "real", real)

    @property
    def layout(self) -> Layout:
        return Layout(self.settings.results_dir)

    def batch_names(self, dataset: str) -> tuple[str, ...]:
        """Names of the batches that hold rows (placeholders are generated but never scored)."""
        return self.real[dataset]

    def is_real(self, dataset: str, batch: str) -> bool:
        """Whether batch `batch` of `dataset` holds rows (not a placeholder past the end of the data)."""
        start, stop = self.rows[dataset][batch]
        return stop > start

    def describe(self) -> list[str]:
        """One line per dataset: rows, batches, generate and reward jobs (one of each per shard and model)."""
        s, lines = self.settings, []
        for name, batches in self.batches.items():
            real = [b for b in batches if not b.is_placeholder]
            shards = len({b.shard for b in batches})
            lines.append(
                f"dataset {name}: {real[-1].stop} rows, {len(real)} batches of <= {s.batching.batch_size}, "
                f"{shards} generate jobs x {len(s.models)} models, {shards * len(s.models)} reward jobs"
            )
        return lines


def plan_workflow(raw_config: dict, config_files: Sequence = (), announce: bool = True) -> WorkflowPlan:
    """Validated settings and the batch plan; errors name `config_files` (the files the config came from);
    with `announce`, the plan's lines on stderr."""
    source = ", ".join(map(str, config_files)) or "config"
    settings = df_config.validate(raw_config, source)
    df_config.check_model_paths(settings, source)
    _check_prepare(settings)
    batches = {}
    for name, path in settings.datasets.items():
        df_dataset.check_columns(path)
        rows = df_dataset.num_rows(path)
        if not rows:
            raise ValueError(f"{path}: dataset {name!r} has no rows")
        batches[name] = plan(rows, settings.batching.batch_size, settings.batching.batches_per_job)
    result = WorkflowPlan(settings, batches)
    if announce:
        for line in result.describe():
            print(f"difficulty-filter: {line}", file=sys.stderr)
    return result


def _check_prepare(settings: Settings) -> None:
    """Bad prepare domains, input names, or a length limit without a tokenizer model."""
    prepare = settings.prepare
    for domain, paths in prepare.inputs.items():
        for path in paths:
            output_prefix(domain, Path(path).name.removesuffix(".parquet"))
    if prepare.max_prompt_tokens is not None and prepare.tokenizer_model is None:
        raise ValueError("config: prepare.max_prompt_tokens needs prepare.tokenizer_model (a model in `models`)")
