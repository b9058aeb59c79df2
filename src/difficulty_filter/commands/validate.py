"""`difficulty-filter validate`: check a config file and every row of its datasets without running a model.

With `--profile profiles/slurm` (any profile with `executor: slurm`) it also checks every job's request against
the cluster's nodes (`sinfo`), as `difficulty-filter run` does before any sbatch.
"""

from __future__ import annotations

import sys
from pathlib import Path


def add_parser(sub, name):
    p = sub.add_parser(name, help="validate a config file and every row of the datasets it names")
    p.add_argument("config", help="path to config.yaml")
    p.add_argument(
        "--profile",
        help="a Snakemake SLURM profile (e.g. profiles/slurm): also check every job's resources against sinfo",
    )
    p.set_defaults(func=run)


def run(args) -> int:
    from .. import config
    from ..index import build_index

    settings = config.load(args.config)
    config.check_model_paths(settings, args.config)
    for name, path in settings.datasets.items():
        index = build_index(path, settings.filter.key_by, settings.reward)
        print(f"dataset {name}: {index.num_rows} rows checked ({path})")
    if args.profile and not cluster_fits(settings, args.profile, args.config):
        return 2
    print(f"{args.config}: OK ({len(settings.models)} models)")
    return 0


def cluster_fits(settings, profile: str, source: str) -> bool:
    """Every job of the config fits the cluster of a SLURM profile (problems go to stderr)."""
    from ..run_control import cluster_check

    def error(message: str) -> None:
        print(f"difficulty-filter validate: error: {message}", file=sys.stderr)

    folder = cluster_check.profile_dir(profile, Path.cwd())
    if folder is None:
        error(f"profile {profile!r}: no {' or '.join(cluster_check.PROFILE_FILES)} found")
        return False
    raw = cluster_check.read_profile(folder)
    if not cluster_check.is_slurm(raw):
        error(f"profile {profile!r} does not submit to SLURM (no `executor: slurm`)")
        return False
    slurm = cluster_check.slurm_args(raw, f"profile {profile}")
    try:
        problems = cluster_check.preflight(settings, slurm, source)
    except cluster_check.PreflightError as exc:
        error(f"SLURM pre-flight: {exc}")
        return False
    for problem in problems:
        error(problem)
    if not problems:
        print(f"profile {profile}: every job fits the cluster (sinfo)")
    return not problems
