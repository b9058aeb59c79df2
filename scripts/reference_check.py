"""Snakemake script: run each codegen row's own reference solution against its tests (flags broken labels)."""

import logging

from difficulty_filter.sandbox.reference import write_reference_check

if __name__ == "__main__":
    logging.basicConfig(filename=snakemake.log[0], level=logging.INFO,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    reward = snakemake.params.scoring["reward"]
    summary = write_reference_check(snakemake.input.dataset, snakemake.output[0], reward["code"])
    logging.getLogger("reference_check").info("%s", summary)
