"""Snakemake script: import a model's rollouts (engine file) for one dataset, checked against its row index."""

from difficulty_filter.generation.rollouts import import_rollouts
from difficulty_filter.index import read_index
from difficulty_filter.workflow.job_console import job_console
from difficulty_filter.workflow.job_settings import job_settings

if __name__ == "__main__":
    with job_console(snakemake) as job:
        settings = job_settings(snakemake)
        index = read_index(snakemake.input.row_index)
        summary = import_rollouts(snakemake.input.rollouts, index.table, settings.sampling.n, snakemake.output[0])
        job.summary = f"{summary['responses']} responses for {summary['rows']} rows from {summary['source']}"
