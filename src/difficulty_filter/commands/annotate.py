"""`difficulty-filter annotate`: the original run_add_pr.py (low/high pass-rate columns from two JSON maps)."""

from __future__ import annotations

from pathlib import Path


def add_parser(sub, name):
    p = sub.add_parser(name, help="add low_pass_rate/high_pass_rate columns (original run_add_pr.py)")
    p.add_argument("--parquet_in", "--parquet-in", dest="parquet_in", required=True)
    p.add_argument("--parquet_out_dir", "--parquet-out-dir", dest="parquet_out_dir", required=True)
    p.add_argument("--low_json", "--low-json", dest="low_json")
    p.add_argument("--high_json", "--high-json", dest="high_json")
    p.add_argument("--key-by", choices=["id", "position"], default="id")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..filtering.stage import annotate_from_json

    if not (args.low_json or args.high_json):
        raise SystemExit("annotate: give --low_json and/or --high_json")
    out = Path(args.parquet_out_dir) / f"{Path(args.parquet_in).stem}_pr.parquet"
    table = annotate_from_json(args.parquet_in, out, args.low_json, args.high_json, args.key_by)
    print(f"{table.num_rows} rows -> {out}")
    return 0
