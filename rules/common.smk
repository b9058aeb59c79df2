# Shared helpers: typed settings, the batch plan (from Parquet footers), output paths, rerun triggers.
# Every rule's `params:` come from the library's per-stage `triggers` functions, so a setting reruns exactly
# the stages whose outputs it changes (docs/architecture.md, "Rerun triggers").
import sys
from pathlib import Path

from difficulty_filter import batching, config as df_config, dataset as df_dataset
from difficulty_filter.adaptive.plan import plan_for, upstream_models
from difficulty_filter.batch_check import expected_batch
from difficulty_filter.batch_repair import Batch as BatchFiles, Shard as ShardFiles, remove_damaged
from difficulty_filter.domains import DOMAINS
from difficulty_filter.filtering.stage import annotate_triggers, filter_triggers
from difficulty_filter.generation.rollouts import triggers as rollouts_triggers
from difficulty_filter.generation.resume_cache import shard_cache_dir
from difficulty_filter.generation.settings import triggers as generation_triggers
from difficulty_filter.index import triggers as index_triggers
from difficulty_filter.prepare.naming import output_prefix
from difficulty_filter.report.analyze import pair_of
from difficulty_filter.report.triggers import triggers as report_triggers
from difficulty_filter.scoring.batch_file import triggers as reward_triggers
from difficulty_filter.scoring.reference_check import triggers as reference_triggers
from difficulty_filter.stats.pass_rates import triggers as pass_rate_triggers

SETTINGS = df_config.validate(config, "config")
df_config.check_model_paths(SETTINGS)

RESULTS = SETTINGS.results_dir
DATASETS = list(SETTINGS.datasets)
MODELS = list(SETTINGS.models)
FILTER_MODELS = {side: SETTINGS.filter.model_of(side) for side in ("low", "high")}
PARTS = [f"{p:03d}" for p in range(SETTINGS.batching.batches_per_job)]
# (low, high) models of the bucket matrix and heatmap; None leaves both outputs out.
REPORT_PAIR = pair_of(FILTER_MODELS, MODELS)
PREPARE = SETTINGS.prepare


def _plans():
    """Per dataset: every batch of the plan, from the Parquet footer only (cheap for every SLURM job)."""
    plans = {}
    for name, path in SETTINGS.datasets.items():
        df_dataset.check_columns(path)
        rows = df_dataset.num_rows(path)
        if not rows:
            raise ValueError(f"{path}: dataset {name!r} has no rows")
        plans[name] = batching.plan(rows, SETTINGS.batching.batch_size, SETTINGS.batching.batches_per_job)
    return plans


PLANS = _plans()
BATCH_ROWS = {name: {b.name: [b.start, b.stop] for b in plan} for name, plan in PLANS.items()}


def describe_plans():
    """One stderr line per dataset: rows, batches, generate and reward jobs (shown by `-n` too)."""
    for name, batches in PLANS.items():
        real = [b for b in batches if not b.is_placeholder]
        shards = len({b.shard for b in batches})
        print(f"difficulty-filter: dataset {name}: {real[-1].stop} rows, {len(real)} batches of "
              f"<= {SETTINGS.batching.batch_size}, {shards} generate jobs x {len(MODELS)} models, "
              f"{len(real) * len(MODELS)} reward jobs", file=sys.stderr)


def _check_prepare():
    """Fail at parse time on bad prepare domains, input names or a length limit without a tokenizer model."""
    for domain, paths in PREPARE.inputs.items():
        for path in paths:
            output_prefix(domain, Path(path).name.removesuffix(".parquet"))
    if PREPARE.max_prompt_tokens is not None and PREPARE.tokenizer_model is None:
        raise ValueError("config: prepare.max_prompt_tokens needs prepare.tokenizer_model (a model in `models`)")


describe_plans()
_check_prepare()


# -- paths ------------------------------------------------------------------------------------------


def dataset_path(wildcards):
    return SETTINGS.datasets[wildcards.dataset]


