"""Row index: how long the one validating pass over a dataset takes, and how soon a bad row is refused.

Writes a synthetic verl dataset of --rows rows across domains (math, table, multiple choice, zebra, codegen
with tests), then times `build_index` on it as is (every row checked) and with one bad row planted first at
the end (the worst case: refused after the whole pass) and then in the middle. Results go to --out as JSON.
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from difficulty_filter import config
from difficulty_filter.dataset import DatasetError
from difficulty_filter.index import build_index

ROOT = Path(__file__).resolve().parents[1]
CODE_TRUTH = json.dumps({"inputs": ["1 2\n", "3 4\n"], "outputs": ["3\n", "7\n"]})
ZEBRA_TRUTH = json.dumps({"header": ["Position", "Name"], "rows": [["1", "ann"], ["2", "bob"]]})
DOMAINS = (
    ("math__bench", "42"),
    ("table__bench", "3.5|4"),
    ("stem__gpqa_bench", "C"),
    ("logic__zebra_puzzle_bench", ZEBRA_TRUTH),
    ("codegen__bench", CODE_TRUTH),
)


def row(i: int, bad: bool = False) -> dict:
    source, truth = DOMAINS[i % len(DOMAINS)]
    prompt = [] if bad else [{"role": "user", "content": f"Problem {i}: " + "words " * 60}]
    return {
        "data_source": source,
        "prompt": prompt,
        "ability": source.split("__")[0],
        "reward_model": {"style": "rule", "ground_truth": truth},
        "extra_info": {"index": i, "split": "train"},
    }


def write(path: Path, rows: int, bad_at: int | None) -> None:
    writer = None
    for start in range(0, rows, 10_000):
        chunk = [row(i, i == bad_at) for i in range(start, min(rows, start + 10_000))]
        table = pa.Table.from_pylist(chunk)
        writer = writer or pq.ParquetWriter(path, table.schema)
        writer.write_table(table, row_group_size=4096)
    writer.close()


def timed(path: Path) -> dict:
    reward = config.section("reward")
    start = time.perf_counter()
    try:
        build_index(path, "id", reward)
        refused = None
    except DatasetError as exc:
        refused = str(exc).splitlines()[1].strip()
    return {"seconds": round(time.perf_counter() - start, 2), "refused": refused}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/results/bench_row_index.json")
    args = parser.parse_args()
    result = {"rows": args.rows}
    with tempfile.TemporaryDirectory() as tmp:
        for name, bad_at in (("all_good", None), ("bad_last_row", args.rows - 1), ("bad_middle_row", args.rows // 2)):
            path = Path(tmp) / f"{name}.parquet"
            write(path, args.rows, bad_at)
            result[name] = {"mb": round(path.stat().st_size / 2**20, 1), **timed(path)}
            print(name, result[name], flush=True)
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
