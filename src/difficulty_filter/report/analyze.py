"""Build the per-dataset and the combined difficulty reports, print them and write their files."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import polars as pl
import pyarrow.parquet as pq
from rich.console import Console
from rich.rule import Rule

from .. import __version__
from ..adaptive.sides import Side
from ..atomic import atomic_path, write_json, write_text
from ..pass_rates.stage import idx_to_passrate
from ..results.paths import PROGRESS
from ..settings import ReportSettings, Settings
from ..stats.buckets import BUCKET_NAMES
from ..stats.pass_at_k import usable_ks
from . import plots, render
from .health import Note, flagged_rows, health_notes, notes_frame
from .inputs import read_json, read_pass_rates, read_provenance
from .passrate_map import merge_maps
from .tables import (
    LEVEL_COLUMNS,
    bucket_sampling_table,
    early_table,
    filter_table,
    known_table,
    level_table,
    model_sides,
    pair_matrix,
    pass_at_k_bounds,
    samples_table,
    with_decision,
)

log = logging.getLogger(__name__)

DATASET_LEVELS = ("dataset", "domain", "data_source")
COMBINED_LEVELS = ("all", "dataset", "domain")
ALL_DATASETS = "all datasets"
#: Flagged rows printed in the overview; all of them are in flagged.tsv.
FLAGGED_SHOWN = 30

Writer = Callable[[str | os.PathLike], None]


def pair_of(filter_models: Mapping[str, str | None], models: Sequence[str]) -> tuple[str, str] | None:
    """(low, high) models of the pass-rate matrix: the filter's when both are set and differ,
    else the two models when there are exactly two, else None."""
    low, high = filter_models.get("low"), filter_models.get("high")
    if low and high and low != high:
        return low, high
    return (models[0], models[1]) if len(models) == 2 else None


def report_pair(settings: Settings) -> tuple[str, str] | None:
    """The pair of a workflow's report (see `pair_of`)."""
    return pair_of({side: settings.filter.model_of(side) for side in ("low", "high")}, list(settings.models))


def write_tsv(path: str | os.PathLike, frame: pl.DataFrame) -> None:
    with atomic_path(path) as tmp:
        frame.write_csv(tmp, separator="\t")


def nest_levels(table: pl.DataFrame, series: str = "model") -> dict[str, dict[str, dict[str, Any]]]:
    """A level table as {level: {series value: {group: statistics with a `buckets` dict}}}."""
    nested: dict = {}
    for row in table.iter_rows(named=True):
        buckets = {b: row.pop(b) for b in BUCKET_NAMES}
        stats = {k: v for k, v in row.items() if k not in (series, "level", "group")} | {"buckets": buckets}
        nested.setdefault(row["level"], {}).setdefault(row[series], {})[row["group"]] = stats
    return nested


def _print_levels(console: Console, table: pl.DataFrame, levels: Sequence[str], series: str = "model") -> None:
    """The bucket counts of each level (std, pass@k and majority votes are in the TSV/JSON and the bucket
    table)."""
    console.print(render.BUCKET_LEGEND)
    shown = [c for c in LEVEL_COLUMNS if c != "std"]
    for level in levels:
        title = "Pass rates over all datasets" if level == "all" else f"Pass rates by {level}"
        rows = (
            table.filter(pl.col("level") == level)
            .select(series, "group", *shown, *BUCKET_NAMES)
            .rename(render.SHORT_NAMES, strict=False)
        )
        console.print(render.bucket_table(rows, title))


