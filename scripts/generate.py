"""Snakemake script: generate the K batch files of one shard with one model load."""

from difficulty_filter.generation import run_shard
from difficulty_filter.generation.adaptive_plan import plan_for
from difficulty_filter.results.paths import Layout
from difficulty_filter.results.progress import describe
from difficulty_filter.workflow.job_console import job_console
from difficulty_filter.workflow.job_settings import job_settings

if __name__ == "__main__":
    with job_console(snakemake) as job:
        settings = job_settings(snakemake)
        dataset, model = snakemake.wildcards.dataset, snakemake.wildcards.model
        parts = [(start, stop, out) for (start, stop), out in zip(snakemake.params.parts, snakemake.output)]
        layout, plan = Layout(settings.results_dir), plan_for(settings, model)
        skipped = plan.skipped_rows(snakemake.params.cascade) if plan else set()
        with job.progress(settings.results_dir) as progress:
            stats = run_shard(
                snakemake.input.dataset,
                parts,
                settings.models[model],
                settings.sampling,
                settings.prompts,
                cache_dir=layout.generation_cache(dataset, model),
                sample_store=layout.sample_store(dataset, model),
                gpu_lock_dir=layout.gpu_locks(),
                progress=progress,
                rollouts=next(iter(snakemake.input.rollouts), None),
                adaptive=plan,
                skipped_rows=skipped,
            )
        loads = stats["model_loads"]
        reused = f", {stats['reused_batches']} batches from the resume cache" if stats["reused_batches"] else ""
        job.summary = f"{describe(progress.record())}, {loads} model load{'s' * (loads != 1)}{reused}"
