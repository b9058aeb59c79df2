# pass_rates: per dataset x model, one row per prompt, plus the original's idx_to_passrate.json.


rule pass_rates:
    input:
        lambda w: [reward_path(w.dataset, w.model, b) for b in batch_names(w.dataset)],
    output:
        table=RESULTS + "/{dataset}/{model}/pass_rates.parquet",
        idx_map=RESULTS + "/{dataset}/{model}/idx_to_passrate.json",
    params:
        exclude_infra_errors=config["reward"]["exclude_infra_errors"],
        key_by=FILTER["key_by"],
        package=difficulty_filter.__version__,
    localrule: True
    log:
        "logs/pass_rates/{dataset}/{model}.log",
    benchmark:
        "benchmarks/runs/pass_rates/{dataset}/{model}.tsv"
    conda:
        "../envs/core.yaml"
    script:
        "../scripts/pass_rates.py"
