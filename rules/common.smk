# Shared helpers: config validation, the batch plan (from Parquet footers), output paths, rule params.
import json
from pathlib import Path

import difficulty_filter
from difficulty_filter import batching, config as df_config, dataset as df_dataset

df_config.validate(config, "config")

RESULTS = config["results_dir"]
DATASETS = list(config["datasets"])
MODELS = list(config["models"])
FILTER = config["filter"]
FILTER_MODELS = {side: (FILTER.get(side) or {}).get("model") for side in ("low", "high")}
BATCH_SIZE = config["batching"]["batch_size"]
K = config["batching"]["batches_per_job"]
PARTS = [f"{p:03d}" for p in range(K)]

# One plan per dataset, from the Parquet footer only (cheap for every SLURM job that re-reads this file).
PLANS = {}
BATCH_ROWS = {}  # dataset -> batch name -> [start, stop)
for _name, _path in config["datasets"].items():
    df_dataset.check_columns(_path)
    PLANS[_name] = batching.plan(df_dataset.num_rows(_path), BATCH_SIZE, K)
    if not PLANS[_name]:
        raise ValueError(f"{_path}: dataset {_name!r} has no rows")
    BATCH_ROWS[_name] = {b.name: [b.start, b.stop] for b in PLANS[_name]}


def _describe_plans():
    for name, batches in PLANS.items():
        real = [b for b in batches if not b.is_placeholder]
        shards = len({b.shard for b in batches})
        print(f"difficulty-filter: dataset {name}: {real[-1].stop} rows, {len(real)} batches of <= {BATCH_SIZE}, "
              f"{shards} generate jobs x {len(MODELS)} models, {len(real) * len(MODELS)} reward jobs",
              file=sys.stderr)


_describe_plans()


wildcard_constraints:
    dataset="|".join(DATASETS),
    model="|".join(MODELS),
    shard=r"\d{5}",
    part=r"\d{3}",


def model_dir(name):
    return f"{RESULTS}/{name}"


def batch_names(dataset):
    """Names of the batches that hold rows (placeholders are generated but never scored)."""
    return [b.name for b in PLANS[dataset] if not b.is_placeholder]


def shard_ids(dataset):
    return sorted({f"{b.shard:05d}" for b in PLANS[dataset]})


def generation_path(dataset, model, batch):
    return f"{RESULTS}/{dataset}/{model}/generations/batch_{batch}.parquet"


def reward_path(dataset, model, batch):
    return f"{RESULTS}/{dataset}/{model}/rewards/batch_{batch}.parquet"


def pass_rates_path(dataset, model):
    return f"{RESULTS}/{dataset}/{model}/pass_rates.parquet"


def idx_map_path(dataset, model):
    return f"{RESULTS}/{dataset}/{model}/idx_to_passrate.json"


def annotated_path(dataset):
    return f"{RESULTS}/{dataset}/annotated.parquet"


def filtered_path(dataset):
    return f"{RESULTS}/{dataset}/filtered.parquet"


def filter_summary_path(dataset):
    return f"{RESULTS}/{dataset}/filter_summary.json"


def filter_decisions_path(dataset):
    return f"{RESULTS}/{dataset}/filter_decisions.parquet"


def reference_check_path(dataset):
    return f"{RESULTS}/{dataset}/reference_check.parquet"


def batch_rows(dataset, batch):
    """[start, stop) rows of a batch name such as s00001_p002."""
    return BATCH_ROWS[dataset][batch]


def model_cfg(name):
    return config["models"][name]


def model_inputs(wildcards):
    """The model folder's config.json when the folder is local (so the demo model rule runs first)."""
    path = Path(model_cfg(wildcards.model)["path"])
    produced = str(path).startswith("resources/models/")
    return [str(path / "config.json")] if produced or (path / "config.json").exists() else []


def generation_params(wildcards):
    """Everything that changes generated text: a change reruns generation (and everything downstream)."""
    model = {k: v for k, v in model_cfg(wildcards.model).items() if k != "slurm"}
    return {"model": model, "sampling": config["sampling"], "prompts": config["prompts"],
            "package": difficulty_filter.__version__}


def reward_params(wildcards=None):
    """Everything that changes scores: a change reruns rewards only (generations stay)."""
    from difficulty_filter.verifiers.registry import VERIFIER_VERSIONS

    return {"reward": config["reward"], "verifiers": VERIFIER_VERSIONS, "package": difficulty_filter.__version__}


def all_outputs():
    """Final outputs plus every batch file: a deleted batch is missing, so exactly its job reruns."""
    outputs = []
    for dataset in DATASETS:
        outputs += [filtered_path(dataset), filter_summary_path(dataset)]
        for model in MODELS:
            outputs += [pass_rates_path(dataset, model), idx_map_path(dataset, model)]
            for batch in batch_names(dataset):
                outputs += [generation_path(dataset, model, batch), reward_path(dataset, model, batch)]
    return outputs + report_targets()  # defined in rules/report.smk
