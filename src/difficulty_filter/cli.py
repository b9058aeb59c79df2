"""The `difficulty-filter` command: every pipeline stage callable on its own."""

from __future__ import annotations

import argparse
import importlib
import sys

from . import __version__

#: Sub-command name -> module in difficulty_filter.commands.
COMMANDS = {
    "generate": "generate",
    "score": "score",
    "pass-rates": "pass_rates",
    "annotate": "annotate",
    "filter": "filter",
    "analyze": "analyze",
    "map": "map",
    "prepare": "prepare",
    "validate": "validate",
    "run": "run",
    "status": "status",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="difficulty-filter", description=__doc__)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--debug",
        action="store_true",
        help="show the traceback of a config or dataset error (also inside the Snakefile of `run`); "
        "put it before the sub-command",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for name, module in COMMANDS.items():
        cmd = importlib.import_module(f"difficulty_filter.commands.{module}")
        cmd.add_parser(sub, name)
    return parser


def main(argv: list[str] | None = None) -> int:
    import os

    from .config import DEBUG_VAR, ConfigError
    from .dataset import DatasetError

    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and not getattr(args, "passthrough", False):  # only `run` takes arguments it does not know
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args.extra = extra
    if args.debug:
        os.environ[DEBUG_VAR] = "1"  # Snakemake started by `run` inherits it
    try:
        return int(args.func(args) or 0)
    except (ConfigError, DatasetError) as exc:
        if args.debug:
            raise
        print(f"difficulty-filter {args.command}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