@dataclass
class DatasetReport:
    """Everything the report says about one dataset, for every model."""

    dataset: str
    frame: pl.DataFrame
    buckets: pl.DataFrame
    sampling: pl.DataFrame
    samples: pl.DataFrame
    filters: pl.DataFrame
    filter_summary: dict
    flagged: pl.DataFrame
    notes: list[Note]
    provenance: dict | None
    pair: tuple[str, str] | None
    matrix: pl.DataFrame | None
    known: pl.DataFrame = field(default_factory=pl.DataFrame)
    early: pl.DataFrame = field(default_factory=pl.DataFrame)
    pass_bounds: pl.DataFrame = field(default_factory=pl.DataFrame)
    version: str = __version__

    def decided_early(self) -> dict[str, dict[str, dict[str, Any]]]:
        """{model: {decided class: {prompts, samples, bucket_known, rate_low, rate_high}}} of prompts decided
        early."""
        nested: dict = {}
        for row in self.early.to_dicts():
            nested.setdefault(row.pop("model"), {})[row.pop("decided")] = row
        return nested

    def summary(self) -> dict:
        matrix = (
            None
            if self.matrix is None
            else {
                "low": self.pair[0],
                "high": self.pair[1],
                "counts": {row.pop("low_bucket"): row for row in self.matrix.to_dicts()},
            }
        )
        return {
            "dataset": self.dataset,
            "version": self.version,
            "provenance": self.provenance,
            "models": sorted(self.frame["model"].unique()),
            "levels": nest_levels(self.buckets),
            "by_bucket": {
                model: {row.pop("bucket"): row for row in rows.drop("model").to_dicts()}
                for (model,), rows in self.sampling.group_by("model", maintain_order=True)
            },
            "pair_matrix": matrix,
            "samples": self.samples.to_dicts(),
            "known": {row.pop("model"): row for row in self.known.to_dicts()},
            "decided_early": self.decided_early(),
            "pass_at_k_bounds": self.pass_bounds.to_dicts(),
            "filter": {"by_domain": self.filters.to_dicts(), "summary": self.filter_summary},
            "notes": [n.as_dict() for n in self.notes],
            "flagged_rows": self.flagged.to_dicts(),
        }

    def render(self, console: Console) -> None:
        console.print(Rule(f"Difficulty report: {self.dataset}"))
        console.print(render.mapping_table({"package version": self.version, **(self.provenance or {})}, "Provenance"))
        if not self.known.is_empty():
            console.print(
                render.frame_table(self.known, "What each model's samples say, over which prompts", render.KNOWN_LEGEND)
            )
        if not self.early.is_empty():
            console.print(
                render.frame_table(self.early, "Prompts decided early, by the filter's decision", render.EARLY_LEGEND)
            )
        _print_levels(console, self.buckets, DATASET_LEVELS)
        console.print(
            render.frame_table(
                self.sampling,
                "Pass@k and majority vote by difficulty bucket (fully sampled prompts only)",
                caption=render.SAMPLING_LEGEND,
            )
        )
        if not self.pass_bounds.is_empty():
            console.print(
                render.frame_table(
                    self.pass_bounds,
                    "Pass@k: fully sampled prompts, and its bound over every sampled prompt",
                    render.BOUNDS_LEGEND,
                )
            )
        console.print(
            render.frame_table(
                self.samples,
                "Samples drawn per model against a full run (sampling.adaptive)",
                caption=render.SAMPLES_LEGEND,
            )
        )
        if self.matrix is not None:
            counted = sum(self.matrix.drop("low_bucket").sum().row(0))
            prompts = self.frame["row_index"].n_unique()
            console.print(
                render.frame_table(
                    self.matrix,
                    f"Prompts by bucket: {self.pair[0]} (rows, low model) x {self.pair[1]} (columns, high model)",
                    caption=f"{counted} of {prompts} prompts: those whose full-n bucket is known for both models",
                )
            )
        thresholds = self.filter_summary.get("thresholds") or {}
        console.print(
            render.frame_table(
                self.filters,
                "Filter: rows before and after, dropped rows by reason",
                caption=", ".join(f"{k}={v}" for k, v in thresholds.items()),
            )
        )
        if self.notes:
            console.print(render.frame_table(notes_frame(self.notes), "Health notes"))
        else:
            console.print("Health notes: nothing looks broken.")
        if not self.flagged.is_empty():
            console.print(
                render.frame_table(
                    self.flagged.head(FLAGGED_SHOWN),
                    "Rows to check",
                    caption=f"{FLAGGED_SHOWN} of {self.flagged.height}; all in flagged.tsv"
                    if self.flagged.height > FLAGGED_SHOWN
                    else None,
                )
            )

    def artifacts(self) -> dict[str, Writer]:
        name = self.dataset
        full = self.frame.filter(pl.col("fully_sampled")) if "fully_sampled" in self.frame.columns else self.frame
        of_full = "" if full.height == self.frame.height else " (fully sampled prompts only)"
        writers: dict[str, Writer] = {
            "summary": lambda p: write_json(p, self.summary()),
            "buckets": lambda p: write_tsv(p, self.buckets),
            "sampling": lambda p: write_tsv(p, self.sampling),
            "filter": lambda p: write_tsv(p, self.filters),
            "notes": lambda p: write_tsv(p, notes_frame(self.notes)),
            "flagged": lambda p: write_tsv(p, self.flagged),
            "histogram": lambda p: plots.save_png(
                plots.pass_rate_histogram(full, f"{name}: pass rates per model and domain{of_full}"), p
            ),
            "lengths": lambda p: plots.save_png(
                plots.length_vs_pass_rate(full, f"{name}: response length vs pass rate{of_full}"), p
            ),
            "outcomes": lambda p: plots.save_png(
                plots.outcome_shares(full, f"{name}: outcome of each response{of_full}"), p
            ),
            "filter_effect": lambda p: plots.save_png(
                plots.filter_effect(self.filters, f"{name}: rows kept and dropped by the filter"), p
            ),
        }
        if self.matrix is not None:
            low, high = self.pair
            writers["matrix"] = lambda p: write_tsv(p, self.matrix)
            writers["heatmap"] = lambda p: plots.save_png(
                plots.pair_heatmap(self.matrix, low, high, f"{name}: prompts by bucket, {low} vs {high}"), p
            )
        return writers


