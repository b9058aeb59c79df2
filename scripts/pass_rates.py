"""Snakemake script: per-prompt pass rates of one dataset x model."""

import logging

from difficulty_filter.index import read_index
from difficulty_filter.stats.pass_rates import write_pass_rates
from difficulty_filter.workflow import job_settings

if __name__ == "__main__":
    logging.basicConfig(filename=snakemake.log[0], level=logging.INFO)
    table = write_pass_rates(snakemake.input.rewards, read_index(snakemake.input.row_index), snakemake.output.table,
                             snakemake.output.idx_map, job_settings(snakemake).reward.exclude_infra_errors)
    logging.info("%d prompts, mean pass rate %.3f", table.height, table["pass_rate"].mean() or 0.0)
