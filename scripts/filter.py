"""Snakemake script: drop too-hard / too-easy rows and write what was dropped and why."""

import json
import logging

from difficulty_filter.filtering.stage import filter_annotated

if __name__ == "__main__":
    logging.basicConfig(filename=snakemake.log[0], level=logging.INFO)
    rule = snakemake.params.triggers
    summary = filter_annotated(snakemake.input[0], snakemake.output.filtered, snakemake.output.summary,
                               rule["low_thresh"], rule["high_thresh"], rule["drop_broken_tests"],
                               snakemake.output.decisions)
    logging.info("%s", json.dumps({k: summary[k] for k in ("input_rows", "kept_rows", "dropped_by_reason")}))
