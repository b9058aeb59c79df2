"""Snakemake script: add pass-rate columns to every original row."""

import logging

from difficulty_filter.filtering.stage import annotate_dataset

if __name__ == "__main__":
    logging.basicConfig(filename=snakemake.log[0], level=logging.INFO)
    pass_rates = dict(zip(snakemake.params.models, snakemake.input.pass_rates))
    table = annotate_dataset(snakemake.input.dataset, pass_rates, snakemake.params.low_model,
                             snakemake.params.high_model, snakemake.input.reference_check, snakemake.output[0],
                             snakemake.params.provenance)
    logging.info("annotated %d rows", table.num_rows)
