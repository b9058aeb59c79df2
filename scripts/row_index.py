"""Snakemake script: validate every row of a dataset and write its row index."""

from difficulty_filter.index import write_index
from difficulty_filter.workflow.job_console import job_console
from difficulty_filter.workflow.job_settings import job_settings

if __name__ == "__main__":
    with job_console(snakemake) as job:
        settings = job_settings(snakemake)
        summary = write_index(snakemake.input[0], snakemake.output[0], settings.filter.key_by, settings.reward)
        unknown = f", {summary['unknown_sources']} with an unknown data_source" if summary["unknown_sources"] else ""
        job.summary = f"{summary['rows']} rows checked{unknown}"
