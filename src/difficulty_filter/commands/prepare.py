"""`difficulty-filter prepare`: the original's run_sample_and_postprocess.py, fixed (see docs/prepare.md)."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from ..dataset import DatasetError
from ..prepare.bucket_quotas import parse_quotas
from ..prepare.length_filter import PromptLengthFilter
from ..prepare.naming import DOMAINS, PrepareError
from ..prepare.run import DomainJob, prepare


def add_parser(subparsers, name: str) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        name, help="patch, length-filter and sample RL Parquet files of one domain", description=__doc__
    )
    p.add_argument("--input-data-dir", "--input_data_dir", type=Path, required=True)
    p.add_argument(
        "--input-data-names",
        "--input_data_names",
        nargs="+",
        required=True,
        metavar="DOMAIN__NAME",
        help="file stems (without .parquet), each containing '__'",
    )
    p.add_argument("--output-data-dir", "--output_data_dir", type=Path, required=True)
    p.add_argument(
        "--target-sample-size",
        "--target_sample_size",
        type=int,
        required=True,
        help="total rows over all inputs, split in proportion to their post-filter sizes; -1 = all",
    )
    p.add_argument("--domain", choices=DOMAINS, default="math")
    p.add_argument(
        "--max-prompt-tokens",
        "--max_prompt_tokens",
        type=int,
        default=None,
        help="drop rows whose chat-templated prompt has more tokens (needs --tokenizer)",
    )
    p.add_argument("--tokenizer", type=Path, default=None, help="local HF model folder whose tokenizer counts tokens")
    p.add_argument(
        "--length-tolerance",
        type=int,
        default=0,
        help="keep iff tokens <= max-prompt-tokens - tolerance (the original used 100)",
    )
    p.add_argument(
        "--chat-template-kwargs",
        type=json.loads,
        default={},
        help="JSON passed to apply_chat_template, e.g. '{\"enable_thinking\": false}'",
    )
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--codegen-max-tests", type=int, default=8, help="stdin/stdout tests kept per codegen row")
    p.add_argument(
        "--codegen-max-prompt-chars",
        type=int,
        default=4096 * 5,
        help="codegen user messages longer than this are cut in the middle",
    )
    p.add_argument(
        "--bucket-quotas",
        type=parse_quotas,
        default=None,
        help='difficulty mix, e.g. \'{"Hard":0.4,"Medium":0.4,"Easy":0.2}\' (needs --pass-rate-column)',
    )
    p.add_argument("--pass-rate-column", default=None, help="pass-rate column of an annotated Parquet")
    p.add_argument(
        "--summary", type=Path, default=None, help="summary JSON path (default <output-data-dir>/<domain>_summary.json)"
    )
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    try:
        length_filter = _length_filter(args)
        settings = DomainJob(
            domain=args.domain,
            output_dir=args.output_data_dir,
            target_sample_size=args.target_sample_size,
            seed=args.seed,
            length_filter=length_filter,
            max_tests=args.codegen_max_tests,
            max_prompt_chars=args.codegen_max_prompt_chars,
            bucket_quotas=args.bucket_quotas,
            pass_rate_column=args.pass_rate_column,
            summary_path=args.summary,
        )
        inputs = [args.input_data_dir / f"{stem}.parquet" for stem in args.input_data_names]
        summary = prepare(inputs, settings)
    except (PrepareError, DatasetError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(summary["totals"]))
    return 0


def _length_filter(args: argparse.Namespace) -> PromptLengthFilter | None:
    if args.max_prompt_tokens is None:
        if args.tokenizer is not None:
            raise PrepareError("--tokenizer is only used with --max-prompt-tokens")
        return None
    if args.tokenizer is None:
        raise PrepareError("--max-prompt-tokens needs --tokenizer DIR (a local HF model folder)")
    return PromptLengthFilter(args.tokenizer, args.max_prompt_tokens, args.length_tolerance, args.chat_template_kwargs)
