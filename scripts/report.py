"""Snakemake script: the difficulty report of one dataset (rule report_dataset) or of one model over every
dataset (rule report_combined); tables go to the log, files to the rule's named outputs."""

import sys

from difficulty_filter.report.analyze import analyze_combined, analyze_dataset, publish, report_pair
from difficulty_filter.workflow.job_console import job_console
from difficulty_filter.workflow.job_settings import job_settings

if __name__ == "__main__":
    with job_console(snakemake) as job:
        settings, inputs, wildcards = job_settings(snakemake), snakemake.input, snakemake.wildcards
        if snakemake.rule == "report_dataset":
            report = analyze_dataset(
                wildcards.dataset,
                dict(zip(settings.models, inputs.pass_rates)),
                inputs.annotated,
                inputs.filter_summary,
                inputs.reference_check,
                report_pair(settings),
                settings.report,
            )
            job.summary = (
                f"{len(report.notes)} health notes, {report.flagged.height} rows to check; {snakemake.output.overview}"
            )
        else:
            report = analyze_combined(
                wildcards.model, dict(zip(settings.datasets, inputs.pass_rates)), settings.report.pass_at_k
            )
            job.summary = snakemake.output.overview
        publish(report, dict(snakemake.output.items()), echo=sys.stdout)
