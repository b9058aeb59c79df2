"""`difficulty-filter generate`: sample responses for a dataset without Snakemake (the original's run_inference).

Writes OUT/batch_sSSSSS_pPPP.parquet in the generations format, loading the model once for the whole
dataset. Settings come from `--config` (one of its models, `--model`) or from schema defaults; flags win.
"""

from __future__ import annotations

import argparse
import json
import logging
import os

#: flag dest -> (config section, key)
OVERRIDES = {
    "engine": ("model", "engine"),
    "dtype": ("model", "dtype"),
    "tp_size": ("model", "tensor_parallel_size"),
    "dp_size": ("model", "data_parallel_size"),
    "enable_expert_parallel": ("model", "enable_expert_parallel"),
    "max_model_len": ("model", "max_model_len"),
    "gpus": ("model", "gpus_per_job"),
    "gpu_memory_utilization": ("model", "gpu_memory_utilization"),
    "enforce_eager": ("model", "enforce_eager"),
    "n": ("sampling", "n"),
    "temperature": ("sampling", "temperature"),
    "top_p": ("sampling", "top_p"),
    "top_k": ("sampling", "top_k"),
    "repetition_penalty": ("sampling", "repetition_penalty"),
    "max_new_tokens": ("sampling", "max_new_tokens"),
    "seed": ("sampling", "seed"),
    "max_prompt_length": ("prompts", "max_prompt_length"),
    "truncation": ("prompts", "truncation"),
    "batch_size": ("batching", "batch_size"),
    "batches_per_job": ("batching", "batches_per_job"),
}


def add_parser(sub, name):
    p = sub.add_parser(
        name,
        help="generate n responses per prompt with vLLM (one model load)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--dataset", required=True, help="verl RL Parquet file")
    p.add_argument("--output-dir", required=True, help="folder for batch_sSSSSS_pPPP.parquet files")
    p.add_argument("--model-path", help="HF model folder or hub id (default: the config model's path)")
    p.add_argument("--config", help="workflow config.yaml to take model/sampling/prompts/batching from")
    p.add_argument("--model", help="model name in --config (default: its only model)")
    p.add_argument("--engine", choices=["offline", "server"])
    p.add_argument(
        "--server-url",
        action="append",
        dest="server_urls",
        metavar="URL",
        help="OpenAI-compatible base URL of a running server (repeatable; implies --engine server)",
    )
    p.add_argument("--dtype", choices=["auto", "float32", "float16", "bfloat16"])
    p.add_argument("--tp-size", type=int, help="tensor_parallel_size")
    p.add_argument("--dp-size", type=int, help="data_parallel_size (managed server only)")
    p.add_argument("--enable-expert-parallel", action="store_true", default=None)
    p.add_argument("--enforce-eager", action="store_true", default=None)
    p.add_argument("--max-model-len", type=int)
    p.add_argument("--gpus", type=int, help="gpus_per_job (0 = CPU)")
    p.add_argument("--gpu-memory-utilization", type=float, help="on CPU: share of RAM for the KV cache (0.3 works)")
    p.add_argument("--batch-size", type=int)
    p.add_argument("--batches-per-job", type=int, help="batches per shard (file naming only: one load overall)")
    p.add_argument("--n", type=int)
    p.add_argument("--temperature", type=float)
    p.add_argument("--top-p", type=float)
    p.add_argument("--top-k", type=int)
    p.add_argument("--repetition-penalty", type=float)
    p.add_argument("--max-new-tokens", type=int)
    p.add_argument("--max-prompt-length", type=int)
    p.add_argument("--truncation", choices=["left", "right", "error"])
    p.add_argument("--seed", type=int)
    p.set_defaults(func=run)


def settings(args):
    """Validated settings for this invocation: --config (or schema defaults) with the flags applied on top."""
    import yaml

    from .. import config

    with open(args.config or os.devnull, encoding="utf-8") as f:
        raw = yaml.safe_load(f) or {}
    source = args.config or "command line"
    models = raw.get("models") or {}
    name = args.model or (_only(models, source) if args.config else "cli")
    if args.config and name not in models:
        raise SystemExit(f"{args.config}: no model {name!r} (models: {', '.join(models)})")
    model = models.setdefault(name, {})
    if args.model_path:
        model["path"] = args.model_path
    if "path" not in model:
        raise SystemExit("generate: give --model-path or --config")
    raw = {**raw, "datasets": {"cli": args.dataset}, "models": {name: model}}
    for dest, (section, key) in OVERRIDES.items():
        if getattr(args, dest) is not None:
            (model if section == "model" else raw.setdefault(section, {}))[key] = getattr(args, dest)
    if args.server_urls:
        model["engine"] = "server"
        model.setdefault("server", {})["urls"] = args.server_urls
    validated = config.validate(raw, source)
    return validated, validated.models[name]


def _only(models: dict, source: str) -> str:
    if len(models) != 1:
        raise SystemExit(f"{source} has {len(models)} models; choose one with --model")
    return next(iter(models))


def run(args) -> int:
    from .. import dataset
    from ..generation import run_shard
    from ..index import build_index
    from ..results import batches as batching

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    s, model = settings(args)
    build_index(args.dataset, s.filter.key_by, s.reward)  # every row checked before the model loads
    plan = batching.plan(dataset.num_rows(args.dataset), s.batching.batch_size, s.batching.batches_per_job)
    parts = [(b.start, b.stop, os.path.join(args.output_dir, f"batch_{b.name}.parquet")) for b in plan]
    stats = run_shard(
        args.dataset, parts, model, s.sampling, s.prompts, cache_dir=os.path.join(args.output_dir, ".cache")
    )
    print(json.dumps(stats))
    return 0
