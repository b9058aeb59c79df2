"""`difficulty-filter status`: where a run stands, read from its results folder (never from Snakemake's lock).

Per dataset x model: batches generated and scored of the planned total, prompts, responses, tokens, the live
throughput and time left of running generate jobs, failed and dead jobs, and the outcome mix so far; with
sampling.adaptive, samples and tokens drawn against a full run and the generate jobs' seconds; per filtered
dataset, kept and dropped rows, prompts per difficulty bucket and, for prompts decided early, per decided
class, and where the outputs are. Safe to run on a login node while a SLURM
run writes to a shared filesystem.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

DEFAULT_CONFIG = "config/config.yaml"


def add_parser(sub, name):
    p = sub.add_parser(name, help="progress of a run (or its results) per dataset and model", description=__doc__)
    p.add_argument("results", nargs="?", help="results folder (default: results_dir of the config, else results)")
    p.add_argument(
        "--config", help=f"config of the run, for the planned totals (default: {DEFAULT_CONFIG} when it exists)"
    )
    p.add_argument("--json", action="store_true", help="print JSON (one document per refresh with --watch)")
    p.add_argument(
        "--watch",
        nargs="?",
        type=float,
        const=10.0,
        metavar="SECONDS",
        help="refresh every SECONDS (default 10) until Ctrl-C",
    )
    p.set_defaults(func=run)


def run(args) -> int:
    from rich.console import Console

    from .. import config
    from ..run_control.status import GenerationCounts, run_status

    config_path = args.config or (DEFAULT_CONFIG if Path(DEFAULT_CONFIG).exists() else None)
    settings = config.load(config_path) if config_path else None
    results = args.results or (settings.results_dir if settings else "results")
    if not Path(results).is_dir():
        print(f"difficulty-filter status: error: no results folder {results}", file=sys.stderr)
        return 1
    console, counts = Console(highlight=False), GenerationCounts()
    try:
        while True:
            status = run_status(results, settings, counts)
            if args.json:
                print(json.dumps(status.as_dict(), default=str), flush=True)
            else:
                if args.watch:
                    console.clear()
                render(console, status)
            if not args.watch:
                return 0
            time.sleep(args.watch)
    except KeyboardInterrupt:
        return 0


def _of(done: int, total: int | None) -> str:
    return f"{done}/{total}" if total is not None else f"{done}/?"


def _mix(outcomes: dict[str, int]) -> str:
    """`wrong 46%, correct 40%, no_answer 10%` (most common first)."""
    total = sum(outcomes.values())
    return ", ".join(f"{o} {n / total:.0%}" for o, n in outcomes.items())


def _jobs(pair) -> str:
    """`2 running (loading model, generating), 1 failed`."""
    phases = ", ".join(sorted({r.get("phase", "?") for r in pair.running}))
    parts = [
        f"{len(group)} {label}"
        for label, group in (("running", pair.running), ("failed", pair.failed), ("dead", pair.stale))
        if group
    ]
    if pair.running:
        parts[0] += f" ({phases})"
    return ", ".join(parts) or "-"


def _saving(pair) -> str:
    """`drew 133 of a full run's 240 samples (55%), 5.6k of ~10.1k tokens (estimated: tokens per drawn sample x
    240), 5m47s in generate jobs`."""
    from ..results.progress import compact, duration

    full = pair.samples_if_full
    share = f" ({pair.responses / full:.0%})" if full else ""
    parts = [f"drew {pair.responses} of a full run's {full} samples{share}"]
    if pair.tokens_if_full_est is not None:
        estimate = compact(pair.tokens_if_full_est)
        parts.append(f"{compact(pair.tokens)} of ~{estimate} tokens (estimated: tokens per drawn sample x {full})")
    if pair.model_seconds is not None:
        parts.append(f"{duration(pair.model_seconds)} in generate jobs")
    return ", ".join(parts)


def _rate(number: float) -> str:
    return f"{number:.4g}"


def _decided(classes: dict) -> str:
    """`too_hard 20 (rate <= 0.0625), kept 3 (rate in [0.0625, 1])`: prompts decided early whose bucket is not
    known, per class the filter gives them, with the range their full-n pass rate lies in."""
    parts = []
    for name, row in classes.items():
        count = row.get("prompts", 0) - row.get("bucket_known", 0)
        low, high = row.get("rate_low"), row.get("rate_high")
        if not count:
            continue
        if low is None or high is None:
            where = "rate unknown"
        elif name == "too_hard":
            where = f"rate <= {_rate(high)}"
        elif name == "too_easy":
            where = f"rate >= {_rate(low)}"
        else:
            where = f"rate in [{_rate(low)}, {_rate(high)}]"
        parts.append(f"{name} {count} ({where})")
    return ", ".join(parts)


def _difficulty(buckets: dict[str, int], classes: dict) -> str:
    """Prompts per bucket (those whose full-n bucket is known) and, after them, prompts decided early."""
    known = {b: n for b, n in buckets.items() if n} if classes else buckets
    parts = [", ".join(f"{b} {n}" for b, n in known.items())] if known else []
    decided = _decided(classes)
    if decided:
        parts.append(f"decided early: {decided}")
    return "; ".join(parts) or "no prompt with a known bucket"


def _job_line(state: str, record: dict) -> str:
    where = f" on {record.get('host')} pid {record.get('pid')}" if state == "dead" else ""
    error = f": {record['error']}" if record.get("error") else ""
    log = f" (log: {record['log']})" if record.get("log") else ""
    return f"{state:7} {record.get('job', '?')}{where}{error}{log}"


def render(console, status) -> None:
    """The status as a table (batches generated and scored, responses, tokens, throughput, time left, jobs), the
    outcome mix of each dataset/model, its failed and dead jobs, then what each filtered dataset gave."""
    from rich import box
    from rich.table import Table

    from ..results.progress import compact, duration

    table = Table(
        title=f"{status.results_dir} at {time.strftime('%H:%M:%S', time.localtime(status.checked_at))}",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        show_edge=False,
    )
    for column in ("dataset/model", "generated", "scored", "responses", "tokens", "tok/s", "ETA", "jobs"):
        table.add_column(
            column, justify="left" if column in ("dataset/model", "jobs") else "right", min_width=len(column)
        )
    for p in status.pairs:
        table.add_row(
            f"{p.dataset}/{p.model}",
            _of(p.generated, p.batches_total),
            _of(p.scored, p.batches_total),
            compact(p.responses),
            compact(p.tokens),
            compact(p.tokens_per_s) if p.tokens_per_s else "-",
            duration(p.eta_s) if p.eta_s is not None else ("done" if p.finished else "-"),
            _jobs(p),
        )
    console.print(table)
    for p in status.pairs:
        if p.outcomes:
            what = " (of the samples drawn; stopping early biases this mix)" if p.adaptive else ""
            console.print(f"{p.dataset}/{p.model} outcomes{what}: {_mix(p.outcomes)}", markup=False, soft_wrap=True)
        if p.adaptive and p.generated:
            console.print(f"{p.dataset}/{p.model} {_saving(p)}", markup=False, soft_wrap=True)
        for state, records in (("failed", p.failed), ("dead", p.stale)):
            for record in records:
                console.print(_job_line(state, record), markup=False, soft_wrap=True)
    for r in status.results:
        dropped = r.input_rows - r.kept_rows
        reasons = ", ".join(f"{k} {v}" for k, v in r.dropped_by_reason.items())
        lines = [
            f"{r.dataset}: {r.input_rows} rows -> {r.kept_rows} kept, {dropped} dropped"
            + (f" ({reasons})" if reasons else "")
        ]
        lines += [
            f"  {model}: {_difficulty(buckets, r.decided_early.get(model, {}))}" for model, buckets in r.buckets.items()
        ]
        lines.append(f"  filtered: {r.filtered}")
        if r.report:
            lines.append(f"  report:   {r.report} (tables, health notes; plots beside it)")
        for line in lines:
            console.print(line, markup=False, soft_wrap=True)
