# analyze: per dataset, difficulty tables, health notes and plots for every model.
# analyze_combined: one model over every dataset (the original's `analyze --datasets ... --save_combined`).
# Outputs wrapped in report() make up `snakemake --report report.html`.
from difficulty_filter.report.analyze import pair_of

# (low, high) models of the bucket matrix and heatmap; None leaves both outputs out.
REPORT_PAIR = pair_of(FILTER_MODELS, MODELS)


def dataset_report(name, caption, subcategory, label):
    """An output of rule analyze, shown in the HTML report under the dataset's name."""
    return report(
        f"{RESULTS}/{{dataset}}/report/{name}",
        caption=f"../report/{caption}.rst",
        category="{dataset}",
        subcategory=subcategory,
        labels={"content": label},
    )


def combined_report(name, caption, label):
    """An output of rule analyze_combined, shown in the HTML report under "All datasets"."""
    return report(
        f"{RESULTS}/combined/{{model}}/{name}",
        caption=f"../report/{caption}.rst",
        category="All datasets",
        subcategory="{model}",
        labels={"content": label},
    )


PAIR_OUTPUTS = (
    {
        "matrix": dataset_report("pair_matrix.tsv", "pair_matrix", "Tables", "low vs high model buckets"),
        "heatmap": dataset_report("pair_heatmap.png", "pair_matrix", "Plots", "low vs high model buckets"),
    }
    if REPORT_PAIR
    else {}
)


def report_targets():
    """Every output of rules analyze and analyze_combined (for rule all; call it after this file is included)."""
    return expand(rules.analyze.output, dataset=DATASETS) + expand(rules.analyze_combined.output, model=MODELS)


rule analyze:
    input:
        pass_rates=[pass_rates_path("{dataset}", m) for m in MODELS],
        annotated=annotated_path("{dataset}"),
        filter_summary=filter_summary_path("{dataset}"),
        reference_check=reference_check_path("{dataset}"),
    output:
        overview=dataset_report("overview.html", "overview", "Tables", "all tables"),
        summary=dataset_report("summary.json", "summary", "Tables", "statistics (JSON)"),
        buckets=dataset_report("buckets.tsv", "buckets", "Tables", "difficulty buckets"),
        filter=dataset_report("filter.tsv", "filter", "Tables", "filter: kept and dropped"),
        notes=dataset_report("notes.tsv", "notes", "Health", "health notes"),
        flagged=dataset_report("flagged.tsv", "flagged", "Health", "rows to check"),
        histogram=dataset_report("pass_rate_hist.png", "pass_rate_hist", "Plots", "pass-rate histogram"),
        lengths=dataset_report("length_vs_pass_rate.png", "length_vs_pass_rate", "Plots", "response length"),
        outcomes=dataset_report("outcome_shares.png", "outcome_shares", "Plots", "outcome shares"),
        filter_effect=dataset_report("filter_effect.png", "filter", "Plots", "filter: kept and dropped"),
        **PAIR_OUTPUTS,
    params:
        models=MODELS,
        pair=REPORT_PAIR,
        report=config["report"],
        package=difficulty_filter.__version__,
    localrule: True
    log:
        "logs/analyze/{dataset}.log",
    benchmark:
        "benchmarks/runs/analyze/{dataset}.tsv"
    conda:
        "../envs/core.yaml"
    script:
        "../scripts/analyze.py"


rule analyze_combined:
    input:
        pass_rates=[pass_rates_path(d, "{model}") for d in DATASETS],
    output:
        overview=combined_report("overview.html", "combined", "all tables"),
        summary=combined_report("summary.json", "combined", "statistics (JSON)"),
        buckets=combined_report("buckets.tsv", "combined", "difficulty buckets"),
        histogram=combined_report("pass_rate_hist.png", "pass_rate_hist", "pass-rate histogram"),
        bucket_shares=combined_report("bucket_shares.png", "combined", "buckets per dataset"),
        mapping=f"{RESULTS}/combined/{{model}}_combined.json",
    params:
        datasets=DATASETS,
        package=difficulty_filter.__version__,
    localrule: True
    log:
        "logs/analyze_combined/{model}.log",
    benchmark:
        "benchmarks/runs/analyze_combined/{model}.tsv"
    conda:
        "../envs/core.yaml"
    script:
        "../scripts/analyze.py"
