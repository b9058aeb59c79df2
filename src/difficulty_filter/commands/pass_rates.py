"""`difficulty-filter pass-rates`: reward batch files -> per-prompt pass rates + idx_to_passrate.json."""

from __future__ import annotations

from pathlib import Path


def add_parser(sub, name):
    p = sub.add_parser(name, help="aggregate reward batches into per-prompt pass rates")
    p.add_argument("--rewards", nargs="+", required=True, help="reward batch Parquet files")
    p.add_argument("--dataset", required=True, help="the dataset Parquet the rewards belong to")
    p.add_argument("--output-dir", required=True, help="writes pass_rates.parquet and idx_to_passrate.json here")
    p.add_argument("--exclude-infra-errors", action="store_true")
    p.add_argument("--key-by", choices=["id", "position"], default="id")
    p.add_argument(
        "--pass-at-k",
        nargs="+",
        type=int,
        metavar="K",
        help="k values of the per-prompt pass@k columns (default: the config's report.pass_at_k)",
    )
    p.set_defaults(func=run)


def run(args) -> int:
    from .. import config
    from ..index import index_of
    from ..pass_rates.stage import write_pass_rates

    out = Path(args.output_dir)
    index = index_of(args.dataset, args.key_by, config.section("reward"))
    table = write_pass_rates(
        args.rewards,
        index,
        out / "pass_rates.parquet",
        out / "idx_to_passrate.json",
        args.exclude_infra_errors,
        args.pass_at_k or config.section("report").pass_at_k,
    )
    print(f"{table.height} prompts -> {out / 'pass_rates.parquet'}, {out / 'idx_to_passrate.json'}")
    return 0
