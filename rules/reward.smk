# reward: one CPU job per batch; `snakemake -R reward` rescores from the stored generations.


rule reward:
    input:
        generations=RESULTS + "/{dataset}/{model}/generations/batch_s{shard}_p{part}.parquet",
        dataset=lambda w: config["datasets"][w.dataset],
    output:
        RESULTS + "/{dataset}/{model}/rewards/batch_s{shard}_p{part}.parquet",
    params:
        rows=lambda w: batch_rows(w.dataset, f"s{w.shard}_p{w.part}"),
        scoring=reward_params,
    threads: config["reward"]["workers"]
    resources:
        mem_mb=8000,
        runtime=60,
    log:
        "logs/reward/{dataset}/{model}/s{shard}_p{part}.log",
    benchmark:
        "benchmarks/runs/reward/{dataset}/{model}/s{shard}_p{part}.tsv"
    conda:
        "../envs/core.yaml"
    script:
        "../scripts/reward.py"


rule reference_check:
    input:
        dataset=lambda w: config["datasets"][w.dataset],
    output:
        RESULTS + "/{dataset}/reference_check.parquet",
    params:
        scoring=reward_params,
    threads: config["reward"]["workers"]
    resources:
        mem_mb=8000,
        runtime=60,
    log:
        "logs/reference_check/{dataset}.log",
    benchmark:
        "benchmarks/runs/reference_check/{dataset}.tsv"
    conda:
        "../envs/core.yaml"
    script:
        "../scripts/reference_check.py"
