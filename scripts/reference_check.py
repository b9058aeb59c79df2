"""Snakemake script: run each codegen row's own reference solution against its tests (flags broken labels)."""

import logging

from difficulty_filter.index import read_index
from difficulty_filter.scoring.reference_check import write_reference_check
from difficulty_filter.workflow import job_settings

if __name__ == "__main__":
    logging.basicConfig(filename=snakemake.log[0], level=logging.INFO,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    index = read_index(snakemake.input.row_index).table
    summary = write_reference_check(snakemake.input.dataset, index, snakemake.output[0], job_settings(snakemake).reward)
    logging.getLogger("reference_check").info("%s", summary)