def row_index_path(dataset):
    return f"{RESULTS}/{dataset}/row_index.parquet"


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


def batch_names(dataset):
    """Names of the batches that hold rows (placeholders are generated but never scored)."""
    return [b.name for b in PLANS[dataset] if not b.is_placeholder]


def batch_rows(dataset, batch):
    """[start, stop) rows of a batch name such as s00001_p002."""
    return BATCH_ROWS[dataset][batch]


def remove_damaged_batches():
    """Main Snakemake process only: delete damaged batch files (each named on stderr), so that exactly their
    jobs rerun; only footers of files changed since they were last found intact are read."""
    if not workflow.is_main_process:
        return
    shards = []
    for dataset, plan in PLANS.items():
        for model in MODELS:
            members = {}
            for b in plan:
                members.setdefault(b.shard, []).append(BatchFiles(
                    generation_path(dataset, model, b.name),
                    None if b.is_placeholder else reward_path(dataset, model, b.name),
                    expected_batch(b.start, b.stop, SETTINGS.sampling)))
            cache = shard_cache_dir(RESULTS, dataset, model)
            shards += [ShardFiles(cache, batches) for batches in members.values()]
    for message in remove_damaged(shards, f"{RESULTS}/.cache/intact_batches.json"):
        print(f"difficulty-filter: {message}", file=sys.stderr)


remove_damaged_batches()


def shard_parts(wildcards):
    """[start, stop) rows of each part of a generate job's shard."""
    return [batch_rows(wildcards.dataset, f"s{wildcards.shard}_p{p}") for p in PARTS]


def imported_generations_path(dataset, model):
    return f"{RESULTS}/{dataset}/{model}/imported_generations.parquet"


def model_inputs(wildcards):
    """The model folder's config.json when the folder is local (so the demo model rule runs first)."""
    if SETTINGS.models[wildcards.model].engine == "file":
        return []
    path = Path(SETTINGS.models[wildcards.model].path)
    built = str(path).startswith(df_config.BUILT_MODELS_DIR)
    return [str(path / "config.json")] if built or (path / "config.json").exists() else []


def rollouts_input(wildcards):
    """engine file: the model's rollouts imported for this dataset (rule import_generations)."""
    is_file = SETTINGS.models[wildcards.model].engine == "file"
    return [imported_generations_path(wildcards.dataset, wildcards.model)] if is_file else []


def cascade_rewards(wildcards):
    """sampling.adaptive: {earlier model of the cascade: its reward batches of this shard} (the rows it dropped
    are not sampled); empty when adaptive sampling is off or the model is first."""
    real = set(batch_names(wildcards.dataset))
    batches = [b for b in (f"s{wildcards.shard}_p{p}" for p in PARTS) if b in real]
    return {m: [reward_path(wildcards.dataset, m, b) for b in batches]
            for m in upstream_models(SETTINGS, wildcards.model)}


def cascade_inputs(wildcards):
    return [path for paths in cascade_rewards(wildcards).values() for path in paths]


def gpus_of(wildcards):
    model = SETTINGS.models[wildcards.model]
    return 0 if model.engine == "file" else model.gpus_per_job


def generate_threads(wildcards):
    """All local cores for a CPU model (vLLM's CPU build uses them); a few for a GPU job's tokenizer; one to
    copy rollouts (engine file)."""
    if SETTINGS.models[wildcards.model].engine == "file":
        return 1
    return workflow.cores if gpus_of(wildcards) == 0 else 4


def model_slurm(key):
    """A per-model resource (models.<name>.slurm.<key>) of the generate rule."""
    return lambda wildcards: getattr(SETTINGS.models[wildcards.model].slurm, key)


# -- rerun triggers (params) -------------------------------------------------------------------------


def generate_params(wildcards):
    model = SETTINGS.models[wildcards.model]
    plan = plan_for(SETTINGS, wildcards.model)
    adaptive = {"adaptive": plan.triggers()} if plan else {}
    return generation_triggers(model, SETTINGS.sampling, SETTINGS.prompts) | adaptive


