"""`difficulty-filter filter`: the original run_filter.py, or the filter of an annotated Parquet."""

from __future__ import annotations

import json
from pathlib import Path


def add_parser(sub, name):
    p = sub.add_parser(name, help="drop too-hard (<= low_thresh) and too-easy (>= high_thresh) rows")
    p.add_argument(
        "--parquet_in",
        "--parquet-in",
        dest="parquet_in",
        required=True,
        help="dataset Parquet (with --low_json/--high_json) or an annotated Parquet",
    )
    p.add_argument("--parquet_out_dir", "--parquet-out-dir", dest="parquet_out_dir", required=True)
    p.add_argument("--low_json", "--low-json", dest="low_json")
    p.add_argument("--high_json", "--high-json", dest="high_json")
    p.add_argument("--low_thresh", "--low-thresh", dest="low_thresh", type=float)
    p.add_argument("--high_thresh", "--high-thresh", dest="high_thresh", type=float)
    p.add_argument("--drop-broken-tests", action="store_true")
    p.add_argument("--key-by", choices=["id", "position"], default="id")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..filtering import decisions
    from ..filtering.stage import annotate_from_json, filter_annotated

    out_dir = Path(args.parquet_out_dir)
    stem = Path(args.parquet_in).stem
    source = args.parquet_in
    if args.low_json or args.high_json:
        source = out_dir / f".{stem}_pr.parquet"
        annotate_from_json(args.parquet_in, source, args.low_json, args.high_json, args.key_by)
    out = out_dir / f"{stem}{decisions.threshold_suffix(args.low_thresh, args.high_thresh)}.parquet"
    try:
        summary = filter_annotated(
            source, out, out.with_suffix(".summary.json"), args.low_thresh, args.high_thresh, args.drop_broken_tests
        )
    finally:
        if source != args.parquet_in:
            Path(source).unlink(missing_ok=True)
    print(json.dumps({k: summary[k] for k in ("input_rows", "kept_rows", "dropped_by_reason")}))
    print(f"-> {out}")
    return 0
