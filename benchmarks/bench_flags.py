"""Precision and recall of the `suspect_label` health flag on prompts with planted wrong labels.

    python benchmarks/bench_flags.py [--prompts 4000] [--planted-share 0.05] [--seed 0] [--out PATH]

Simulated reward batches go through the real per-prompt statistics (`stats.pass_rates.per_prompt`) and the
real flag (`report.health.suspect_labels` with the config's default `report.suspect_label`). Per prompt:
- a latent difficulty z ~ N(0, 1.5); a model of ability a answers correctly with probability sigmoid(a - z);
- a wrong sample has no answer with probability 0.15, else gives the prompt's *attractor* (a misconception
  every model shares) with probability q ~ Beta(1, 2) per prompt, else one of 50 scattered answers;
- `--planted-share` of the prompts get a wrong label: nobody produces it, so every sample is graded wrong
  and the models' right answers become their "wrong answer".
Right labels on hard prompts with a strong attractor are the false positives a flag must resist.

Scenarios: two models (weak a=-0.5, strong a=1.5) and one model (a=1.0) with n=16 samples, and the demo's
setting (one 135M-like model, a=-1.5, n=6). The previous rule (every model fails and the pooled most common
wrong answers hold at least half of all responses) is measured on the same data for comparison.

Writes benchmarks/results/bench_flags.json and prints a table.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import polars as pl

from difficulty_filter.atomic import write_json
from difficulty_filter.config import section
from difficulty_filter.pass_rates.stage import per_prompt
from difficulty_filter.report.health import suspect_labels

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = {
    "two models, n=16": ({"weak": -0.5, "strong": 1.5}, 16),
    "one model, n=16": ({"model": 1.0}, 16),
    "demo-like: one 135M model, n=6": ({"smollm2": -1.5}, 6),
}
NO_ANSWER_SHARE = 0.15
SCATTERED_ANSWERS = 50


def simulate(
    prompts: int, planted_share: float, models: dict[str, float], n: int, rng: np.random.Generator
) -> tuple[pl.DataFrame, set[int]]:
    """Per-prompt statistics of every model (the report's input frame) and the planted rows."""
    difficulty = rng.normal(0.0, 1.5, prompts)
    attraction = rng.beta(1.0, 2.0, prompts)
    planted = set(np.flatnonzero(rng.random(prompts) < planted_share).tolist())
    frames = []
    for model, ability in models.items():
        right = rng.random((prompts, n)) < 1 / (1 + np.exp(difficulty - ability))[:, None]
        silent = rng.random((prompts, n)) < NO_ANSWER_SHARE
        attracted = rng.random((prompts, n)) < attraction[:, None]
        scattered = rng.integers(0, SCATTERED_ANSWERS, (prompts, n))
        rows = []
        for i in range(prompts):
            for s in range(n):
                if right[i, s]:
                    answer, passed = f"true{i}", i not in planted
                else:
                    answer = None if silent[i, s] else f"attractor{i}" if attracted[i, s] else f"r{scattered[i, s]}"
                    passed = False
                outcome = "correct" if passed else "no_answer" if answer is None else "wrong"
                rows.append((i, s, passed, outcome, answer))
        rewards = pl.DataFrame(
            rows,
            schema={
                "row_index": pl.Int64,
                "sample_index": pl.Int32,
                "passed": pl.Boolean,
                "outcome": pl.String,
                "answer": pl.String,
            },
            orient="row",
        )
        rewards = rewards.with_columns(
            row_id=pl.col("row_index").cast(pl.String),
            data_source=pl.lit("math__sim"),
            response_tokens=pl.lit(100),
            finish_reason=pl.lit("stop"),
            prompt_tokens=pl.lit(50),
            too_long=pl.lit(False),
        )
        frames.append(
            per_prompt(rewards).with_columns(
                dataset=pl.lit("sim"), model=pl.lit(model), row_id=pl.col("row_index").cast(pl.String)
            )
        )
    return pl.concat(frames, how="diagonal_relaxed"), planted


def previous_rule(frame: pl.DataFrame, min_share: float = 0.5) -> set[int]:
    """The flag before issue 14: every model fails, pooled most common wrong answer >= min_share of responses."""
    per_row = frame.group_by("row_index").agg(failed=(pl.col("n_passed") == 0).all(), responses=pl.col("n").sum())
    answers = (
        frame.drop_nulls("top_wrong_answer")
        .group_by("row_index", "top_wrong_answer")
        .agg(count=pl.col("top_wrong_count").sum())
        .group_by("row_index")
        .agg(pl.col("count").max())
    )
    hits = per_row.join(answers, on="row_index").filter(
        pl.col("failed") & (pl.col("count") / pl.col("responses") >= min_share)
    )
    return set(hits["row_index"].to_list())


def scores(flagged: set[int], planted: set[int]) -> dict:
    hits = len(flagged & planted)
    return {
        "flagged": len(flagged),
        "true_positives": hits,
        "precision": round(hits / len(flagged), 3) if flagged else None,
        "recall": round(hits / len(planted), 3) if planted else None,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--prompts", type=int, default=4000)
    parser.add_argument("--planted-share", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "bench_flags.json")
    args = parser.parse_args(argv)
    rule = section("report").suspect_label
    rng = np.random.default_rng(args.seed)
    results = {
        "prompts": args.prompts,
        "planted_share": args.planted_share,
        "seed": args.seed,
        "rule": vars(rule),
        "scenarios": {},
    }
    print(f"{'scenario':34} {'planted':>7}  {'rule':8} {'flagged':>7} {'precision':>9} {'recall':>6}")
    for name, (models, n) in SCENARIOS.items():
        frame, planted = simulate(args.prompts, args.planted_share, models, n, rng)
        found = {"current": set(suspect_labels(frame, rule)["row_index"].to_list()), "previous": previous_rule(frame)}
        results["scenarios"][name] = {"planted": len(planted), **{k: scores(v, planted) for k, v in found.items()}}
        for which, flagged in found.items():
            s = scores(flagged, planted)
            print(f"{name:34} {len(planted):7}  {which:8} {s['flagged']:7} {s['precision']!s:>9} {s['recall']!s:>6}")
    write_json(args.out, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
