"""Snakemake script: run each codegen row's own reference solution against its tests (flags broken labels)."""

from difficulty_filter.index import read_index
from difficulty_filter.scoring.reference_check import write_reference_check
from difficulty_filter.workflow.job_console import job_console
from difficulty_filter.workflow.job_settings import job_settings

if __name__ == "__main__":
    with job_console(snakemake) as job:
        index = read_index(snakemake.input.row_index).table
        summary = write_reference_check(
            snakemake.input.dataset, index, snakemake.output[0], job_settings(snakemake).reward
        )
        job.summary = f"{summary['checked']} reference solutions run, {summary['failed']} fail their tests"
