"""`difficulty-filter validate`: check a config file and every row of its datasets without running a model."""

from __future__ import annotations


def add_parser(sub, name):
    p = sub.add_parser(name, help="validate a config file and every row of the datasets it names")
    p.add_argument("config", help="path to config.yaml")
    p.set_defaults(func=run)


def run(args) -> int:
    from .. import config
    from ..index import build_index

    settings = config.load(args.config)
    config.check_model_paths(settings, args.config)
    for name, path in settings.datasets.items():
        index = build_index(path, settings.filter.key_by, settings.reward)
        print(f"dataset {name}: {index.num_rows} rows checked ({path})")
    print(f"{args.config}: OK ({len(settings.models)} models)")
    return 0
