"""Snakemake script: patch, length-filter and sample one domain's input files into the rule's output folder."""

from pathlib import Path

from difficulty_filter.job_console import job_console
from difficulty_filter.prepare.length_filter import PromptLengthFilter
from difficulty_filter.prepare.run import Settings, prepare

if __name__ == "__main__":
    with job_console(snakemake) as job:
        options = snakemake.params.triggers
        length_filter = (
            None
            if options["max_prompt_tokens"] is None
            else PromptLengthFilter(
                options["tokenizer"], options["max_prompt_tokens"], chat_template_kwargs=options["chat_template_kwargs"]
            )
        )
        out = Path(snakemake.output[0])
        summary = prepare(
            snakemake.input.data,
            Settings(
                domain=snakemake.wildcards.domain,
                output_dir=out,
                target_sample_size=options["target_sample_size"],
                seed=options["seed"],
                length_filter=length_filter,
                summary_path=out / "summary.json",
            ),
        )
        totals = summary["totals"]
        job.summary = (
            f"{totals['rows_sampled']} of {totals['rows_input']} rows sampled "
            f"({totals['rows_after_length_filter']} after the length filter) -> {out}"
        )
