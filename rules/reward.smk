# reward: one CPU job per batch; `snakemake -R reward` rescores from the stored generations.
# reference_check: each codegen row's own reference solution, graded like a response.


rule reward:
    input:
        generations=LAYOUT.generation("{dataset}", "{model}", "s{shard}_p{part}"),
        dataset=dataset_path,
        row_index=ancient(LAYOUT.row_index("{dataset}")),
    output:
        LAYOUT.reward("{dataset}", "{model}", "s{shard}_p{part}"),
    params:
        rows=lambda w: batch_rows(w.dataset, f"s{w.shard}_p{w.part}"),
        triggers=reward_params,
    threads: SETTINGS.reward.workers
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
        dataset=dataset_path,
        row_index=LAYOUT.row_index("{dataset}"),
    output:
        LAYOUT.reference_check("{dataset}"),
    params:
        triggers=reference_check_params,
    threads: SETTINGS.reward.workers
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
