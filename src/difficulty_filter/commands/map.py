"""`difficulty-filter map`: the original's `utils map`, rebuilding idx_to_passrate.json from pass_rates.parquet."""

from __future__ import annotations

import sys


def add_parser(sub, name):
    p = sub.add_parser(
        name, help="rebuild <out>/<dataset>/<model>/idx_to_passrate.json from pass_rates.parquet", description=__doc__
    )
    p.add_argument(
        "--output-dir", "--output_dir", dest="output_dir", default="results", help="results folder (default: results)"
    )
    p.add_argument("--dataset", required=True, help="dataset name (folder under the output dir)")
    p.add_argument("--model", required=True, help="model name (folder under the dataset)")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..report.passrate_map import write_map

    try:
        path = write_map(args.output_dir, args.dataset, args.model)
    except (OSError, ValueError) as exc:
        print(f"difficulty-filter map: error: {exc}", file=sys.stderr)
        return 1
    print(f"-> {path}")
    return 0
