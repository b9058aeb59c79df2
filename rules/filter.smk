# annotate: original rows + pass-rate columns; filter: drop too-hard / too-easy rows, with reasons.


rule annotate:
    input:
        dataset=dataset_path,
        row_index=row_index_path("{dataset}"),
        pass_rates=[pass_rates_path("{dataset}", m) for m in MODELS],
        reference_check=reference_check_path("{dataset}"),
    output:
        annotated_path("{dataset}"),
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
        annotated_path("{dataset}"),
    output:
        filtered=filtered_path("{dataset}"),
        decisions=filter_decisions_path("{dataset}"),
        summary=filter_summary_path("{dataset}"),
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
