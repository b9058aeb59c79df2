"""Snakemake script: per-prompt pass rates of one dataset x model."""

import logging

from difficulty_filter.stats.pass_rates import write_pass_rates

if __name__ == "__main__":
    logging.basicConfig(filename=snakemake.log[0], level=logging.INFO)
    table = write_pass_rates(snakemake.input, snakemake.config["datasets"][snakemake.wildcards.dataset],
                             snakemake.output.table, snakemake.output.idx_map,
                             snakemake.params.exclude_infra_errors, snakemake.params.key_by)
    logging.info("%d prompts, mean pass rate %.3f", table.height, table["pass_rate"].mean() or 0.0)
