"""A copy of the workflow in a scratch folder (for end-to-end tests and benchmarks)."""

from __future__ import annotations

import shutil
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