def import_params(wildcards):
    return rollouts_triggers(SETTINGS.sampling)


def row_index_params(wildcards):
    return index_triggers(SETTINGS.filter, SETTINGS.reward)


def reward_params(wildcards):
    return reward_triggers(SETTINGS.reward)


def reference_check_params(wildcards):
    return reference_triggers(SETTINGS.reward)


def pass_rates_params(wildcards):
    return pass_rate_triggers(SETTINGS.reward, SETTINGS.report)


def annotate_params(wildcards):
    return annotate_triggers(MODELS, SETTINGS.filter)


def filter_params(wildcards):
    return filter_triggers(SETTINGS.filter)


def report_params(wildcards):
    return report_triggers(SETTINGS.report, MODELS, REPORT_PAIR)


def prepare_params(wildcards):
    """Everything that changes a domain's sample (a change reruns it)."""
    model = SETTINGS.models[PREPARE.tokenizer_model] if PREPARE.max_prompt_tokens is not None else None
    return {"target_sample_size": PREPARE.target_sample_size, "seed": PREPARE.seed,
            "max_prompt_tokens": PREPARE.max_prompt_tokens,
            "tokenizer": (model.tokenizer or model.path) if model else None,
            "chat_template_kwargs": model.chat_template_kwargs if model else {}}


# -- inputs of aggregate rules -----------------------------------------------------------------------


def reward_batches(wildcards):
    return [reward_path(wildcards.dataset, wildcards.model, b) for b in batch_names(wildcards.dataset)]


def prepare_inputs(wildcards):
    """The domain's Parquet files, plus the tokenizer model's config.json when its folder is local or built here."""
    inputs = {"data": PREPARE.inputs[wildcards.domain]}
    if PREPARE.max_prompt_tokens is not None:
        model = SETTINGS.models[PREPARE.tokenizer_model]
        folder = Path(model.tokenizer or model.path)
        if str(folder).startswith(df_config.BUILT_MODELS_DIR) or (folder / "config.json").exists():
            inputs["model"] = str(folder / "config.json")
    return inputs


# -- report outputs ----------------------------------------------------------------------------------


def dataset_report(name, caption, subcategory, label):
    """An output of rule report_dataset, shown in the HTML report under the dataset's name."""
    return report(
        f"{RESULTS}/{{dataset}}/report/{name}",
        caption=f"../report/{caption}.rst",
        category="{dataset}",
        subcategory=subcategory,
        labels={"content": label},
    )


def combined_report(name, caption, label):
    """An output of rule report_combined, shown in the HTML report under "All datasets"."""
    return report(
        f"{RESULTS}/combined/{{model}}/{name}",
        caption=f"../report/{caption}.rst",
        category="All datasets",
        subcategory="{model}",
        labels={"content": label},
    )


def pair_outputs():
    """The low-vs-high bucket matrix and heatmap, when both filter sides are set."""
    if not REPORT_PAIR:
        return {}
    return {
        "matrix": dataset_report("pair_matrix.tsv", "pair_matrix", "Tables", "low vs high model buckets"),
        "heatmap": dataset_report("pair_heatmap.png", "pair_matrix", "Plots", "low vs high model buckets"),
    }


def all_outputs():
    """Final outputs plus every batch file: a deleted batch is missing, so exactly its job reruns."""
    outputs = []
    for dataset in DATASETS:
        outputs += [filtered_path(dataset), filter_summary_path(dataset)]
        for model in MODELS:
            outputs += [pass_rates_path(dataset, model), idx_map_path(dataset, model)]
            for batch in batch_names(dataset):
                outputs += [generation_path(dataset, model, batch), reward_path(dataset, model, batch)]
    return (outputs + expand(rules.report_dataset.output, dataset=DATASETS)
            + expand(rules.report_combined.output, model=MODELS))
