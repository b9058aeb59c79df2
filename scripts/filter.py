"""Snakemake script: drop too-hard / too-easy rows and write what was dropped and why."""

from difficulty_filter.filtering.stage import filter_annotated
from difficulty_filter.job_console import job_console

if __name__ == "__main__":
    with job_console(snakemake) as job:
        rule = snakemake.params.triggers
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
