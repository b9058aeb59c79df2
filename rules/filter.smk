# annotate: original rows + pass-rate columns; filter: drop too-hard / too-easy rows, with reasons.


def provenance(wildcards):
    """How the numbers were made; recorded in annotated/filtered Parquet metadata and the summary."""
    from difficulty_filter.verifiers.registry import VERIFIER_VERSIONS

    models = {m: {k: model_cfg(m).get(k) for k in ("path", "revision", "dtype", "engine")} for m in MODELS}
    return {"package": difficulty_filter.__version__, "models": models, "sampling": config["sampling"],
            "prompts": config["prompts"], "reward": config["reward"], "verifiers": VERIFIER_VERSIONS}


rule annotate:
    input:
        dataset=lambda w: config["datasets"][w.dataset],
        pass_rates=[pass_rates_path("{dataset}", m) for m in MODELS],
        reference_check=RESULTS + "/{dataset}/reference_check.parquet",
    output:
        RESULTS + "/{dataset}/annotated.parquet",
    params:
        models=MODELS,
        low_model=FILTER_MODELS["low"],
        high_model=FILTER_MODELS["high"],
        provenance=provenance,
    localrule: True
    log:
        "logs/annotate/{dataset}.log",
    benchmark:
        "benchmarks/runs/annotate/{dataset}.tsv"
    conda:
        "../envs/core.yaml"
    script:
        "../scripts/annotate.py"


rule filter:
    input:
        RESULTS + "/{dataset}/annotated.parquet",
    output:
        filtered=RESULTS + "/{dataset}/filtered.parquet",
        decisions=RESULTS + "/{dataset}/filter_decisions.parquet",
        summary=RESULTS + "/{dataset}/filter_summary.json",
    params:
        low_thresh=(FILTER.get("low") or {}).get("threshold"),
        high_thresh=(FILTER.get("high") or {}).get("threshold"),
        drop_broken_tests=FILTER["drop_broken_tests"],
    localrule: True
    log:
        "logs/filter/{dataset}.log",
    benchmark:
        "benchmarks/runs/filter/{dataset}.tsv"
    conda:
        "../envs/core.yaml"
    script:
        "../scripts/filter.py"
