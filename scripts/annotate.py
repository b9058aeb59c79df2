"""Snakemake script: add pass-rate columns to every original row."""

from difficulty_filter.filtering.stage import annotate_dataset
from difficulty_filter.index import read_index
from difficulty_filter.workflow.job_console import job_console
from difficulty_filter.workflow.job_settings import job_settings
from difficulty_filter.workflow.provenance import provenance

if __name__ == "__main__":
    with job_console(snakemake) as job:
        settings = job_settings(snakemake)
        pass_rates = dict(zip(settings.models, snakemake.input.pass_rates))
        table = annotate_dataset(
            snakemake.input.dataset,
            read_index(snakemake.input.row_index).n_rows,
            pass_rates,
            settings.filter,
            snakemake.input.reference_check,
            snakemake.output[0],
            provenance(settings),
        )
        job.summary = f"{table.num_rows} rows annotated"
