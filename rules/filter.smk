# annotate: original rows + pass-rate columns; filter: drop too-hard / too-easy rows, with reasons.


rule annotate:
    input:
        dataset=dataset_path,
        row_index=LAYOUT.row_index("{dataset}"),
        pass_rates=[LAYOUT.pass_rates("{dataset}", m) for m in MODELS],
        reference_check=LAYOUT.reference_check("{dataset}"),
    output:
        LAYOUT.annotated("{dataset}"),
    params:
        triggers=annotate_params,
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
        LAYOUT.annotated("{dataset}"),
    output:
        filtered=LAYOUT.filtered("{dataset}"),
        decisions=LAYOUT.filter_decisions("{dataset}"),
        summary=LAYOUT.filter_summary("{dataset}"),
    params:
        triggers=filter_params,
    localrule: True
    log:
        "logs/filter/{dataset}.log",
    benchmark:
        "benchmarks/runs/filter/{dataset}.tsv"
    conda:
        "../envs/core.yaml"
    script:
        "../scripts/filter.py"