def analyze_dataset(
    dataset: str,
    pass_rates: Mapping[str, str | os.PathLike],
    annotated: str | os.PathLike,
    filter_summary: str | os.PathLike,
    reference_check: str | os.PathLike,
    pair: Sequence[str] | None,
    report: ReportSettings,
    sides: Mapping[str, Sequence[Side]] | None = None,
    seconds: Mapping[str, float | None] | None = None,
) -> DatasetReport:
    """The report of one dataset from its per-model pass rates ({model: path}) and the filter stage's files;
    `report` is the config's report section (pass@k list, health thresholds). `sides` ({model: filter sides it
    decides}) classes the prompts adaptive sampling decided early; by default they are read from the annotated
    table and the filter summary's thresholds. `seconds` ({model: seconds of its generate jobs}) defaults to
    the generate progress records beside each pass_rates file."""
    frame = read_pass_rates({dataset: pass_rates})
    flagged = flagged_rows(frame, pl.read_parquet(reference_check), report.suspect_label)
    summary = read_json(filter_summary)
    pair = tuple(pair) if pair else None
    if sides is None:
        sides = filter_sides_of(annotated, summary.get("thresholds") or {}, list(pass_rates))
    frame = with_decision(frame, sides)
    if seconds is None:
        seconds = {model: generate_seconds(Path(path).parent / PROGRESS) for model, path in pass_rates.items()}
    ks = usable_ks(report.pass_at_k, frame["samples_target"].max())
    return DatasetReport(
        dataset=dataset,
        frame=frame,
        buckets=level_table(frame, DATASET_LEVELS, ks),
        sampling=bucket_sampling_table(frame, ks),
        samples=samples_table(frame, seconds),
        known=known_table(frame),
        early=early_table(frame),
        pass_bounds=pass_at_k_bounds(frame, ks),
        filters=filter_table(summary),
        filter_summary=summary,
        flagged=flagged,
        notes=health_notes(frame, flagged, report),
        provenance=read_provenance(annotated),
        pair=pair,
        matrix=pair_matrix(frame, *pair) if pair else None,
    )


