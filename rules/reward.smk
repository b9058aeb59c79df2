# reward: one CPU job per generate shard, writing one rewards file per batch of it (zero-row placeholders past the
# end of the data, like generate), so a million prompts make about as many reward jobs (and sbatch allocations)
# as generate jobs instead of K times as many (docs/performance.md). A missing or damaged rewards batch reruns its
# shard's reward job; `snakemake -R reward` rescores from the stored generations.
# reference_check: each codegen row's own reference solution, graded like a response.


rule reward:
    input:
        generations=expand(LAYOUT.generation("{{dataset}}", "{{model}}", "s{{shard}}_p{part}"), part=PARTS),
        dataset=dataset_path,
        row_index=ancient(LAYOUT.row_index("{dataset}")),
    output:
        expand(LAYOUT.reward("{{dataset}}", "{{model}}", "s{{shard}}_p{part}"), part=PARTS),
    params:
        parts=shard_parts,
        triggers=REWARD_TRIGGERS,
    threads: SETTINGS.reward.workers
    resources:
        mem_mb=REWARD_JOB["mem_mb"],
        runtime=REWARD_JOB["runtime"],
    log:
        "logs/reward/{dataset}/{model}/s{shard}.log",
    benchmark:
        "benchmarks/runs/reward/{dataset}/{model}/s{shard}.tsv"
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
        mem_mb=REFERENCE_JOB["mem_mb"],
        runtime=REFERENCE_JOB["runtime"],
    log:
        "logs/reference_check/{dataset}.log",
    benchmark:
        "benchmarks/runs/reference_check/{dataset}.tsv"
    conda:
        "../envs/core.yaml"
    script:
        "../scripts/reference_check.py"
