"""What the workflow's scripts share: the typed settings of the running job."""

from __future__ import annotations

from .. import config
from ..settings import Settings


def job_settings(snakemake) -> Settings:
    """The validated settings of the config a Snakemake job runs with (cheap: no data is read)."""
    return config.validate(snakemake.config)
