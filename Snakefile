# difficulty-filter: measure how hard each prompt of an RL dataset is for given LLMs, and filter by it.
# Stages, one rule file each: model -> row_index -> generate -> reward -> pass_rates -> filter -> report.
from snakemake.utils import min_version

min_version("9.0")


configfile: "config/config.yaml"


report: "report/workflow.rst"


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
