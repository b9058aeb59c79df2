"""What adaptive sampling saves: `sampling.adaptive` off vs exact vs confidence.

    python benchmarks/bench_adaptive.py --simulate [--scale 1.0] [--hard-share 0.5] [--fail-cost 1.0]
    python benchmarks/bench_adaptive.py --demo [--rows 40] [--n 6] [--max-new-tokens 48] [--modes off exact confidence]

`--demo` runs the real workflow (Snakemake, vLLM, verifiers) once per mode on the first `--rows` rows of the
bundled demo dataset, in a scratch copy of the workflow, with two model entries that are both the demo model
(SmolLM2-135M on the CPU by default; `--gpus 1` for a GPU): `weak` (cost 1) decides the high side (too easy at
pass rate >= `--high`), `strong` (cost 10) the low side (too hard at <= `--low`). Per mode and model it reports
generated tokens (every sample the engine finished, from the generate jobs' progress records), samples kept
in the batch files, model-seconds (wall time of the generate jobs, Snakemake's benchmark files; on the tiny demo
mostly model load), generating seconds (the jobs' generating phase) and the wall time of the whole run; and the
kept rows, which must be the same for off and exact.

`--simulate` models the original's Guru filtering run at full size, n = 16 samples per prompt and model:
- datasets with the spec's sizes before -> after the difficulty filter (DATASETS below);
- the seed's two models: weak Qwen2.5-7B-Instruct decides the high side (too easy: pass rate >= 0.9) at
  0.09 s per prompt, strong Qwen3-30B-A3B the low side (too hard: pass rate <= 1e-5) at 12 s per prompt,
  each on an 8-GPU node (the README's dp 8 / dp 4 x tp 2), so a prompt costs 8 x seconds GPU-seconds;
- per prompt, a latent class: *impossible* (both models' success probability 0), *easy* (weak 0.96-1,
  strong at least as high) or *middle* (strong uniform in [0.1, 1], weak 0.2-0.9 times that). The spec gives
  each dataset's dropped share but not how it splits into too hard / too easy: `--hard-share` of the dropped
  prompts are impossible, the rest easy (middle prompts dropped by chance are accounted for);
- the same 16 Bernoulli outcomes per prompt and model feed every mode (a sample's result does not depend on
  how work is cut into rounds), so exact mode must reproduce the full run's decisions bit for bit;
- a sample's cost is its share of the prompt's quoted time; with `--fail-cost f` a failed sample costs f
  times a passed one (long wrong answers), normalised so the off mode matches the quoted per-prompt time.
Modes: off (16 samples, both models), exact without and with the weak-first cascade, and confidence
(exact rule + Wilson/Jeffreys interval at the given levels, with the cascade). The schedule is ideal: a
prompt's samples beyond its stopping point are never drawn (a real engine may draw a few speculatively).

Writes benchmarks/results/bench_adaptive.json (both parts when both flags are given).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from difficulty_filter.adaptive import StopRule, Tally, cascade_order
from difficulty_filter.adaptive.cascade import dropped_by, model_sides
from difficulty_filter.demo.workflow import copy_workflow, workflow_command
from difficulty_filter.filtering.decisions import decide

ROOT = Path(__file__).resolve().parents[1]

#: The spec's per-dataset sizes before -> after the difficulty filter (section 9). Math's "before" is the
#: deduplicated OR1 + DAPO pool after the answer-length filter (116,632), the size the spec gives for it.
DATASETS = {
    "math__merged_deduped": (116_632, 60_000),
    "math__patch_merged_deduped": (13_300, 9_300),
    "codegen__leetcode2k": (2_400, 1_300),
    "codegen__livecodebench": (599, 451),
    "codegen__primeintellect": (9_600, 7_600),
    "codegen__taco": (11_100, 8_900),
    "logic__zebra_puzzle": (5_700, 1_300),
    "logic__ordering_puzzle": (2_900, 1_900),
    "logic__graph_logical": (2_800, 1_200),
    "logic__barc": (3_400, 1_600),
    "logic__arcagi1": (297, 111),
    "logic__arcagi2": (653, 190),
    "simulation__codeio": (12_100, 3_800),
    "table__hitab": (7_400, 4_500),
    "table__multihier": (2_900, 1_600),
    "stem__web": (31_800, 19_300),
}
N = 16
FILTER_SIDES = {"low": ("strong", 1e-5), "high": ("weak", 0.9)}
SECONDS_PER_PROMPT = {"weak": 0.09, "strong": 12.0}
GPUS = 8


@dataclass(frozen=True)
class Prompts:
    dataset: np.ndarray  # dataset name per prompt
    outcomes: dict[str, np.ndarray]  # model -> (prompts, N) bool, sample j of each prompt


def simulate_prompts(scale: float, hard_share: float, rng: np.random.Generator) -> Prompts:
    names, weak_p, strong_p = [], [], []
    for name, (before, after) in DATASETS.items():
        size = max(1, round(before * scale))
        dropped = 1.0 - after / before
        strong_mid = rng.uniform(0.1, 1.0, size)
        weak_mid = strong_mid * rng.uniform(0.2, 0.9, size)
        weak_easy = rng.uniform(0.96, 1.0, size)
        # expected dropped share of each class: impossible 1, easy and middle by the binomial tails
        mid_dropped = float(np.mean(1 - (1 - (1 - strong_mid) ** N) * (1 - _p_at_least(weak_mid, 15))))
        easy_dropped = float(np.mean(_p_at_least(weak_easy, 15)))
        extreme = (dropped - mid_dropped) / (hard_share + (1 - hard_share) * easy_dropped - mid_dropped)
        extreme = min(1.0, max(0.0, extreme))
        kind = rng.choice(3, size, p=[extreme * hard_share, extreme * (1 - hard_share), 1 - extreme])
        weak = np.select([kind == 0, kind == 1], [0.0, weak_easy], weak_mid)
        strong = np.select([kind == 0, kind == 1], [0.0, rng.uniform(weak_easy, 1.0)], strong_mid)
        names += [name] * size
        weak_p.append(weak)
        strong_p.append(strong)
    outcomes = {
        m: rng.random((len(names), N)) < np.concatenate(p)[:, None] for m, p in (("weak", weak_p), ("strong", strong_p))
    }
    return Prompts(np.array(names), outcomes)


def _p_at_least(p: np.ndarray, k: int) -> np.ndarray:
    from math import comb

    return sum(comb(N, j) * p**j * (1 - p) ** (N - j) for j in range(k, N + 1))


def stop_table(rule: StopRule) -> np.ndarray:
    """stop[m, k]: whether the rule stops after m samples with k passes (always at m = N)."""
    table = np.ones((N + 1, N + 1), dtype=bool)
    for m in range(N):
        for k in range(m + 1):
            table[m, k] = rule.verdict(Tally(N, m, k))[0] is not None
    return table


def drawn_until_stop(outcomes: np.ndarray, rule: StopRule) -> np.ndarray:
    """Samples each prompt draws before the rule stops it (prefixes of the same outcomes)."""
    passes = np.concatenate([np.zeros((len(outcomes), 1), int), np.cumsum(outcomes, axis=1)], axis=1)
    stops = stop_table(rule)[np.arange(N + 1)[None, :], passes]
    return np.argmax(stops, axis=1)


def run_mode(
    prompts: Prompts, mode: str, cascade: bool, interval: str = "wilson", level: float = 0.95, fail_cost: float = 1.0
) -> dict:
    """Samples, GPU-hours and the filter's keep decision per prompt for one mode."""
    order = cascade_order(FILTER_SIDES, SECONDS_PER_PROMPT) if cascade else ["weak", "strong"]
    skip = np.zeros(len(prompts.dataset), dtype=bool)
    rates, drawn_by_model, gpu_hours = {}, {}, {}
    for model in order:
        outcomes = prompts.outcomes[model]
        sides = model_sides(FILTER_SIDES, model)
        drawn = drawn_until_stop(outcomes, StopRule(sides, mode, interval, level))
        drawn = np.where(skip, 0, drawn)
        used = np.arange(N)[None, :] < drawn[:, None]
        passes = (outcomes & used).sum(axis=1)
        rates[model] = [None if d == 0 else p / d for p, d in zip(passes.tolist(), drawn.tolist())]
        weights = np.where(outcomes, 1.0, fail_cost)
        unit = SECONDS_PER_PROMPT[model] * len(outcomes) / weights.sum()  # off mode = quoted seconds/prompt
        gpu_hours[model] = float((weights * used).sum() * unit * GPUS / 3600)
        drawn_by_model[model] = int(drawn.sum())
        if cascade:
            skip |= np.array(dropped_by(rates[model], sides))
    reasons = decide(rates["strong"], rates["weak"], FILTER_SIDES["low"][1], FILTER_SIDES["high"][1])
    return {"keep": np.array([r is None for r in reasons]), "samples": drawn_by_model, "gpu_hours": gpu_hours}


