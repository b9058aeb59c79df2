# prepare (optional, never part of `all`; run with `snakemake prepare_all`): per domain of config.prepare.inputs,
# patch, length-filter and sample the files like the original's run_sample_and_postprocess.py (docs/prepare.md).
# A sampled file's name ends in its row count, known only after the length filter, so each domain's outputs are
# declared as one folder: <prepare.output_dir>/<domain>/{summary.json, <domain>__<name>_sampled_<size>.parquet}.


rule prepare:
    input:
        unpack(prepare_inputs),
    output:
        directory(f"{PREPARE.output_dir}/{{domain}}"),
    params:
        triggers=prepare_params,
    wildcard_constraints:
        domain="|".join(DOMAINS),
    localrule: True
    log:
        "logs/prepare/{domain}.log",
    benchmark:
        "benchmarks/runs/prepare/{domain}.tsv"
    conda:
        "../envs/core.yaml"
    script:
        "../scripts/prepare.py"


rule prepare_all:
    input:
        expand(f"{PREPARE.output_dir}/{{domain}}", domain=PREPARE.inputs),
    localrule: True
