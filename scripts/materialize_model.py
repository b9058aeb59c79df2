"""Snakemake script: write the demo model's HF folder next to the declared config.json."""

from pathlib import Path

from difficulty_filter.demo.model import materialize
from difficulty_filter.workflow.job_console import job_console

if __name__ == "__main__":
    with job_console(snakemake) as job:
        folder = Path(snakemake.output[0]).parent
        print(materialize(folder))
        job.summary = str(folder)
