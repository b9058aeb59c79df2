"""`difficulty-filter validate`: check a config file (and its datasets) without running anything."""

from __future__ import annotations


def add_parser(sub, name):
    p = sub.add_parser(name, help="validate a config file and the datasets it names")
    p.add_argument("config", help="path to config.yaml")
    p.set_defaults(func=run)


def run(args) -> int:
    from .. import config, dataset

    cfg = config.load(args.config)
    for name, path in cfg["datasets"].items():
        dataset.check_columns(path)
        print(f"dataset {name}: {dataset.num_rows(path)} rows ({path})")
    print(f"{args.config}: OK ({len(cfg['models'])} models)")
    return 0