def simulate(
    scale: float, hard_share: float, fail_cost: float, confidence: list[tuple[str, float]], seed: int = 0
) -> dict:
    prompts = simulate_prompts(scale, hard_share, np.random.default_rng(seed))
    modes = {
        "off": ("off", False, "wilson", 0.95),
        "exact_no_cascade": ("exact", False, "wilson", 0.95),
        "exact": ("exact", True, "wilson", 0.95),
    }
    modes |= {f"confidence_{iv}_{lv:g}": ("confidence", True, iv, lv) for iv, lv in confidence}
    runs = {name: run_mode(prompts, *args, fail_cost=fail_cost) for name, args in modes.items()}
    full = runs["off"]["keep"]
    report = {}
    for name, run in runs.items():
        total = sum(run["gpu_hours"].values())
        report[name] = {
            "gpu_hours": round(total, 1),
            "gpu_hours_by_model": {m: round(h, 1) for m, h in run["gpu_hours"].items()},
            "share_of_off": round(total / sum(runs["off"]["gpu_hours"].values()), 4),
            "samples_by_model": run["samples"],
            "kept": int(run["keep"].sum()),
            "decisions_differing_from_full": int((run["keep"] != full).sum()),
            "disagreement_rate": round(float((run["keep"] != full).mean()), 5),
        }
    kept = {
        d: {
            "before": int((prompts.dataset == d).sum()),
            "after": int(full[prompts.dataset == d].sum()),
            "spec_after_scaled": round(after * scale),
        }
        for d, (_, after) in DATASETS.items()
    }
    return {
        "prompts": len(full),
        "n": N,
        "hard_share": hard_share,
        "fail_cost": fail_cost,
        "full_run_kept_per_dataset": kept,
        "modes": report,
    }


