"""Snakemake script: generate the K batch files of one shard with one model load."""

import logging

from difficulty_filter.generation import run_shard
from difficulty_filter.workflow import job_settings

if __name__ == "__main__":
    logging.basicConfig(filename=snakemake.log[0], level=logging.INFO,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    settings = job_settings(snakemake)
    parts = [(start, stop, out) for (start, stop), out in zip(snakemake.params.parts, snakemake.output)]
    results = f"{settings.results_dir}/.cache/generations/{snakemake.wildcards.dataset}/{snakemake.wildcards.model}"
    stats = run_shard(snakemake.input.dataset, parts, settings.models[snakemake.wildcards.model], settings.sampling,
                      settings.prompts, cache_dir=results, gpu_lock_dir=f"{settings.results_dir}/.gpu_locks")
    logging.getLogger("generate").info("shard done: %s", stats)
