"""A copy of the workflow in a scratch folder (for end-to-end tests and benchmarks)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import yaml

#: What a run of the Snakefile needs from the repository.
WORKFLOW_FILES = ("Snakefile", "rules", "scripts", "config", "profiles", "report", "envs")


def copy_workflow(repo: Path, dest: Path, config: dict | None = None) -> Path:
    """Copy the workflow from `repo` to `dest`; `config` (if given) becomes its config/config.yaml."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in WORKFLOW_FILES:
        src = repo / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, dest / name)
    if config is not None:
        (dest / "config" / "config.yaml").write_text(yaml.safe_dump(config))
    return dest


def workflow_command(work: Path, *args: str, resumable: bool = True) -> list[str]:
    """The command line that runs the copied workflow in `work` (`difficulty-filter run` unless not
    `resumable`, then plain `snakemake`); `args` go to Snakemake."""
    runner = ["difficulty_filter.cli", "run"] if resumable else ["snakemake"]
    return [sys.executable, "-m", *runner, "--directory", str(work), "--snakefile", str(work / "Snakefile"), *args]
