"""Snakemake script: per-prompt pass rates of one dataset x model."""

from difficulty_filter.index import read_index
from difficulty_filter.pass_rates.stage import write_pass_rates
from difficulty_filter.workflow.job_console import job_console
from difficulty_filter.workflow.job_settings import job_settings

if __name__ == "__main__":
    with job_console(snakemake) as job:
        settings = job_settings(snakemake)
        table = write_pass_rates(
            snakemake.input.rewards,
            read_index(snakemake.input.row_index),
            snakemake.output.table,
            snakemake.output.idx_map,
            settings.reward.exclude_infra_errors,
            settings.report.pass_at_k,
        )
        job.summary = f"{table.height} prompts, mean pass rate {table['pass_rate'].mean() or 0.0:.3f}"
