"""Where a run stands, from the files of its results folder only (safe on a login node while SLURM runs it).

Per dataset x model: batches generated and scored out of the planned total, prompts, responses, tokens, the
live throughput and time left of the running generate jobs (their progress records), failed and dead jobs, and
the outcome mix of the scored batches (read from Parquet footers). With adaptive sampling also what was saved:
samples and tokens drawn against a full run's (n x prompts; its tokens estimated from the mean tokens per drawn
sample) and the seconds of the generate jobs. Per dataset, once filtered: kept and dropped rows, prompts per
difficulty bucket and, for prompts decided early, per decided class, and where the outputs are. Nothing here
takes Snakemake's lock or writes a file.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow.parquet as pq

from .. import dataset
from ..atomic import read_metadata
from ..results import batches
from ..results.paths import BATCH_GLOB, GENERATIONS, PROGRESS, REWARDS, Layout
from ..results.progress import FAILED, RUNNING, is_stale
from ..scoring.batch_file import OUTCOME_COUNTS_KEY

if TYPE_CHECKING:
    from ..settings import Settings

GENERATE = "generate"
#: State shown for a `running` record whose job is gone.
STALE = "stale"


@dataclass
class PairStatus:
    """One dataset x model. `batches_total`/`rows_total` are None when no config gives the plan."""

    dataset: str
    model: str
    batches_total: int | None = None
    rows_total: int | None = None
    generated: int = 0
    scored: int = 0
    prompts: int = 0
    responses: int = 0
    tokens: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    running: list[dict] = field(default_factory=list)
    failed: list[dict] = field(default_factory=list)
    stale: list[dict] = field(default_factory=list)
    tokens_per_s: float | None = None
    eta_s: float | None = None
    #: Samples n per prompt would have drawn, from the adaptive records of the batches (None without them).
    samples_if_full: int | None = None
    #: Seconds the generate jobs ran, model loads included (their progress records; a rerun replaces a record).
    model_seconds: float | None = None

    @property
    def finished(self) -> bool:
        return self.batches_total is not None and self.scored >= self.batches_total

    @property
    def adaptive(self) -> bool:
        return self.samples_if_full is not None

    @property
    def tokens_if_full_est(self) -> int | None:
        """An estimate of a full run's generated tokens: mean tokens per drawn sample x samples_if_full."""
        if self.samples_if_full is None or not self.responses:
            return None
        return round(self.tokens / self.responses * self.samples_if_full)


@dataclass
class DatasetResult:
    """A filtered dataset: row counts, prompts per difficulty bucket and model (once reported), and the paths a
    user wants next."""

    dataset: str
    input_rows: int
    kept_rows: int
    dropped_by_reason: dict[str, int]
    filtered: str
    report: str | None
    buckets: dict[str, dict[str, int]]
    #: {model: {decided class: {prompts, samples, bucket_known, rate_low, rate_high}}}: prompts adaptive sampling
    #: decided early (the report's summary.json `decided_early`).
    decided_early: dict[str, dict[str, dict]] = field(default_factory=dict)


@dataclass
class RunStatus:
    results_dir: str
    checked_at: float
    pairs: list[PairStatus]
    results: list[DatasetResult]

    def as_dict(self) -> dict[str, Any]:
        return {
            "results_dir": self.results_dir,
            "checked_at": self.checked_at,
            "pairs": [
                vars(p) | {"finished": p.finished, "tokens_if_full_est": p.tokens_if_full_est} for p in self.pairs
            ],
            "results": [vars(r) for r in self.results],
        }


class GenerationCounts:
    """Prompts, responses and tokens of generation batch files, and with adaptive records the samples a full
    run draws (None without), cached by (size, mtime) for `--watch`."""

    def __init__(self):
        self._seen: dict[Path, tuple[tuple[int, int], tuple[int, int, int, int | None]]] = {}

    def of(self, path: Path) -> tuple[int, int, int, int | None]:
        stat = path.stat()
        key = (stat.st_size, stat.st_mtime_ns)
        cached = self._seen.get(path)
        if cached is None or cached[0] != key:
            adaptive = "samples_target" in pq.read_schema(path).names
            columns = ["row_index", "sample_index", "response_tokens"] + (["samples_target"] if adaptive else [])
            table = pq.read_table(path, columns=columns)
            sampled = table.filter(table["sample_index"].to_numpy() >= 0)
            targets = dict(zip(table["row_index"].to_pylist(), table["samples_target"].to_pylist())) if adaptive else {}
            counts = (
                len(set(table["row_index"].to_pylist())),
                sampled.num_rows,
                int(sum(sampled["response_tokens"].to_pylist())),
                sum(t or 0 for t in targets.values()) if adaptive else None,
            )
            self._seen[path] = cached = (key, counts)
        return cached[1]


