"""Math verifications per second per core, in-process and through score_requests with 2 workers.

    python benchmarks/bench_math.py [--problems 200] [--samples 16] [--smoke] [--out PATH]

The mix imitates a reward batch: every problem (12 answer families: integers, fractions, radicals,
tuples, intervals, pi, polynomials, sets, percent, matrices, x=k) has `samples` responses, each a
`<think>` trace of 200-500 words followed by a final answer: 45% the reference form, 15% an equivalent
other form, 30% a wrong value, 10% no boxed answer. "uncached" clears the parse cache before every
response (worst case: no repeated answers). "per CPU-s" is verifications per CPU-second, i.e. per fully
used core, independent of other load. Prints a table and writes benchmarks/results/bench_math.json.
``--smoke`` runs 4 problems x 2 samples (the test suite's check that the script still runs).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import time
from pathlib import Path

from difficulty_filter import config
from difficulty_filter.outcomes import ScoreRequest
from difficulty_filter.scoring import open_pool
from difficulty_filter.verifiers import grade
from difficulty_filter.verifiers.math_answers.normalize import clean
from difficulty_filter.verifiers.math_answers.parsing import parse_latex

REWARD = config.section("reward")


def answers(k: int) -> tuple[str, str, str]:
    """(reference answer, an equivalent other form, a wrong answer) of problem family k % 12, scaled by k."""
    forms = [
        (f"{k}", f"{k}.0", f"{k + 1}"),
        (rf"\frac{{1}}{{{k}}}", rf"\frac{{2}}{{{2 * k}}}", rf"\frac{{1}}{{{k + 1}}}"),
        (rf"{k}\sqrt{{3}}", rf"\sqrt{{{3 * k * k}}}", rf"{k}\sqrt{{2}}"),
        (f"({k}, {k + 1})", f"({k},{k + 1})", f"({k + 1}, {k})"),
        (rf"[{k}, \infty)", rf"[{k},\infty)", rf"({k}, \infty)"),
        (rf"\frac{{\pi}}{{{k}}}", rf"\frac{{1}}{{{k}}}\pi", rf"\frac{{\pi}}{{{k + 1}}}"),
        (f"x^2 + {2 * k}x + {k * k}", f"(x+{k})^2", f"x^2 + {k * k}"),
        (f"{k * 1000}", rf"{k} \times 10^{{3}}", f"{k * 100}"),
        (rf"\{{{k}, {k + 1}, {k + 2}\}}", rf"\{{{k + 2}, {k + 1}, {k}\}}", rf"\{{{k}, {k + 1}\}}"),
        (f"{k}\\%", f"{k}", f"{k + 5}\\%"),
        (
            rf"\begin{{pmatrix}}{k}&0\\0&{k}\end{{pmatrix}}",
            rf"\begin{{pmatrix}}{k} & 0 \\ 0 & {k}\end{{pmatrix}}",
            rf"\begin{{pmatrix}}0&{k}\\{k}&0\end{{pmatrix}}",
        ),
        (f"{k}", f"x={k}", f"-{k}"),
    ]
    return forms[k % len(forms)]


WORDS = (
    "so",
    "we",
    "need",
    "the",
    "value",
    "of",
    "x",
    "then",
    "substitute",
    "into",
    "the",
    "equation",
    "and",
    "simplify",
    "both",
    "sides",
    "carefully",
    "which",
    "gives",
    "a",
    "quadratic",
    "whose",
    "roots",
    "we",
    "check",
    "against",
    "the",
    "constraint",
)


def trace(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(200, 500))]
    for i in range(0, len(words), 40):
        words[i] = rf"$x_{{{i}}} = \frac{{{i}}}{{{i + 1}}}$"
    return " ".join(words)


def requests(problems: int, samples: int, first: int = 0) -> list[ScoreRequest]:
    """`samples` responses to each of problems first+2 .. first+problems+1 (every problem its own answer)."""
    rng = random.Random(first)
    out = []
    for p in range(first + 2, first + problems + 2):
        truth, other, wrong = answers(p)
        for _ in range(samples):
            roll = rng.random()
            if roll < 0.10:
                tail = "I could not finish the computation."
            else:
                answer = truth if roll < 0.55 else other if roll < 0.70 else wrong
                tail = rf"Therefore the answer is $\boxed{{{answer}}}$."
            out.append(ScoreRequest(f"math__bench_{p}", f"<think>{trace(rng)}</think>\n{tail}", truth))
    return out


def in_process(reqs: list[ScoreRequest], cached: bool = True) -> dict:
    """Grade `reqs` one by one (`cached=False` clears the clean-up and parse caches before each one)."""
    wall, cpu = time.perf_counter(), time.process_time()
    outcomes: dict[str, int] = {}
    for r in reqs:
        if not cached:
            clean.cache_clear()
            parse_latex.cache_clear()
        outcome = grade(r, REWARD).outcome
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return _row(len(reqs), time.perf_counter() - wall, time.process_time() - cpu, 1, outcomes=outcomes)


def pooled(first: list[ScoreRequest], second: list[ScoreRequest], workers: int) -> list[dict]:
    """A first call (incl. worker start-up) and a second call with new problems on the warm pool.

    CPU time is the workers' (reaped when the pool closes), so the per-core rate does not depend on
    other load on the machine; the wall-clock rates do.
    """
    cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open_pool(config.section("reward", {"workers": workers, "timeout": 30})) as pool:
        start = time.perf_counter()
        pool.score(first)
        cold = time.perf_counter() - start
        start = time.perf_counter()
        pool.score(second)
        warm = time.perf_counter() - start
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    worker_cpu = used.ru_utime + used.ru_stime - cpu.ru_utime - cpu.ru_stime
    return [
        _row(len(first), cold, None, workers, note="first call, incl. worker start-up"),
        _row(len(second), warm, None, workers, note="second call, warm workers"),
        _row(len(first) + len(second), cold + warm, worker_cpu, workers, note="both calls, worker CPU time"),
    ]


def _row(n: int, wall: float, cpu: float | None, workers: int, **extra) -> dict:
    row = {"n": n, "wall_s": wall, "per_s_wall": n / wall, "per_s_wall_per_worker": n / wall / workers}
    if cpu:
        row.update(cpu_s=cpu, per_cpu_s=n / cpu)
    return {**row, **extra}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problems", type=int, default=200)
    parser.add_argument("--samples", type=int, default=16)
    parser.add_argument("--smoke", action="store_true", help="tiny run: 4 problems x 2 samples")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "results" / "bench_math.json")
    args = parser.parse_args()
    if args.smoke:
        args.problems, args.samples = 4, 2
    sets = [requests(args.problems, args.samples, first=i * args.problems) for i in range(5)]

    grade(ScoreRequest("math__warm", r"\boxed{1}", "1"), REWARD)  # imports out of the timing
    rows = [
        {"mode": "in-process, fresh process", **in_process(sets[0])},
        {"mode": "in-process, steady state", **in_process(sets[1])},
        {"mode": "in-process, steady, no parse cache", **in_process(sets[2], cached=False)},
    ]
    rows += [{"mode": "score_requests, 2 workers", **row} for row in pooled(sets[3], sets[4], 2)]
    print(f"{'mode':36} {'note':36} {'n':>5} {'wall s':>7} {'/s wall':>8} {'/s per CPU-s':>12}")
    for row in rows:
        print(
            f"{row['mode']:36} {row.get('note', ''):36} {row['n']:>5} {row['wall_s']:>7.2f} "
            f"{row['per_s_wall']:>8.0f} {row.get('per_cpu_s', float('nan')):>12.0f}"
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    result = {
        "benchmark": "bench_math",
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "load_average": os.getloadavg(),
        "problems": args.problems,
        "samples": args.samples,
        "rows": rows,
    }
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"-> {args.out}")


if __name__ == "__main__":
    main()
