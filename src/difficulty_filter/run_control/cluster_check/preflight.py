"""The pre-flight itself: the run a command line starts, its problems on the cluster, the account hint."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ... import config as config_module
from ...settings import Settings
from .fit import check
from .profile import PROFILE_FILES, is_slurm, option_value, option_values, profile_dir, read_profile, slurm_args
from .requests import SlurmArgs, requests
from .sinfo import Node, PreflightError, read_sinfo


def preflight(
    settings: Settings, slurm: SlurmArgs, source: str = "config", nodes: list[Node] | None = None
) -> list[str]:
    """Problems of this workflow on this cluster (sinfo is read unless `nodes` is given)."""
    return check(read_sinfo() if nodes is None else nodes, requests(settings, slurm, source))


def account_hint(slurm: SlurmArgs) -> str | None:
    """Without slurm_account, the executor plugin (2.6) guesses it with a broken sacct call and prints
    `not able to get a SLURM account via sacct: sacct: invalid option -- '1'` (harmless; jobs go to the
    default account). Say how to silence it."""
    if "slurm_account" in slurm.default_resources:
        return None
    return (
        'no slurm_account set: the SLURM executor plugin will warn "not able to get a SLURM account via sacct: '
        "sacct: invalid option -- '1'\" (harmless, jobs go to your default account); set "
        f"default-resources.slurm_account in {slurm.source.removeprefix('profile ')} to silence it"
    )


@dataclass(frozen=True)
class SlurmRun:
    """A SLURM run as Snakemake arguments describe it: its settings, resource blocks and config source."""

    settings: Settings
    slurm: SlurmArgs
    source: str


def slurm_run(snakemake_args: Sequence[str], workdir: Path) -> SlurmRun | None:
    """The SLURM run these Snakemake arguments start in `workdir`, or None when they do not submit to SLURM.

    The profile comes from `--profile` (or $SNAKEMAKE_PROFILE), the config from the workflow's
    config/config.yaml updated by each `--configfile` and `--config key=value` (as Snakemake does).
    """
    args = list(snakemake_args)
    names = [n for n in (option_value(args, "--profile"), os.environ.get("SNAKEMAKE_PROFILE")) if n]
    profile, source = {}, "profile"
    if names:
        folder = profile_dir(names[0], workdir)
        if folder is None:
            raise PreflightError(f"profile {names[0]!r}: no {' or '.join(PROFILE_FILES)} found")
        profile, source = read_profile(folder), f"profile {names[0]}"
    if not is_slurm(profile, args):
        return None
    files = option_values(args, "--configfile", "--configfiles") or _as_list(profile.get("configfile"))
    raw: dict = {}
    paths = [workdir / "config" / "config.yaml", *(_resolve(f, workdir) for f in files)]
    for path in paths:
        if path.is_file():
            _merge(raw, yaml.safe_load(path.read_text()) or {})
    for item in option_values(args, "--config", "-C"):
        key, _, value = item.partition("=")
        _merge(raw, {key: yaml.safe_load(value)})
    where = ", ".join(_shown(p) for p in paths if p.is_file()) or "config"
    settings = config_module.validate(raw, where)
    return SlurmRun(settings, slurm_args(profile, source, args), where)


def run_problems(run: SlurmRun, nodes: list[Node] | None = None) -> list[str]:
    return preflight(run.settings, run.slurm, run.source, nodes)


def _shown(path: Path) -> str:
    """A path as the user knows it: relative to the current directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _as_list(value: Any) -> list[str]:
    return [] if value is None else [value] if isinstance(value, str) else list(value)


def _resolve(path: str, workdir: Path) -> Path:
    candidate = Path(path)
    return candidate if candidate.is_absolute() or candidate.exists() else workdir / candidate


def _merge(base: dict, update: dict) -> None:
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _merge(base[key], value)
        else:
            base[key] = value
