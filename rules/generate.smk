# generate: one job per shard of K consecutive batches; the model is loaded once per job.


rule generate:
    input:
        dataset=lambda w: config["datasets"][w.dataset],
        model=model_inputs,
    output:
        expand(RESULTS + "/{{dataset}}/{{model}}/generations/batch_s{{shard}}_p{part}.parquet", part=PARTS),
    params:
        parts=lambda w: [batch_rows(w.dataset, f"s{w.shard}_p{p}") for p in PARTS],
        generation=generation_params,
        cache_dir=lambda w: f"{RESULTS}/.cache/generations/{w.dataset}/{w.model}",
        gpu_lock_dir=f"{RESULTS}/.gpu_locks",
    threads: lambda w: workflow.cores if model_cfg(w.model)["gpus_per_job"] == 0 else 4
    resources:
        gpu=lambda w: model_cfg(w.model)["gpus_per_job"],
        mem_mb=lambda w: model_cfg(w.model)["slurm"].get("mem_mb", 32000),
        runtime=lambda w: model_cfg(w.model)["slurm"].get("runtime", 240),
    log:
        "logs/generate/{dataset}/{model}/s{shard}.log",
    benchmark:
        "benchmarks/runs/generate/{dataset}/{model}/s{shard}.tsv"
    conda:
        "../envs/vllm.yaml"
    script:
        "../scripts/generate.py"
