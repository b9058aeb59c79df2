"""Snakemake script: write the demo model's HF folder next to the declared config.json."""

import sys
from pathlib import Path

from difficulty_filter.demo.model import materialize

with open(snakemake.log[0], "w") as log:
    sys.stderr = log
    print(materialize(Path(snakemake.output[0]).parent), file=log)
