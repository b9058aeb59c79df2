"""`difficulty-filter analyze`: the original's `utils analyze`: pass-rate summary and difficulty buckets of
one model over one or more datasets, optionally saving the combined idx_to_passrate map."""

from __future__ import annotations

import sys


def add_parser(sub, name):
    p = sub.add_parser(
        name, help="summary statistics and difficulty buckets of one model's pass rates", description=__doc__
    )
    p.add_argument(
        "--output-dir", "--output_dir", dest="output_dir", default="results", help="results folder (default: results)"
    )
    p.add_argument("--datasets", nargs="+", required=True, help="dataset names (folders under the output dir)")
    p.add_argument("--model", required=True, help="model name (folder under each dataset)")
    p.add_argument(
        "--regenerate", action="store_true", help="rebuild each idx_to_passrate.json from pass_rates.parquet first"
    )
    p.add_argument(
        "--save-combined",
        "--save_combined",
        dest="save_combined",
        action="store_true",
        help="with several datasets found, write <out>/<name>/<model>_combined.json "
        "(name: the common prefix before _chunk, else combined)",
    )
    p.set_defaults(func=run)


def run(args) -> int:
    from rich.console import Console

    from ..atomic import write_json
    from ..report import render
    from ..report.passrate_map import combined_path, load_maps, merge_maps
    from ..report.tables import STAT_COLUMNS, values_table

    try:
        maps = load_maps(args.output_dir, args.datasets, args.model, args.regenerate)
    except (OSError, ValueError) as exc:
        print(f"difficulty-filter analyze: error: {exc}", file=sys.stderr)
        return 1
    if not maps:
        print(f"difficulty-filter analyze: error: no dataset has results for model {args.model}", file=sys.stderr)
        return 1
    combined = merge_maps(maps)
    groups = {name: list(m.values()) for name, m in maps.items()}
    if len(maps) > 1:
        groups["all (combined)"] = list(combined.values())
    console = Console(highlight=False)
    table = values_table(groups)
    console.print(
        render.frame_table(
            table.select("dataset", *STAT_COLUMNS),
            f"Pass rates of {args.model}",
            caption="total = prompts with a pass rate; std = population std",
        )
    )
    console.print(render.bucket_columns(table, "dataset", "Difficulty buckets"))
    if args.save_combined and len(maps) > 1:
        path = combined_path(args.output_dir, list(maps), args.model)
        write_json(path, combined)
        console.print(f"combined map ({len(combined)} keys) -> {path}")
    return 0
