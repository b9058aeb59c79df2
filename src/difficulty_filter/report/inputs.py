"""Read the pipeline outputs the report is built from."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any

import polars as pl

from ..atomic import read_metadata
from ..domains import with_domain
from ..filtering.annotate import PROVENANCE_KEY
from .tables import with_bucket, with_sampling_state

#: Columns of pass_rates.parquet that files of earlier versions lack (read as null).
LATER_COLUMNS = {
    "majority_answer": pl.String,
    "majority_count": pl.Int64,
    "majority_share": pl.Float64,
    "majority_correct": pl.Boolean,
}


def read_pass_rates(paths: Mapping[str, Mapping[str, str | os.PathLike]]) -> pl.DataFrame:
    """pass_rates.parquet files given as {dataset: {model: path}}, stacked into one long frame.

    Adds `dataset`, `model`, `domain`, `bucket` and `fully_sampled` columns; columns missing from one file are
    null, except the sampling record (`tables.with_sampling_state`: a file without it drew every sample).
    """
    frames = [
        pl.read_parquet(path).with_columns(dataset=pl.lit(dataset), model=pl.lit(model))
        for dataset, by_model in paths.items()
        for model, path in by_model.items()
    ]
    frame = pl.concat(frames, how="diagonal_relaxed")
    frame = frame.with_columns(
        pl.lit(None, dtype).alias(name) for name, dtype in LATER_COLUMNS.items() if name not in frame.columns
    )
    return with_sampling_state(with_bucket(with_domain(frame)))


def read_provenance(path: str | os.PathLike) -> dict[str, Any] | None:
    """The provenance JSON the annotate/filter stages store in a Parquet file's metadata, if any."""
    return read_metadata(path, PROVENANCE_KEY)


def read_json(path: str | os.PathLike) -> Any:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)
