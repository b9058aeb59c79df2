# prepare (optional, never part of `all`; run with `snakemake prepare_all`): per domain of config.prepare.inputs,
# patch, length-filter and sample the files like the original's run_sample_and_postprocess.py (docs/prepare.md).
# A sampled file's name ends in its row count, known only after the length filter, so each domain's outputs are
# declared as one folder: <prepare.output_dir>/<domain>/{summary.json, <domain>__<name>_sampled_<size>.parquet}.
from pathlib import Path

from difficulty_filter import __version__ as PACKAGE_VERSION
from difficulty_filter.prepare.naming import DOMAINS, output_prefix

PREPARE = config["prepare"]
PREPARE_DIR = PREPARE["output_dir"]

# Fail at parse time on bad domains, input names or a length limit without a tokenizer model.
for _domain, _paths in PREPARE["inputs"].items():
    for _path in _paths:
        output_prefix(_domain, Path(_path).name.removesuffix(".parquet"))
if PREPARE["max_prompt_tokens"] is not None and PREPARE["tokenizer_model"] is None:
    raise ValueError("config: prepare.max_prompt_tokens needs prepare.tokenizer_model (a model in `models`)")


def prepare_tokenizer_model():
    """Config of the model whose tokenizer counts prompt tokens, or None when there is no length filter."""
    if PREPARE["max_prompt_tokens"] is None:
        return None
    return config["models"][PREPARE["tokenizer_model"]]


def prepare_inputs(wildcards):
    """The domain's Parquet files, plus the tokenizer model's config.json when its folder is local or built here."""
    inputs = {"data": PREPARE["inputs"][wildcards.domain]}
    model = prepare_tokenizer_model()
    folder = Path(model["tokenizer"] or model["path"]) if model else None
    if folder and (str(folder).startswith("resources/models/") or (folder / "config.json").exists()):
        inputs["model"] = str(folder / "config.json")
    return inputs


def prepare_settings(wildcards):
    """Everything that changes a domain's sample (a change reruns it)."""
    model = prepare_tokenizer_model()
    return {
        "target_sample_size": PREPARE["target_sample_size"],
        "seed": PREPARE["seed"],
        "max_prompt_tokens": PREPARE["max_prompt_tokens"],
        "tokenizer": (model["tokenizer"] or model["path"]) if model else None,
        "chat_template_kwargs": model["chat_template_kwargs"] if model else {},
    }


rule prepare:
    input:
        unpack(prepare_inputs),
    output:
        directory(f"{PREPARE_DIR}/{{domain}}"),
    params:
        settings=prepare_settings,
        package=PACKAGE_VERSION,
    wildcard_constraints:
        domain="|".join(DOMAINS),
    localrule: True
    log:
        "logs/prepare/{domain}.log",
    benchmark:
        "benchmarks/runs/prepare/{domain}.tsv"
    conda:
        "../envs/core.yaml"
    script:
        "../scripts/prepare.py"


rule prepare_all:
    input:
        expand(f"{PREPARE_DIR}/{{domain}}", domain=PREPARE["inputs"]),
    localrule: True
