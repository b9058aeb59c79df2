"""One module per `difficulty-filter` sub-command; each exposes `add_parser(subparsers)` and `run(args) -> int`."""
