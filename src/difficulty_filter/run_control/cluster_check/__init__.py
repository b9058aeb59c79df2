"""Pre-flight check against a SLURM cluster: does every job the workflow will submit fit a node of its partition?

Before any `sbatch`, `difficulty-filter run` (with a SLURM profile) and `difficulty-filter validate --profile`
read the cluster's nodes with `sinfo` and compare them with what each submitted rule will ask for:

* generate, once per model (not `engine: file`): partition from the profile's `set-resources.generate`,
  `mem_mb` and `runtime` from `models.<m>.slurm`, GPUs = `gpus_per_job`, CPUs = `cpus_per_gpu` x GPUs (GPU
  models) or `set-threads.generate` (CPU models);
* reward and reference_check: partition from `set-resources`, `mem_mb`/`runtime` from
  `config.reward_job_resources` (the rules' own), CPUs = `reward.workers`;
* default-resources (what any other key falls back to).

The profile's `set-resources` win over the rule's values (as in Snakemake), so each problem names the key that
actually sets the value and the largest value that fits. `check` and `parse_sinfo` are pure (tested with
made-up sinfo text); `read_sinfo` and `preflight` call the cluster.
"""

from .fit import Request, check
from .preflight import SlurmRun, account_hint, preflight, run_problems, slurm_run
from .profile import PROFILE_FILES, is_slurm, option_value, profile_dir, read_profile, slurm_args
from .requests import SlurmArgs, requests
from .sinfo import Node, PreflightError, parse_gres, parse_sinfo, parse_time_limit, read_sinfo

__all__ = [
    "PROFILE_FILES",
    "Node",
    "PreflightError",
    "Request",
    "SlurmArgs",
    "SlurmRun",
    "account_hint",
    "check",
    "is_slurm",
    "option_value",
    "parse_gres",
    "parse_sinfo",
    "parse_time_limit",
    "preflight",
    "profile_dir",
    "read_profile",
    "read_sinfo",
    "requests",
    "run_problems",
    "slurm_args",
    "slurm_run",
]
