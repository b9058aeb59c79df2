# Input functions and output paths of the rules. Everything here reads the plan made once by the Snakefile
# (PLAN: validated settings, batch plan, results layout); nothing writes a file, and only `missing_batches`
# reads any (two folder listings per dataset x model). Every rule's `params: triggers` come from the library's
# per-stage `triggers` functions, so a setting reruns exactly the stages whose outputs it changes
# (docs/architecture.md, "Settings and rerun triggers").
# Snakemake calls these once per job (thousands at a million prompts): each answer that depends only on the
# dataset or model is computed once (functools.cache), and none walks every batch (docs/performance.md).
import os
from functools import cache
from pathlib import Path

from difficulty_filter.config import BUILT_MODELS_DIR, reward_job_resources
from difficulty_filter.domains import DOMAINS
from difficulty_filter.filtering.stage import annotate_triggers, filter_triggers
from difficulty_filter.generation.adaptive_plan import plan_for, upstream_models
from difficulty_filter.generation.requests import triggers as generation_triggers
from difficulty_filter.generation.rollouts import triggers as rollouts_triggers
from difficulty_filter.index import triggers as index_triggers
from difficulty_filter.pass_rates.stage import triggers as pass_rate_triggers
from difficulty_filter.prepare.run import triggers as prepare_triggers
from difficulty_filter.report.analyze import report_pair
from difficulty_filter.report.triggers import triggers as report_triggers
from difficulty_filter.results.paths import batch_file
from difficulty_filter.scoring.batch_file import triggers as reward_triggers
from difficulty_filter.scoring.reference_check import triggers as reference_triggers

SETTINGS = PLAN.settings
LAYOUT = PLAN.layout
RESULTS = SETTINGS.results_dir
DATASETS = list(SETTINGS.datasets)
MODELS = list(SETTINGS.models)
PARTS = [f"{p:03d}" for p in range(SETTINGS.batching.batches_per_job)]
# mem_mb and runtime of a reward job (one shard: minutes per batch x batches_per_job) and of a reference check,
# the same numbers the SLURM pre-flight checks against the partitions
REWARD_JOB = reward_job_resources(SETTINGS, "reward")
REFERENCE_JOB = reward_job_resources(SETTINGS, "reference_check")
# (low, high) models of the bucket matrix and heatmap; None leaves both outputs out.
REPORT_PAIR = report_pair(SETTINGS)
PREPARE = SETTINGS.prepare


# -- paths ------------------------------------------------------------------------------------------


def dataset_path(wildcards):
    return SETTINGS.datasets[wildcards.dataset]


def batch_rows(dataset, batch):
    """[start, stop) rows of a batch name such as s00001_p002."""
    return PLAN.rows[dataset][batch]


def shard_parts(wildcards):
    """[start, stop) rows of each part of a generate or reward job's shard."""
    return [batch_rows(wildcards.dataset, f"s{wildcards.shard}_p{p}") for p in PARTS]


def local_model_config(folder):
    """A model folder's config.json when the folder is local or built by a rule (so that rule runs first)."""
    return list(_model_config(str(folder)))


@cache
def _model_config(folder):
    folder = Path(folder)
    built = str(folder).startswith(BUILT_MODELS_DIR)
    return (str(folder / "config.json"),) if built or (folder / "config.json").exists() else ()


def model_inputs(wildcards):
    model = SETTINGS.models[wildcards.model]
    return [] if model.engine == "file" else local_model_config(model.path)


def rollouts_input(wildcards):
    """engine file: the model's rollouts imported for this dataset (rule import_generations)."""
    is_file = SETTINGS.models[wildcards.model].engine == "file"
    return [LAYOUT.imported_generations(wildcards.dataset, wildcards.model)] if is_file else []


@cache
def upstream_of(model):
    return tuple(upstream_models(SETTINGS, model))


def cascade_rewards(wildcards):
    """sampling.adaptive: {earlier model of the cascade: its reward batches of this shard} (the rows it dropped
    are not sampled); empty when adaptive sampling is off or the model is first."""
    upstream = upstream_of(wildcards.model)
    if not upstream:
        return {}
    batches = [b for b in (f"s{wildcards.shard}_p{p}" for p in PARTS) if PLAN.is_real(wildcards.dataset, b)]
    return {m: [LAYOUT.reward(wildcards.dataset, m, b) for b in batches] for m in upstream}


