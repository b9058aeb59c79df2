"""Snakemake script: the difficulty report of one dataset (rule analyze) or of one model over every
dataset (rule analyze_combined); tables go to the log, files to the rule's named outputs."""

import logging

from difficulty_filter.report.analyze import analyze_combined, analyze_dataset, publish

if __name__ == "__main__":
    with open(snakemake.log[0], "w", encoding="utf-8") as log:
        logging.basicConfig(stream=log, level=logging.INFO)
        params, inputs = snakemake.params, snakemake.input
        if snakemake.rule == "analyze":
            report = analyze_dataset(snakemake.wildcards.dataset, dict(zip(params.models, inputs.pass_rates)),
                                     inputs.annotated, inputs.filter_summary, inputs.reference_check,
                                     params.pair, params.report["suspect_label_min_share"])
        else:
            report = analyze_combined(snakemake.wildcards.model, dict(zip(params.datasets, inputs.pass_rates)))
        publish(report, dict(snakemake.output.items()), echo=log)
