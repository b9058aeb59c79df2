# difficulty-filter: measure how hard each prompt of an RL dataset is for given LLMs, and filter by it.
# Stages, one rule file each: model -> row_index -> generate -> reward -> pass_rates -> filter -> report.
from snakemake.utils import min_version

from difficulty_filter.config import errors_reported
from difficulty_filter.workflow.batch_repair import repair_damaged_batches, repair_requested
from difficulty_filter.workflow.plan import plan_workflow

min_version("9.0")


configfile: "config/config.yaml"


report: "report/workflow.rst"


# Read-only: validates the config, checks models and prepare inputs, plans batches from each dataset's footer;
# a mistake ends the parse with one line naming the key and the file.
with errors_reported():
    PLAN = plan_workflow(config, workflow.configfiles, announce=workflow.is_main_process)
# Only a real run started by `difficulty-filter run` deletes damaged batch files (a dry run changes nothing).
if repair_requested(workflow.is_main_process):
    repair_damaged_batches(PLAN)


include: "rules/common.smk"


wildcard_constraints:
    dataset="|".join(DATASETS),
    model="|".join(MODELS),
    shard=r"\d{5}",
    part=r"\d{3}",


include: "rules/model.smk"
include: "rules/row_index.smk"
include: "rules/generate.smk"
include: "rules/reward.smk"
include: "rules/pass_rates.smk"
include: "rules/filter.smk"
include: "rules/report.smk"
include: "rules/prepare.smk"


rule all:
    default_target: True
    input:
        all_outputs(),
