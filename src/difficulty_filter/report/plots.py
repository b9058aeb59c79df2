"""PNG figures of the difficulty report (matplotlib's object API: no pyplot state, no display needed)."""

from __future__ import annotations

import math
import os
from collections.abc import Sequence

import numpy as np
import polars as pl
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ..atomic import atomic_path
from ..outcomes import OUTCOMES
from ..stats.buckets import BUCKET_NAMES

BUCKET_COLORS = dict(zip(BUCKET_NAMES, colormaps["RdYlGn"](np.linspace(0.05, 0.95, len(BUCKET_NAMES)))))
OUTCOME_COLORS = dict(
    zip(OUTCOMES, ("#2ca02c", "#d62728", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22"))
)
REASON_COLORS = ("#d62728", "#1f77b4", "#7f7f7f", "#8c564b", "#9467bd", "#e377c2")
KEPT_COLOR = "#2ca02c"
DPI = 110


def save_png(figure: Figure, path: str | os.PathLike) -> None:
    """Write `figure` as PNG atomically."""
    with atomic_path(path) as tmp:
        figure.savefig(tmp, format="png", dpi=DPI)


def _grid(count: int, title: str, panel_size=(4.6, 3.2), max_cols: int = 3) -> tuple[Figure, list[Axes]]:
    """A figure with `count` panels in rows of at most `max_cols`; unused panels are hidden
    (with no panels at all, one says "no data")."""
    cols = max(1, min(max_cols, count))
    rows = max(1, math.ceil(count / cols))
    figure = Figure(figsize=(panel_size[0] * cols, panel_size[1] * rows + 0.6), layout="constrained")
    axes = list(figure.subplots(rows, cols, squeeze=False).ravel())
    for ax in axes[count:]:
        ax.set_visible(False)
    if count == 0:
        axes[0].set_visible(True)
        axes[0].set_axis_off()
        _no_data(axes[0])
    figure.suptitle(title, fontsize=13)
    return figure, axes[:count]


def _no_data(ax: Axes) -> None:
    ax.text(0.5, 0.5, "no data", ha="center", va="center", transform=ax.transAxes, color="gray")


def _rate_bins(frame: pl.DataFrame) -> np.ndarray:
    """One bin per possible pass rate k/n when every prompt has the same small n, else 20 even bins."""
    samples = frame["n"].drop_nulls().unique().to_list() if "n" in frame.columns else []
    if len(samples) == 1 and 1 <= samples[0] <= 64:
        n = samples[0]
        return (np.arange(n + 2) - 0.5) / n
    return np.linspace(0, 1, 21)


def pass_rate_histogram(frame: pl.DataFrame, title: str, series: str = "model", panel: str = "domain") -> Figure:
    """Pass-rate histograms: one panel for all prompts and one per `panel` value, one bar colour per `series`."""
    groups = ["all"] + sorted(frame[panel].drop_nulls().unique().to_list())
    names = sorted(frame[series].unique().to_list())
    bins = _rate_bins(frame)
    figure, axes = _grid(len(groups), title)
    for ax, group in zip(axes, groups):
        rows = frame if group == "all" else frame.filter(pl.col(panel) == group)
        values = [rows.filter(pl.col(series) == name)["pass_rate"].drop_nulls().to_numpy() for name in names]
        prompts = max((len(v) for v in values), default=0)
        ax.set_title(f"{group} ({prompts:,} prompts)", fontsize=10)
        ax.set_xlabel("pass rate")
        ax.set_ylabel("prompts")
        ax.set_xlim(-0.05, 1.05)
        if prompts == 0:
            _no_data(ax)
            continue
        ax.hist(values, bins=bins, label=names, color=[f"C{i}" for i in range(len(names))])
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    if len(names) > 1:
        figure.legend(
            *axes[0].get_legend_handles_labels(), loc="outside lower center", ncols=min(len(names), 4), title=series
        )
    return figure


def pair_heatmap(matrix: pl.DataFrame, low: str, high: str, title: str) -> Figure:
    """Counts of prompts by the low model's bucket (rows) and the high model's bucket (columns)."""
    counts = matrix.select(BUCKET_NAMES).to_numpy()
    figure = Figure(figsize=(8.2, 6.6), layout="constrained")
    ax = figure.subplots()
    image = ax.imshow(counts, cmap="Blues", aspect="auto")
    ax.set_xticks(range(len(BUCKET_NAMES)), BUCKET_NAMES, rotation=30, ha="right")
    ax.set_yticks(range(len(BUCKET_NAMES)), BUCKET_NAMES)
    ax.set_xlabel(f"bucket for {high} (high model)")
    ax.set_ylabel(f"bucket for {low} (low model)")
    ax.set_title(title, fontsize=13)
    threshold = counts.max() / 2 if counts.size else 0
    for (i, j), value in np.ndenumerate(counts):
        ax.text(
            j, i, f"{value:,}", ha="center", va="center", fontsize=9, color="white" if value > threshold else "black"
        )
    figure.colorbar(image, ax=ax, label="prompts")
    return figure


def length_vs_pass_rate(frame: pl.DataFrame, title: str) -> Figure:
    """Mean response length against pass rate, one panel per model, with the median length per pass-rate bin."""
    models = sorted(frame["model"].unique().to_list())
    bins = _rate_bins(frame)
    figure, axes = _grid(len(models), title)
    rng = np.random.default_rng(0)
    for ax, model in zip(axes, models):
        rows = frame.filter(pl.col("model") == model).drop_nulls(["pass_rate", "mean_response_tokens"])
        ax.set_title(model, fontsize=10)
        ax.set_xlabel("pass rate")
        ax.set_ylabel("mean response tokens")
        ax.set_xlim(-0.05, 1.05)
        if rows.is_empty():
            _no_data(ax)
            continue
        rate = rows["pass_rate"].to_numpy()
        tokens = rows["mean_response_tokens"].to_numpy()
        jitter = rng.uniform(-0.01, 0.01, len(rate))
        ax.scatter(rate + jitter, tokens, s=6, alpha=0.3, color="C0", linewidths=0, label="prompt")
        which = np.clip(np.digitize(rate, bins) - 1, 0, len(bins) - 2)
        centres = [(bins[i] + bins[i + 1]) / 2 for i in np.unique(which)]
        medians = [np.median(tokens[which == i]) for i in np.unique(which)]
        ax.plot(np.clip(centres, 0, 1), medians, color="C3", marker="o", markersize=3, label="median")
        ax.legend(loc="upper right", fontsize=8)
    return figure


def _stacked_bars(
    figure: Figure, ax: Axes, labels: Sequence[str], segments: dict[str, np.ndarray], colors: Sequence, legend_cols: int
) -> None:
    """Horizontal stacked bars, first label on top, with the segment legend below the axes."""
    if not len(labels):
        _no_data(ax)
        return
    left = np.zeros(len(labels))
    y = np.arange(len(labels))
    for (name, values), color in zip(segments.items(), colors):
        ax.barh(y, values, left=left, color=color, label=name, height=0.7)
        left += values
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    figure.legend(loc="outside lower center", ncols=legend_cols, fontsize=9)


def _bar_figure(rows: int, title: str) -> tuple[Figure, Axes]:
    figure = Figure(figsize=(10, 1.6 + 0.38 * max(rows, 1)), layout="constrained")
    ax = figure.subplots()
    ax.set_title(title, fontsize=13)
    return figure, ax


def outcome_shares(frame: pl.DataFrame, title: str) -> Figure:
    """Share of responses per outcome, one bar per model overall and per model and domain."""
    outcomes = [o for o in OUTCOMES if f"n_{o}" in frame.columns]
    sums = {o: pl.col(f"n_{o}").fill_null(0).sum() for o in outcomes}
    overall = frame.group_by("model").agg(**sums).with_columns(domain=pl.lit("all"))
    per_domain = frame.group_by("model", "domain").agg(**sums)
    table = (
        pl.concat([overall.select(per_domain.columns), per_domain])
        .with_columns(order=pl.col("domain") != "all")
        .sort("model", "order", "domain")
    )
    totals = table.select(pl.sum_horizontal(outcomes)).to_series().to_numpy().astype(float)
    shares = {o: np.divide(table[o].to_numpy(), totals, out=np.zeros(len(totals)), where=totals > 0) for o in outcomes}
    figure, ax = _bar_figure(len(table), title)
    labels = [f"{m} · {d}" for m, d in zip(table["model"], table["domain"])]
    _stacked_bars(figure, ax, labels, shares, [OUTCOME_COLORS[o] for o in outcomes], legend_cols=4)
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter("{x:.0%}")
    ax.set_xlabel("share of responses")
    return figure


def bucket_shares(table: pl.DataFrame, label: str, title: str) -> Figure:
    """Share of prompts per bucket, one bar per row of a bucket table (labelled by its `label` column)."""
    totals = table["total"].to_numpy().astype(float)
    shares = {
        b: np.divide(table[b].to_numpy(), totals, out=np.zeros(len(totals)), where=totals > 0) for b in BUCKET_NAMES
    }
    figure, ax = _bar_figure(len(table), title)
    labels = [f"{name} ({total:,})" for name, total in zip(table[label], table["total"])]
    _stacked_bars(figure, ax, labels, shares, [BUCKET_COLORS[b] for b in BUCKET_NAMES], legend_cols=7)
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter("{x:.0%}")
    ax.set_xlabel("share of prompts (total in brackets)")
    return figure


def filter_effect(table: pl.DataFrame, title: str) -> Figure:
    """Rows per domain before the filter, split into kept rows and dropped rows by reason."""
    domains = table.filter(pl.col("domain") != "all")
    reasons = [c for c in domains.columns if c not in ("domain", "before", "kept", "dropped")]
    segments = {"kept": domains["kept"].to_numpy()} | {r: domains[r].to_numpy() for r in reasons}
    other = domains["dropped"].to_numpy() - sum((domains[r].to_numpy() for r in reasons), np.zeros(len(domains)))
    if other.any():
        segments["dropped (no reason)"] = other
    figure, ax = _bar_figure(len(domains), title)
    _stacked_bars(
        figure,
        ax,
        domains["domain"].to_list(),
        segments,
        [KEPT_COLOR, *REASON_COLORS],
        legend_cols=min(len(segments), 6),
    )
    for y, (before, kept) in enumerate(zip(domains["before"], domains["kept"])):
        ax.text(before, y, f"  {before:,} → {kept:,}", va="center", fontsize=9)
    ax.set_xlim(0, max(domains["before"].max() or 1, 1) * 1.25)
    ax.set_xlabel("rows (before → after the filter)")
    return figure