def cascade_inputs(wildcards):
    return [path for paths in cascade_rewards(wildcards).values() for path in paths]


def reward_batches(wildcards):
    return [LAYOUT.reward(wildcards.dataset, wildcards.model, b) for b in PLAN.batch_names(wildcards.dataset)]


def prepare_inputs(wildcards):
    """The domain's Parquet files, plus the tokenizer model's config.json when its folder is local or built here."""
    inputs = {"data": PREPARE.inputs[wildcards.domain]}
    if PREPARE.max_prompt_tokens is not None:
        model = SETTINGS.models[PREPARE.tokenizer_model]
        inputs["model"] = local_model_config(model.tokenizer or model.path)
    return inputs


# -- resources ---------------------------------------------------------------------------------------


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


@cache
def model_generate_triggers(name):
    model = SETTINGS.models[name]
    plan = plan_for(SETTINGS, name)
    adaptive = {"adaptive": plan.triggers()} if plan else {}
    return generation_triggers(model, SETTINGS.sampling, SETTINGS.prompts) | adaptive


def generate_params(wildcards):
    return model_generate_triggers(wildcards.model)


def import_params(wildcards):
    return rollouts_triggers(SETTINGS.sampling)


def row_index_params(wildcards):
    return index_triggers(SETTINGS.filter, SETTINGS.reward)


# a constant, not a function: Snakemake inspects every callable's signature once per job
REWARD_TRIGGERS = reward_triggers(SETTINGS.reward)


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
    return prepare_triggers(SETTINGS)


# -- report outputs ----------------------------------------------------------------------------------


def dataset_report(name, caption, subcategory, label):
    """An output of rule report_dataset, shown in the HTML report under the dataset's name."""
    return report(
        LAYOUT.report("{dataset}", name),
        caption=f"../report/{caption}.rst",
        category="{dataset}",
        subcategory=subcategory,
        labels={"content": label},
    )


def combined_report(name, caption, label):
    """An output of rule report_combined, shown in the HTML report under "All datasets"."""
    return report(
        LAYOUT.combined_report("{model}", name),
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


def missing_batches(dataset, model):
    """The batch files of a dataset x model that do not exist, once its results folder does.

    Snakemake reruns a job for a missing output only when the job is a target or a job that must run needs that
    file; with pass_rates up to date, a deleted batch would stay deleted. So each missing batch file is a target
    of `all`, and exactly its shard's job reruns. Listing only the missing ones (two folder listings) instead of
    every batch file (31k targets at a million prompts x 2 models, a sixth of the dry run) changes nothing: a
    present file as a target only makes Snakemake check that it is present. Before the folder exists nothing of
    the pair does, so pass_rates runs and pulls in every reward and generate job anyway. A job's own Snakemake
    (SLURM, --target-jobs) needs no targets."""
    if not workflow.is_main_process or not os.path.isdir(LAYOUT.model_dir(dataset, model)):
        return []
    missing = []
    for folder, path in ((LAYOUT.generations_dir, LAYOUT.generation), (LAYOUT.rewards_dir, LAYOUT.reward)):
        try:
            present = set(os.listdir(folder(dataset, model)))
        except FileNotFoundError:
            present = set()
        missing += [path(dataset, model, b) for b in PLAN.rows[dataset] if batch_file(b) not in present]
    return missing


def all_outputs():
    """Final outputs plus every missing batch file (see missing_batches)."""
    outputs = []
    for dataset in DATASETS:
        outputs += [LAYOUT.filtered(dataset), LAYOUT.filter_summary(dataset)]
        for model in MODELS:
            outputs += [LAYOUT.pass_rates(dataset, model), LAYOUT.idx_map(dataset, model)]
            outputs += missing_batches(dataset, model)
    return (
        outputs
        + expand(rules.report_dataset.output, dataset=DATASETS)
        + expand(rules.report_combined.output, model=MODELS)
    )
