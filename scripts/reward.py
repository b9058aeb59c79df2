"""Snakemake script: score one batch of generations."""

import logging

from difficulty_filter.scoring.batch_file import score_batch_file
from difficulty_filter.workflow import job_settings

if __name__ == "__main__":
    logging.basicConfig(filename=snakemake.log[0], level=logging.INFO,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    counts = score_batch_file(snakemake.input.generations, snakemake.input.dataset, snakemake.params.rows,
                              snakemake.output[0], job_settings(snakemake).reward)
    logging.getLogger("reward").info("outcomes: %s", counts)
