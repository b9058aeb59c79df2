# report_dataset: per dataset, difficulty tables, health notes and plots for every model.
# report_combined: one model over every dataset (the original's `analyze --datasets ... --save_combined`).
# Outputs wrapped in report() make up `snakemake --report report.html`.


rule report_dataset:
    input:
        pass_rates=[LAYOUT.pass_rates("{dataset}", m) for m in MODELS],
        annotated=LAYOUT.annotated("{dataset}"),
        filter_summary=LAYOUT.filter_summary("{dataset}"),
        reference_check=LAYOUT.reference_check("{dataset}"),
    output:
        overview=dataset_report("overview.html", "overview", "Tables", "all tables"),
        summary=dataset_report("summary.json", "summary", "Tables", "statistics (JSON)"),
        buckets=dataset_report("buckets.tsv", "buckets", "Tables", "difficulty buckets"),
        sampling=dataset_report("sampling.tsv", "sampling", "Tables", "pass@k and majority vote"),
        filter=dataset_report("filter.tsv", "filter", "Tables", "filter: kept and dropped"),
        notes=dataset_report("notes.tsv", "notes", "Health", "health notes"),
        flagged=dataset_report("flagged.tsv", "flagged", "Health", "rows to check"),
        histogram=dataset_report("pass_rate_hist.png", "pass_rate_hist", "Plots", "pass-rate histogram"),
        lengths=dataset_report("length_vs_pass_rate.png", "length_vs_pass_rate", "Plots", "response length"),
        outcomes=dataset_report("outcome_shares.png", "outcome_shares", "Plots", "outcome shares"),
        filter_effect=dataset_report("filter_effect.png", "filter", "Plots", "filter: kept and dropped"),
        **pair_outputs(),
    params:
        triggers=report_params,
    localrule: True
    log:
        "logs/report_dataset/{dataset}.log",
    benchmark:
        "benchmarks/runs/report_dataset/{dataset}.tsv"
    conda:
        "../envs/core.yaml"
    script:
        "../scripts/report.py"


rule report_combined:
    input:
        pass_rates=[LAYOUT.pass_rates(d, "{model}") for d in DATASETS],
    output:
        overview=combined_report("overview.html", "combined", "all tables"),
        summary=combined_report("summary.json", "combined", "statistics (JSON)"),
        buckets=combined_report("buckets.tsv", "combined", "difficulty buckets"),
        histogram=combined_report("pass_rate_hist.png", "pass_rate_hist", "pass-rate histogram"),
        bucket_shares=combined_report("bucket_shares.png", "combined", "buckets per dataset"),
        mapping=LAYOUT.combined_map("{model}"),
    params:
        triggers=report_params,
    localrule: True
    log:
        "logs/report_combined/{model}.log",
    benchmark:
        "benchmarks/runs/report_combined/{model}.tsv"
    conda:
        "../envs/core.yaml"
    script:
        "../scripts/report.py"