def demo_config(mode: str, args) -> dict:
    model = {
        "path": str(args.model_dir),
        "dtype": "float32" if not args.gpus else "auto",
        "max_model_len": 1024,
        "gpus_per_job": args.gpus,
        "gpu_memory_utilization": 0.3 if not args.gpus else 0.4,
        "enforce_eager": not args.gpus,
    }
    return {
        "results_dir": "results",
        "datasets": {"demo": "data/demo.parquet"},
        "models": {"weak": {**model, "cost": 1.0}, "strong": {**model, "cost": 10.0}},
        "sampling": {
            "n": args.n,
            "temperature": 0.8,
            "top_p": 0.9,
            "top_k": 50,
            "max_new_tokens": args.max_new_tokens,
            "seed": 1234,
            "adaptive": mode,
        },
        "prompts": {"max_prompt_length": 512},
        "batching": {"batch_size": 8, "batches_per_job": 8},
        "reward": {"workers": 2, "timeout": 20},
        "filter": {
            "low": {"model": "strong", "threshold": args.low},
            "high": {"model": "weak", "threshold": args.high},
        },
    }


def run_demo_mode(mode: str, args, scratch: Path) -> dict:
    """One full workflow run; its costs per model and its filter decisions."""
    work = copy_workflow(ROOT, scratch / mode, demo_config(mode, args))
    (work / "data").mkdir(exist_ok=True)
    pl.read_parquet(ROOT / "data" / "demo.parquet").head(args.rows).write_parquet(work / "data" / "demo.parquet")
    started = time.monotonic()
    run = subprocess.run(
        workflow_command(work, "--cores", str(args.cores), resumable=False), capture_output=True, text=True
    )
    wall = time.monotonic() - started
    if run.returncode:
        sys.exit(f"{mode}: snakemake failed:\n{run.stderr[-4000:]}")
    results = work / "results" / "demo"
    models = {}
    for model in ("weak", "strong"):
        records = [json.loads(p.read_text()) for p in (results / model / "progress").glob("generate_*.json")]
        seconds = [
            pl.read_csv(p, separator="\t")["s"].sum()
            for p in (work / "benchmarks" / "runs" / "generate" / "demo" / model).glob("*.tsv")
        ]
        rates = pl.read_parquet(results / model / "pass_rates.parquet")
        generating = sum(r["tokens"] / r["tokens_per_s"] for r in records if r["tokens_per_s"])
        models[model] = {
            "generated_tokens": sum(r["tokens"] for r in records),
            "model_seconds": round(sum(seconds), 1),
            "generating_seconds": round(generating, 1),
            "samples": int(rates["n"].sum()),
            "prompts_sampled": int((rates["n"] > 0).sum()),
            "stop_reasons": dict(rates["stop_reason"].value_counts().iter_rows()),
        }
    decisions = pl.read_parquet(results / "filter_decisions.parquet")
    return {
        "wall_seconds": round(wall, 1),
        "models": models,
        "generated_tokens": sum(m["generated_tokens"] for m in models.values()),
        "model_seconds": round(sum(m["model_seconds"] for m in models.values()), 1),
        "generating_seconds": round(sum(m["generating_seconds"] for m in models.values()), 1),
        "kept_rows": decisions.filter(pl.col("kept"))["row_index"].to_list(),
        "dropped_by_reason": dict(decisions["filter_reason"].drop_nulls().value_counts().iter_rows()),
    }


