# pass_rates: per dataset x model, one row per prompt (ids from the row index), plus idx_to_passrate.json.


rule pass_rates:
    input:
        rewards=reward_batches,
        row_index=LAYOUT.row_index("{dataset}"),
    output:
        table=LAYOUT.pass_rates("{dataset}", "{model}"),
        idx_map=LAYOUT.idx_map("{dataset}", "{model}"),
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