def _planned(settings: Settings | None) -> dict[str, tuple[int, int]]:
    """dataset -> (batches holding rows, rows), from the config's datasets (Parquet footers only)."""
    if settings is None:
        return {}
    planned = {}
    for name, path in settings.datasets.items():
        rows = dataset.num_rows(path)
        plan = batches.plan(rows, settings.batching.batch_size, settings.batching.batches_per_job)
        planned[name] = (sum(not b.is_placeholder for b in plan), rows)
    return planned


def _pairs(results: Path, settings: Settings | None) -> list[tuple[str, str]]:
    """Dataset x model pairs: the config's, else every folder holding batches or progress records."""
    if settings is not None:
        return [(d, m) for d in settings.datasets for m in settings.models]
    found = {
        (p.parent.parent.name, p.parent.name)
        for sub in (GENERATIONS, REWARDS, PROGRESS)
        for p in results.glob(f"*/*/{sub}")
    }
    return sorted((d, m) for d, m in found)


def _records(folder: Path) -> Iterable[dict]:
    for path in sorted(folder.glob("*.json")):
        try:
            yield json.loads(path.read_text())
        except (OSError, ValueError):  # being replaced right now, or not ours
            continue


def pair_status(
    results: Path, name: str, model: str, planned: tuple[int, int] | None, counts: GenerationCounts, now: float
) -> PairStatus:
    status = PairStatus(name, model, *(planned or (None, None)))
    layout = Layout(str(results))
    adaptive, samples_if_full = False, 0
    for path in sorted(Path(layout.generations_dir(name, model)).glob(BATCH_GLOB)):
        prompts, responses, tokens, if_full = counts.of(path)
        if prompts:  # zero-row files are the placeholders past the end of the data
            status.generated += 1
            adaptive = adaptive or if_full is not None
            samples_if_full += responses if if_full is None else if_full
            status.prompts, status.responses, status.tokens = (
                status.prompts + prompts,
                status.responses + responses,
                status.tokens + tokens,
            )
    status.samples_if_full = samples_if_full if adaptive else None
    outcomes: Counter = Counter()
    for path in sorted(Path(layout.rewards_dir(name, model)).glob(BATCH_GLOB)):
        batch = read_metadata(path, OUTCOME_COUNTS_KEY) or {}
        if batch:
            status.scored += 1
            outcomes.update(batch)
    status.outcomes = dict(outcomes.most_common())
    generate_prompts, prompt_rate, token_rate, seconds = 0, 0.0, 0.0, []
    for record in _records(Path(layout.progress_dir(name, model))):
        state = STALE if is_stale(record, now) else record.get("state")
        {STALE: status.stale, FAILED: status.failed, RUNNING: status.running}.get(state, []).append(record)
        if record.get("kind") == GENERATE:
            generate_prompts += record.get("prompts", 0)
            if isinstance(record.get("elapsed_s"), int | float):
                seconds.append(record["elapsed_s"])
            if state == RUNNING:
                prompt_rate += record.get("prompts_per_s") or 0.0
                token_rate += record.get("tokens_per_s") or 0.0
    if seconds:
        status.model_seconds = round(sum(seconds), 1)
    if token_rate:
        status.tokens_per_s = round(token_rate, 2)
    if status.rows_total is not None and prompt_rate > 0:
        left = status.rows_total - max(status.prompts, generate_prompts)
        status.eta_s = round(max(left, 0) / prompt_rate, 1)
    return status


def dataset_result(results: Path, name: str) -> DatasetResult | None:
    """The filter's outcome for `name`, once its filter_summary.json exists."""
    layout = Layout(str(results))
    try:
        summary = json.loads(Path(layout.filter_summary(name)).read_text())
    except (OSError, ValueError):
        return None
    report = Path(layout.report(name))
    try:
        reported = json.loads((report / "summary.json").read_text())
        levels = reported["levels"]["dataset"]
        buckets = {model: groups[name]["buckets"] for model, groups in levels.items()}
        early = reported.get("decided_early") or {}
    except (OSError, ValueError, KeyError):
        buckets, early = {}, {}
    overview = report / "overview.html"
    return DatasetResult(
        name,
        summary["input_rows"],
        summary["kept_rows"],
        {k: v for k, v in summary["dropped_by_reason"].items() if v},
        layout.filtered(name),
        str(overview) if overview.exists() else None,
        buckets,
        early,
    )


def run_status(
    results_dir: str | Path,
    settings: Settings | None = None,
    counts: GenerationCounts | None = None,
    now: float | None = None,
) -> RunStatus:
    """The status of every dataset x model under `results_dir`; with `settings`, against the planned totals."""
    results, now = Path(results_dir), time.time() if now is None else now
    planned, counts = _planned(settings), counts or GenerationCounts()
    pairs = [pair_status(results, d, m, planned.get(d), counts, now) for d, m in _pairs(results, settings)]
    datasets = dict.fromkeys(p.dataset for p in pairs)
    found = [dataset_result(results, d) for d in datasets]
    return RunStatus(str(results), now, pairs, [r for r in found if r is not None])
