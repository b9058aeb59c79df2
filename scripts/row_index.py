"""Snakemake script: validate every row of a dataset and write its row index."""

import logging

from difficulty_filter.index import write_index
from difficulty_filter.workflow import job_settings

if __name__ == "__main__":
    logging.basicConfig(filename=snakemake.log[0], level=logging.INFO)
    settings = job_settings(snakemake)
    summary = write_index(snakemake.input[0], snakemake.output[0], settings.filter.key_by, settings.reward)
    logging.info("row index: %s", summary)