def demo(args) -> dict:
    if not (args.model_dir / "config.json").exists():
        sys.exit(f"{args.model_dir}: no model; build the demo model first (make demo, or snakemake materialize_model)")
    with tempfile.TemporaryDirectory(prefix="bench_adaptive_") as scratch:
        runs = {mode: run_demo_mode(mode, args, Path(scratch)) for mode in args.modes}
    base = runs.get("off")
    for run in runs.values():
        if base:
            run["same_kept_rows_as_off"] = run["kept_rows"] == base["kept_rows"]
            run["tokens_share_of_off"] = round(run["generated_tokens"] / max(1, base["generated_tokens"]), 4)
            run["model_seconds_share_of_off"] = round(run["model_seconds"] / max(1e-9, base["model_seconds"]), 4)
            run["generating_seconds_share_of_off"] = round(
                run["generating_seconds"] / max(1e-9, base["generating_seconds"]), 4
            )
    return {
        "rows": args.rows,
        "n": args.n,
        "max_new_tokens": args.max_new_tokens,
        "gpus": args.gpus,
        "thresholds": {"low": args.low, "high": args.high},
        "modes": runs,
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--simulate", action="store_true", help="Guru-scale simulation (see above)")
    p.add_argument("--scale", type=float, default=1.0, help="fraction of each dataset's size to simulate")
    p.add_argument("--hard-share", type=float, default=0.5, help="share of dropped prompts that are too hard")
    p.add_argument("--fail-cost", type=float, default=1.0, help="cost of a failed sample relative to a pass")
    p.add_argument(
        "--confidence",
        default="wilson:0.95,jeffreys:0.95,wilson:0.8",
        help="interval:level pairs for the confidence modes",
    )
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--demo", action="store_true", help="real workflow runs on the demo dataset (see above)")
    p.add_argument("--rows", type=int, default=40)
    p.add_argument("--n", type=int, default=6)
    p.add_argument("--max-new-tokens", type=int, default=48)
    p.add_argument("--low", type=float, default=0.0, help="too hard: strong pass rate <= this")
    p.add_argument("--high", type=float, default=0.9, help="too easy: weak pass rate >= this")
    p.add_argument("--modes", nargs="+", default=["off", "exact", "confidence"])
    p.add_argument("--gpus", type=int, default=0, help="gpus_per_job of both models (0 = CPU)")
    p.add_argument("--cores", type=int, default=2)
    p.add_argument("--model-dir", type=Path, default=ROOT / "resources" / "models" / "SmolLM2-135M-Instruct")
    p.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "bench_adaptive.json")
    args = p.parse_args()
    if not (args.simulate or args.demo):
        p.error("choose --simulate and/or --demo")
    result = {}
    if args.simulate:
        confidence = [(iv, float(lv)) for iv, lv in (item.split(":") for item in args.confidence.split(","))]
        result["simulation"] = simulate(args.scale, args.hard_share, args.fail_cost, confidence, args.seed)
        for name, row in result["simulation"]["modes"].items():
            print(
                f"{name:28s} {row['gpu_hours']:10.1f} GPU-h  {row['share_of_off']:7.2%} of off  "
                f"kept {row['kept']}  differing decisions {row['decisions_differing_from_full']}"
            )
    if args.demo:
        result["demo"] = demo(args)
        for mode, run in result["demo"]["modes"].items():
            print(
                f"demo {mode:11s} {run['generated_tokens']:7d} tokens  {run['model_seconds']:7.1f} model-s "
                f"({run['generating_seconds']:.1f} s generating)  "
                f"{run['wall_seconds']:7.1f} s wall  kept {len(run['kept_rows'])}  "
                f"same kept rows as off: {run.get('same_kept_rows_as_off')}"
            )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    if args.simulate and result["simulation"]["modes"]["exact"]["decisions_differing_from_full"]:
        sys.exit("exact mode changed a decision")
    if args.demo and result["demo"]["modes"].get("exact", {}).get("same_kept_rows_as_off") is False:
        sys.exit("exact mode kept other rows than off on the demo")


if __name__ == "__main__":
    main()
