"""Code-execution throughput: the zygote sandbox vs the original's one interpreter per test, same invocation.

    python benchmarks/bench_code.py [--responses 20] [--tests 10] [--timeouts 2] [--isolation process]

Both sides run one response at a time on one worker, stop at the first failing test and use the same per-test
limit. Categories: correct and wrong stdin/stdout programs, correct functional programs, and programs that
time out on their first test. "per core" rates divide by the CPU seconds used (this process plus every process
it started, the zygote's tree included), so they hold on a busy machine; wall rates are printed too.
Prints a table and writes benchmarks/results/bench_code_<isolation>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

from difficulty_filter import config
from difficulty_filter.sandbox import executor, zygote
from difficulty_filter.sandbox.compare import difference
from difficulty_filter.sandbox.suite import TestSuite

RESULTS = Path(__file__).resolve().parent / "results"
TEST_SECONDS = 1.0
SUM = "import sys\nprint(sum(map(int, sys.stdin.read().split())))\n"
WRONG = "import sys\nn = sum(map(int, sys.stdin.read().split()))\nprint(n if n < 40 else n + 1)\n"
LOOP = "while True:\n    pass\n"
FUNC = "def add(a, b):\n    return a + b\n"


def workload(responses: int, tests: int, timeouts: int) -> dict[str, list[tuple[str, TestSuite]]]:
    stdio = TestSuite(
        "stdio", tuple(f"{i} {2 * i} {3 * i}\n" for i in range(tests)), tuple(f"{6 * i}\n" for i in range(tests))
    )
    functional = TestSuite("functional", code="".join(f"assert add({i}, {i}) == {2 * i}\n" for i in range(tests)))
    return {
        "correct": [(SUM, stdio)] * responses,
        "wrong": [(WRONG, stdio)] * responses,
        "functional": [(FUNC, functional)] * responses,
        "timeout": [(LOOP, stdio)] * timeouts,
    }


def naive(program: str, suite: TestSuite) -> int:
    """The original's way: a fresh `python -c` per test, wall-clock timeout; returns tests run."""
    cases = (
        [(f"{program}\n{suite.code}", "", None)]
        if suite.kind == "functional"
        else [(program, i, o) for i, o in zip(suite.inputs, suite.outputs)]
    )
    for count, (code, stdin, expected) in enumerate(cases, 1):
        try:
            done = subprocess.run(
                [sys.executable, "-c", code], input=stdin, capture_output=True, text=True, timeout=2 * TEST_SECONDS
            )
        except subprocess.TimeoutExpired:
            return count
        if done.returncode != 0 or (expected is not None and difference(done.stdout, expected)):
            return count
    return len(cases)


def ours(code):
    def run(program: str, suite: TestSuite) -> int:
        result = executor.run_tests(program, suite, code)
        return result.tests_passed + (result.status == "failed")

    return run


def _tree_cpu(pid: int) -> float:
    """CPU seconds of a live process and all its live descendants (with their reaped children)."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += sum(int(x) for x in fields[11:15])
            for task in os.listdir(f"/proc/{current}/task"):
                pending += map(int, Path(f"/proc/{current}/task/{task}/children").read_text().split())
        except OSError:
            pass
    return total / os.sysconf("SC_CLK_TCK")


def cpu_seconds(zygote_pid: int) -> float:
    usage = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    return sum(u.ru_utime + u.ru_stime for u in usage) + _tree_cpu(zygote_pid)


def measure(runner, jobs, zygote_pid: int) -> dict:
    start, cpu, tests = time.perf_counter(), cpu_seconds(zygote_pid), 0
    for program, suite in jobs:
        tests += runner(program, suite)
    seconds, cpu = time.perf_counter() - start, cpu_seconds(zygote_pid) - cpu
    return {
        "responses": len(jobs),
        "tests": tests,
        "seconds": round(seconds, 3),
        "cpu_seconds": round(cpu, 3),
        "tests_per_s": round(tests / seconds, 1),
        "tests_per_cpu_s": round(tests / cpu, 1),
        "responses_per_s": round(len(jobs) / seconds, 1),
        "responses_per_cpu_s": round(len(jobs) / cpu, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=20)
    parser.add_argument("--tests", type=int, default=10)
    parser.add_argument("--timeouts", type=int, default=2)
    parser.add_argument("--isolation", default="process", choices=["process", "bwrap", "none"])
    parser.add_argument(
        "--out", type=Path, help="result JSON (default: benchmarks/results/bench_code_<isolation>.json)"
    )
    args = parser.parse_args()
    code = config.section(
        "reward",
        {"code": {"isolation": args.isolation, "test_timeout": TEST_SECONDS, "total_timeout": 60, "calibrate": False}},
    ).code
    sandbox = ours(code)
    sandbox(SUM, TestSuite("stdio", ("1\n",), ("1\n",)))  # start the zygote outside the timings
    zygote_pid = zygote.shared(args.isolation)._proc.pid
    rows = {}
    for name, jobs in workload(args.responses, args.tests, args.timeouts).items():
        row = {"sandbox": measure(sandbox, jobs, zygote_pid), "naive": measure(naive, jobs, zygote_pid)}
        for key in ("seconds", "cpu_seconds"):
            row[f"speedup_{key}"] = round(row["naive"][key] / max(row["sandbox"][key], 1e-3), 2)
        rows[name] = row
    quick = [n for n in rows if n != "timeout"]
    totals = {
        (side, key): sum(rows[n][side][key] for n in quick)
        for side in ("sandbox", "naive")
        for key in ("seconds", "cpu_seconds")
    }
    report = {
        "isolation": executor.describe(code),
        "python": sys.version.split()[0],
        "machine": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg(),
        "test_seconds": TEST_SECONDS,
        "categories": rows,
        "quick_speedup_wall": round(totals["naive", "seconds"] / totals["sandbox", "seconds"], 2),
        "quick_speedup_cpu": round(totals["naive", "cpu_seconds"] / totals["sandbox", "cpu_seconds"], 2),
    }
    print(f"isolation: {report['isolation']}; load average {report['load_average'][0]:.2f} on {os.cpu_count()} cpus")
    print(
        f"{'category':<10} {'resp':>4} {'tests':>5} | {'sandbox tests/s':>15} {'resp/s':>13} | "
        f"{'naive tests/s':>13} {'resp/s':>11} | {'speedup':>13}"
    )
    print(
        f"{'':<22} | {'wall   per-core':>15} {'wall per-core':>13} | {'wall per-core':>13} "
        f"{'wall per-core':>11} | {'wall per-core':>13}"
    )
    for name, row in rows.items():
        s, n = row["sandbox"], row["naive"]
        print(
            f"{name:<10} {s['responses']:>4} {s['tests']:>5} | {s['tests_per_s']:>6} {s['tests_per_cpu_s']:>8} "
            f"{s['responses_per_s']:>5} {s['responses_per_cpu_s']:>7} | {n['tests_per_s']:>5} "
            f"{n['tests_per_cpu_s']:>7} {n['responses_per_s']:>4} {n['responses_per_cpu_s']:>6} | "
            f"{row['speedup_seconds']:>5}x {row['speedup_cpu_seconds']:>6}x"
        )
    print(
        f"speedup on quick tests (correct + wrong + functional): {report['quick_speedup_wall']}x wall, "
        f"{report['quick_speedup_cpu']}x per core"
    )
    out = args.out or RESULTS / f"bench_code_{args.isolation}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
