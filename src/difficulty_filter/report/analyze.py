"""Build the per-dataset and the combined difficulty reports, print them and write their files."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, Any

import polars as pl
from rich.console import Console
from rich.rule import Rule

from .. import __version__
from ..atomic import atomic_path, write_json, write_text
from ..pass_rates.stage import idx_to_passrate
from ..settings import ReportSettings, Settings
from ..stats.buckets import BUCKET_NAMES
from ..stats.pass_at_k import usable_ks
from . import plots, render
from .health import Note, flagged_rows, health_notes, notes_frame
from .inputs import read_json, read_pass_rates, read_provenance
from .passrate_map import merge_maps
from .tables import STAT_COLUMNS, bucket_sampling_table, filter_table, level_table, pair_matrix, samples_table

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
    """The bucket counts of each level (pass@k and majority votes are in the TSV/JSON and the bucket table)."""
    console.print(render.BUCKET_LEGEND)
    for level in levels:
        title = "Pass rates over all datasets" if level == "all" else f"Pass rates by {level}"
        rows = table.filter(pl.col("level") == level).select(series, "group", *STAT_COLUMNS, *BUCKET_NAMES)
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
    version: str = __version__

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
            "filter": {"by_domain": self.filters.to_dicts(), "summary": self.filter_summary},
            "notes": [n.as_dict() for n in self.notes],
            "flagged_rows": self.flagged.to_dicts(),
        }

    def render(self, console: Console) -> None:
        console.print(Rule(f"Difficulty report: {self.dataset}"))
        console.print(render.mapping_table({"package version": self.version, **(self.provenance or {})}, "Provenance"))
        _print_levels(console, self.buckets, DATASET_LEVELS)
        console.print(
            render.frame_table(
                self.sampling, "Pass@k and majority vote by difficulty bucket", caption=render.SAMPLING_LEGEND
            )
        )
        console.print(
            render.frame_table(
                self.samples,
                "Samples drawn per model (sampling.adaptive)",
                caption="saved: share of the n samples per prompt not drawn; stop reasons: see docs/adaptive.md",
            )
        )
        if self.matrix is not None:
            console.print(
                render.frame_table(
                    self.matrix,
                    f"Prompts by bucket: {self.pair[0]} (rows, low model) x {self.pair[1]} (columns, high model)",
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
        writers: dict[str, Writer] = {
            "summary": lambda p: write_json(p, self.summary()),
            "buckets": lambda p: write_tsv(p, self.buckets),
            "sampling": lambda p: write_tsv(p, self.sampling),
            "filter": lambda p: write_tsv(p, self.filters),
            "notes": lambda p: write_tsv(p, notes_frame(self.notes)),
            "flagged": lambda p: write_tsv(p, self.flagged),
            "histogram": lambda p: plots.save_png(
                plots.pass_rate_histogram(self.frame, f"{name}: pass rates per model and domain"), p
            ),
            "lengths": lambda p: plots.save_png(
                plots.length_vs_pass_rate(self.frame, f"{name}: response length vs pass rate"), p
            ),
            "outcomes": lambda p: plots.save_png(
                plots.outcome_shares(self.frame, f"{name}: outcome of each response"), p
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
) -> DatasetReport:
    """The report of one dataset from its per-model pass rates ({model: path}) and the filter stage's files;
    `report` is the config's report section (pass@k list, health thresholds)."""
    frame = read_pass_rates({dataset: pass_rates})
    flagged = flagged_rows(frame, pl.read_parquet(reference_check), report.suspect_label)
    summary = read_json(filter_summary)
    pair = tuple(pair) if pair else None
    ks = usable_ks(report.pass_at_k, frame["n"].max())
    return DatasetReport(
        dataset=dataset,
        frame=frame,
        buckets=level_table(frame, DATASET_LEVELS, ks),
        sampling=bucket_sampling_table(frame, ks),
        samples=samples_table(frame),
        filters=filter_table(summary),
        filter_summary=summary,
        flagged=flagged,
        notes=health_notes(frame, flagged, report),
        provenance=read_provenance(annotated),
        pair=pair,
        matrix=pair_matrix(frame, *pair) if pair else None,
    )


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
    buckets = level_table(frame, COMBINED_LEVELS, usable_ks(pass_at_k, frame["n"].max()))
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
