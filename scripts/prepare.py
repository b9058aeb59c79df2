"""Snakemake script: patch, length-filter and sample one domain's input files into the rule's output folder."""

import json
import logging
from pathlib import Path

from difficulty_filter.prepare.length_filter import PromptLengthFilter
from difficulty_filter.prepare.run import Settings, prepare

if __name__ == "__main__":
    logging.basicConfig(filename=snakemake.log[0], level=logging.INFO)
    options = snakemake.params.triggers
    length_filter = None if options["max_prompt_tokens"] is None else PromptLengthFilter(
        options["tokenizer"], options["max_prompt_tokens"], chat_template_kwargs=options["chat_template_kwargs"])
    out = Path(snakemake.output[0])
    summary = prepare(snakemake.input.data, Settings(
        domain=snakemake.wildcards.domain, output_dir=out, target_sample_size=options["target_sample_size"],
        seed=options["seed"], length_filter=length_filter, summary_path=out / "summary.json"))
    logging.info("%s", json.dumps(summary["totals"]))
