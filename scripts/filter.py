"""Snakemake script: drop too-hard / too-easy rows and write what was dropped and why."""

from difficulty_filter.filtering.stage import filter_annotated, filter_triggers
from difficulty_filter.workflow.job_console import job_console
from difficulty_filter.workflow.job_settings import job_settings

if __name__ == "__main__":
    with job_console(snakemake) as job:
        rule = filter_triggers(job_settings(snakemake).filter)
        summary = filter_annotated(
            snakemake.input[0],
            snakemake.output.filtered,
            snakemake.output.summary,
            rule["low_thresh"],
            rule["high_thresh"],
            rule["drop_broken_tests"],
            snakemake.output.decisions,
        )
        reasons = ", ".join(f"{n} {reason}" for reason, n in summary["dropped_by_reason"].items() if n)
        job.summary = f"{summary['kept_rows']} of {summary['input_rows']} rows kept" + (
            f" ({reasons} dropped)" if reasons else ""
        )
