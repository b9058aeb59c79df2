"""A Snakemake profile and command line, read as Snakemake reads them (resource blocks, options)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import yaml

from .requests import SlurmArgs

PROFILE_FILES = ("config.v8+.yaml", "config.yaml")


def profile_dir(profile: str, workdir: Path | None = None) -> Path | None:
    """The folder of a Snakemake profile given by path or name (as Snakemake looks it up), or None."""
    candidates = [Path(profile)]
    if workdir is not None:
        candidates.append(workdir / profile)
    candidates += [Path.home() / ".config" / "snakemake" / profile, Path("/etc/xdg/snakemake") / profile]
    for folder in candidates:
        if any((folder / name).is_file() for name in PROFILE_FILES):
            return folder
    return None


def read_profile(folder: Path) -> dict:
    for name in PROFILE_FILES:
        if (folder / name).is_file():
            return yaml.safe_load((folder / name).read_text()) or {}
    return {}


def is_slurm(profile: dict, snakemake_args: Sequence[str] = ()) -> bool:
    """The run submits to SLURM: the profile says `executor: slurm`, or the arguments do."""
    args = list(snakemake_args)
    for i, arg in enumerate(args):
        if arg in ("-e", "--executor") and i + 1 < len(args):
            return args[i + 1] == "slurm"
        if arg.startswith("--executor="):
            return arg.split("=", 1)[1] == "slurm"
    return profile.get("executor") == "slurm"


def slurm_args(profile: dict, source: str, snakemake_args: Sequence[str] = ()) -> SlurmArgs:
    """The resource blocks of the profile, each replaced by the command line's when it gives one."""
    blocks = {
        "default-resources": _resource_map(profile.get("default-resources") or {}),
        "set-resources": {rule: _resource_map(values) for rule, values in (profile.get("set-resources") or {}).items()},
        "set-threads": dict(_pairs(profile.get("set-threads") or {})),
    }
    cli = _cli_values(list(snakemake_args))
    for block, values in cli.items():
        if block == "set-resources":
            nested: dict[str, dict] = {}
            for item in values:
                rule, _, assignment = item.partition(":")
                name, _, value = assignment.partition("=")
                nested.setdefault(rule, {})[name] = _scalar(value)
            blocks[block] = nested
        else:
            blocks[block] = {name: _scalar(value) for name, _, value in (v.partition("=") for v in values)}
    return SlurmArgs(
        default_resources=blocks["default-resources"],
        set_resources=blocks["set-resources"],
        set_threads=blocks["set-threads"],
        source=source,
        cli_blocks=frozenset(cli),
    )


def _resource_map(values: Any) -> dict:
    return {name: _scalar(value) if isinstance(value, str) else value for name, value in _pairs(values)}


def _pairs(values: Any) -> Iterable[tuple[str, Any]]:
    """Profile blocks are mappings, or lists of `name=value` strings."""
    if isinstance(values, dict):
        return values.items()
    return [(str(v).partition("=")[0], _scalar(str(v).partition("=")[2])) for v in values]


def _scalar(value: str) -> Any:
    value = value.strip().strip("'\"")
    return int(value) if value.isdecimal() else value


def _cli_values(args: list[str]) -> dict[str, list[str]]:
    """`--set-resources a:b=c ...`, `--set-threads`, `--default-resources` from Snakemake's arguments."""
    found: dict[str, list[str]] = {}
    current = None
    for arg in args:
        name, eq, value = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        if arg.startswith("-"):
            current = name[2:] if name in ("--set-resources", "--set-threads", "--default-resources") else None
            if current is not None:
                found.setdefault(current, [])
                if eq:
                    found[current].append(value)
            continue
        if current is not None:
            found[current].append(arg)
    return found


def option_values(args: Sequence[str], *names: str) -> list[str]:
    """Every value of an option that takes one or more values (`--configfile a.yaml b.yaml`, `--profile=x`)."""
    values, taking = [], False
    for arg in args:
        if arg.startswith("-"):
            name, eq, value = arg.partition("=")
            taking = name in names and not eq
            if name in names and eq:
                values.append(value)
            continue
        if taking:
            values.append(arg)
    return values


def option_value(args: Sequence[str], name: str) -> str | None:
    """The value of the last `name VALUE` or `name=VALUE` in the arguments, or None."""
    found = None
    for i, arg in enumerate(args):
        if arg == name and i + 1 < len(args):
            found = args[i + 1]
        elif arg.startswith(name + "="):
            found = arg.split("=", 1)[1]
    return found
