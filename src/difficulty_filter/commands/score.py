"""`difficulty-filter score`: grade a JSONL file of responses with the rule-based verifiers."""

from __future__ import annotations

import json
import sys


def add_parser(sub, name):
    p = sub.add_parser(name, help="score a JSONL file of responses (one verdict per line)")
    p.add_argument(
        "--input",
        required=True,
        help='JSONL lines {"id", "data_source", "response", "ground_truth", "extra_info"[, "finish_reason"]}',
    )
    p.add_argument("--output", required=True, help="JSONL with score, passed, outcome, detail, answer, verifier added")
    p.add_argument("--workers", type=int, help="verifier processes (default: reward.workers)")
    p.add_argument("--timeout", type=float, help="seconds per verification (default: reward.timeout)")
    p.add_argument("--threshold", type=float, help="pass threshold on the score (default: reward.correct_threshold)")
    p.add_argument("--config", help="workflow config YAML; only its `reward` section is used")
    p.set_defaults(func=run)


def run(args) -> int:
    from .. import config
    from ..scoring.jsonl import score_jsonl
    from ..verifiers.custom import VerifierLoadError

    reward = _reward_section(args.config)
    for key, value in (("workers", args.workers), ("timeout", args.timeout), ("correct_threshold", args.threshold)):
        if value is not None:
            reward[key] = value
    try:
        settings = config.section("reward", reward, args.config or "command line")
    except config.ConfigError as exc:
        print(f"difficulty-filter score: error: {exc}", file=sys.stderr)
        return 2
    try:
        counts = score_jsonl(args.input, args.output, settings)
    except (VerifierLoadError, FileNotFoundError) as exc:
        print(f"difficulty-filter score: error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(counts, indent=2))
    print(f"{counts['total']} lines scored -> {args.output}", file=sys.stderr)
    return 0


def _reward_section(config_path: str | None) -> dict:
    if not config_path:
        return {}
    import yaml

    with open(config_path, encoding="utf-8") as f:
        config = yaml.safe_load(f) or {}
    reward = config.get("reward") or {}
    if not isinstance(reward, dict):
        raise SystemExit(f"{config_path}: `reward` must be a mapping")
    return dict(reward)
