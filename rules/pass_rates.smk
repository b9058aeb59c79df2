# pass_rates: per dataset x model, one row per prompt (ids from the row index), plus idx_to_passrate.json.


rule pass_rates:
    input:
        rewards=reward_batches,
        row_index=row_index_path("{dataset}"),
    output:
        table=pass_rates_path("{dataset}", "{model}"),
        idx_map=idx_map_path("{dataset}", "{model}"),
    params:
        triggers=pass_rates_params,
    localrule: True
    log:
        "logs/pass_rates/{dataset}/{model}.log",
    benchmark:
        "benchmarks/runs/pass_rates/{dataset}/{model}.tsv"
    conda:
        "../envs/core.yaml"
    script:
        "../scripts/pass_rates.py"
