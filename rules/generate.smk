# generate: one job per shard of K batches; the model is loaded once per job. Its params are the settings
# that change the text, so engine, parallelism, memory and server changes never regenerate.


rule generate:
    input:
        dataset=dataset_path,
        # checked before any GPU time; a rebuilt index (e.g. new filter.key_by) does not change the text
        row_index=ancient(LAYOUT.row_index("{dataset}")),
        model=model_inputs,
        rollouts=rollouts_input,
        # sampling.adaptive: the reward batches of this shard from the models earlier in the cascade
        cascade=cascade_inputs,
    output:
        expand(LAYOUT.generation("{{dataset}}", "{{model}}", "s{{shard}}_p{part}"), part=PARTS),
    params:
        parts=shard_parts,
        cascade=cascade_rewards,
        triggers=generate_params,
    threads: generate_threads
    resources:
        gpu=gpus_of,
        mem_mb=model_slurm("mem_mb"),
        runtime=model_slurm("runtime"),
    log:
        "logs/generate/{dataset}/{model}/s{shard}.log",
    benchmark:
        "benchmarks/runs/generate/{dataset}/{model}/s{shard}.tsv"
    conda:
        "../envs/vllm.yaml"
    script:
        "../scripts/generate.py"


# import_generations (engine file): the model's rollouts matched to this dataset's rows and checked once, sorted
# so that each generate job reads only its own rows.


rule import_generations:
    input:
        rollouts=lambda w: SETTINGS.models[w.model].generations,
        row_index=LAYOUT.row_index("{dataset}"),
    output:
        LAYOUT.imported_generations("{dataset}", "{model}"),
    params:
        triggers=import_params,
    localrule: True
    log:
        "logs/import_generations/{dataset}/{model}.log",
    benchmark:
        "benchmarks/runs/import_generations/{dataset}/{model}.tsv"
    conda:
        "../envs/core.yaml"
    script:
        "../scripts/import_generations.py"
