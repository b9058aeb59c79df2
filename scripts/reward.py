"""Snakemake script: score the generations of one shard, batch by batch, into one rewards file per batch.

A placeholder batch (zero rows, past the end of the data) gets a zero-row rewards file, like its generations.
"""

import polars as pl

from difficulty_filter.generation.resume_cache import ResumeCache
from difficulty_filter.results.paths import Layout
from difficulty_filter.scoring.batch_file import score_batch_file
from difficulty_filter.workflow.job_console import job_console
from difficulty_filter.workflow.job_settings import job_settings


class ShardProgress:
    """The job's one progress record over every batch: totals set once for the shard, per-batch totals ignored."""

    def __init__(self, progress):
        self.progress = progress

    def expect(self, prompts=None, responses=None):
        pass

    def __getattr__(self, name):
        return getattr(self.progress, name)


def responses_of(path) -> int:
    return pl.read_parquet(path, columns=["sample_index"]).filter(pl.col("sample_index") >= 0).height


if __name__ == "__main__":
    with job_console(snakemake) as job:
        settings = job_settings(snakemake)
        batches = list(zip(snakemake.input.generations, snakemake.params.parts, snakemake.output))
        layout = Layout(settings.results_dir)
        cache = ResumeCache(layout.generation_cache(snakemake.wildcards.dataset, snakemake.wildcards.model))
        counts = {}
        with job.progress(settings.results_dir) as progress:
            progress.expect(
                prompts=sum(stop - start for _, (start, stop), _ in batches),
                responses=sum(responses_of(gens) for gens, _, _ in batches),
            )
            for generations, rows, rewards in batches:
                batch = score_batch_file(
                    generations,
                    snakemake.input.dataset,
                    rows,
                    rewards,
                    settings.reward,
                    ShardProgress(progress),
                    settings.sampling,
                )
                for outcome, n in batch.items():
                    counts[outcome] = counts.get(outcome, 0) + n
                # the batch is used: its generate job is recorded complete, so its resume-cache entry can go
                cache.forget(generations)
        outcomes = ", ".join(f"{n} {outcome}" for outcome, n in sorted(counts.items(), key=lambda c: -c[1]))
        job.summary = f"{len(batches)} batches, {sum(counts.values())} responses: {outcomes or 'none'}"