def filter_sides_of(
    annotated: str | os.PathLike, thresholds: Mapping[str, float | None], models: Sequence[str]
) -> dict[str, tuple[Side, ...]] | None:
    """{model: the filter sides it decides}, found by matching the annotated table's `low_pass_rate` and
    `high_pass_rate` columns to its `<model>_pass_rate` columns; None when the table cannot tell."""
    try:
        names = pq.read_schema(annotated).names
        wanted = [c for c in ("low_pass_rate", "high_pass_rate", *(f"{m}_pass_rate" for m in models)) if c in names]
        table = pq.read_table(annotated, columns=wanted)
    except (OSError, ValueError) as exc:
        log.warning("cannot read the filter's sides from %s: %s", annotated, exc)
        return None
    columns = {name: table.column(name).to_pylist() for name in wanted}
    owners: dict[str, str | None] = {}
    for kind in ("low", "high"):
        side = columns.get(f"{kind}_pass_rate")
        owners[kind] = next((m for m in models if side is not None and columns.get(f"{m}_pass_rate") == side), None)
    limits = {"low": thresholds.get("low_thresh"), "high": thresholds.get("high_thresh")}
    if any(limits[kind] is not None and owners[kind] is None for kind in owners):
        return None
    return model_sides(owners, limits)


def generate_seconds(progress_dir: str | os.PathLike) -> float | None:
    """Seconds the generate jobs of one dataset x model ran (their progress records' `elapsed_s`, loading
    the model included; a rerun job's record replaces the earlier run's); None without records."""
    spent = []
    for path in sorted(Path(progress_dir).glob("generate_*.json")):
        try:
            spent.append(float(json.loads(path.read_text())["elapsed_s"]))
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return round(sum(spent), 1) if spent else None


@dataclass
class CombinedReport:
    """One model across every dataset (the original's `analyze --datasets ... --save_combined`)."""

    model: str
    frame: pl.DataFrame
    buckets: pl.DataFrame
    mapping: dict[str, float | None]
    version: str = __version__

    def summary(self) -> dict:
        return {
            "model": self.model,
            "version": self.version,
            "datasets": self.frame["dataset"].unique(maintain_order=True).to_list(),
            "keys_in_combined_map": len(self.mapping),
            "levels": {level: groups[self.model] for level, groups in nest_levels(self.buckets).items()},
        }

    def render(self, console: Console) -> None:
        console.print(Rule(f"Difficulty report: {self.model} on every dataset"))
        _print_levels(console, self.buckets, COMBINED_LEVELS)

    def artifacts(self) -> dict[str, Writer]:
        per_dataset = self.buckets.filter(pl.col("level").is_in(["dataset", "all"]))
        return {
            "summary": lambda p: write_json(p, self.summary()),
            "buckets": lambda p: write_tsv(p, self.buckets),
            "mapping": lambda p: write_json(p, self.mapping),
            "histogram": lambda p: plots.save_png(
                plots.pass_rate_histogram(self.frame, f"{self.model}: pass rates on every dataset, per domain"), p
            ),
            "bucket_shares": lambda p: plots.save_png(
                plots.bucket_shares(per_dataset, "group", f"{self.model}: difficulty buckets per dataset"), p
            ),
        }


def analyze_combined(
    model: str, pass_rates: Mapping[str, str | os.PathLike], pass_at_k: Sequence[int]
) -> CombinedReport:
    """The report of one model over every dataset ({dataset: pass_rates path}), with pass@k for the usable
    values of `pass_at_k`; the combined idx_to_passrate map keeps the later dataset's value for a key two
    datasets share (logged)."""
    frame = read_pass_rates({d: {model: p} for d, p in pass_rates.items()}).with_columns(all=pl.lit(ALL_DATASETS))
    mapping = merge_maps({d: idx_to_passrate(frame.filter(pl.col("dataset") == d)) for d in pass_rates})
    buckets = level_table(frame, COMBINED_LEVELS, usable_ks(pass_at_k, frame["samples_target"].max()))
    return CombinedReport(model=model, frame=frame, buckets=buckets, mapping=mapping)


def publish(
    report: DatasetReport | CombinedReport, outputs: Mapping[str, str | os.PathLike], echo: IO[str] | None = None
) -> None:
    """Print the report's tables to `echo` (stdout by default) and write each named output;
    `overview` is the printed tables as an HTML page."""
    console = render.recording_console(echo)
    report.render(console)
    writers = {**report.artifacts(), "overview": lambda p: write_text(p, console.export_html(clear=False))}
    unknown = sorted(set(outputs) - set(writers))
    if unknown:
        raise ValueError(f"unknown report outputs {unknown}; this report writes {sorted(writers)}")
    for name, path in outputs.items():
        writers[name](path)
