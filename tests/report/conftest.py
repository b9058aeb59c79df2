"""Fixtures of the report tests."""

from pathlib import Path

import pytest

from .synthetic_results import write_dataset


@pytest.fixture
def dataset_inputs(tmp_path: Path) -> dict:
    """Every input of rule analyze for a 300-prompt, two-model dataset `demo`."""
    return write_dataset(tmp_path / "results", "demo")
