# row_index: one cheap pass that validates every row and gives each its id, before any GPU time is spent.


rule row_index:
    input:
        dataset_path,
    output:
        LAYOUT.row_index("{dataset}"),
    params:
        triggers=row_index_params,
    localrule: True
    log:
        "logs/row_index/{dataset}.log",
    benchmark:
        "benchmarks/runs/row_index/{dataset}.tsv"
    conda:
        "../envs/core.yaml"
    script:
        "../scripts/row_index.py"
