"""Snakemake script: generate the K batch files of one shard with one model load."""

import logging

from difficulty_filter.generation import run_shard

if __name__ == "__main__":
    logging.basicConfig(filename=snakemake.log[0], level=logging.INFO,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    gen = snakemake.params.generation
    parts = [(start, stop, out) for (start, stop), out in zip(snakemake.params.parts, snakemake.output)]
    stats = run_shard(snakemake.input.dataset, parts, gen["model"], gen["sampling"], gen["prompts"],
                      cache_dir=snakemake.params.cache_dir, gpu_lock_dir=snakemake.params.gpu_lock_dir,
                      key_by="auto")  # row ids here are informational; the pass_rates rule enforces filter.key_by
    logging.getLogger("generate").info("shard done: %s", stats)
