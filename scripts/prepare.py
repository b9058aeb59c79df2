"""Snakemake script: patch, length-filter and sample one domain's input files into the rule's output folder."""

from pathlib import Path

from difficulty_filter.prepare.run import domain_job, prepare
from difficulty_filter.workflow.job_console import job_console
from difficulty_filter.workflow.job_settings import job_settings

if __name__ == "__main__":
    with job_console(snakemake) as job:
        out = Path(snakemake.output[0])
        summary = prepare(snakemake.input.data, domain_job(job_settings(snakemake), snakemake.wildcards.domain, out))
        totals = summary["totals"]
        job.summary = (
            f"{totals['rows_sampled']} of {totals['rows_input']} rows sampled "
            f"({totals['rows_after_length_filter']} after the length filter) -> {out}"
        )
