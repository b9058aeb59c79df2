"""Snakemake script: score one batch of generations."""

from difficulty_filter.generation.resume_cache import ResumeCache
from difficulty_filter.results.paths import Layout
from difficulty_filter.scoring.batch_file import score_batch_file
from difficulty_filter.workflow.job_console import job_console
from difficulty_filter.workflow.job_settings import job_settings

if __name__ == "__main__":
    with job_console(snakemake) as job:
        settings = job_settings(snakemake)
        with job.progress(settings.results_dir) as progress:
            counts = score_batch_file(
                snakemake.input.generations,
                snakemake.input.dataset,
                snakemake.params.rows,
                snakemake.output[0],
                settings.reward,
                progress,
                settings.sampling,
            )
        # the batch is used: its generate job is recorded complete, so its resume-cache entry can go
        layout = Layout(settings.results_dir)
        cache = layout.generation_cache(snakemake.wildcards.dataset, snakemake.wildcards.model)
        ResumeCache(cache).forget(snakemake.input.generations)
        outcomes = ", ".join(f"{n} {outcome}" for outcome, n in sorted(counts.items(), key=lambda c: -c[1]))
        job.summary = f"{sum(counts.values())} responses: {outcomes or 'none'}"
