"""The original's `map` and `analyze` files: `idx_to_passrate.json` per dataset × model and the combined map."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import polars as pl

from ..atomic import write_json
from ..pass_rates.stage import idx_to_passrate
from ..results.paths import Layout

log = logging.getLogger(__name__)

CHUNK_MARK = "_chunk"


def write_map(output_dir: str | os.PathLike, dataset: str, model: str) -> Path:
    """Rebuild `<out>/<dataset>/<model>/idx_to_passrate.json` from the pass_rates.parquet next to it."""
    layout = Layout(os.fspath(output_dir))
    path = Path(layout.idx_map(dataset, model))
    write_json(path, idx_to_passrate(pl.read_parquet(layout.pass_rates(dataset, model))))
    return path


def merge_maps(maps: Mapping[str, Mapping[str, float | None]]) -> dict[str, float | None]:
    """Union of the maps in order; a key already seen is logged as a warning and the later value wins."""
    merged: dict[str, float | None] = {}
    for name, mapping in maps.items():
        repeated = [key for key in mapping if key in merged]
        if repeated:
            log.warning(
                "%d keys of %s were already in an earlier dataset; the later value wins (e.g. %s)",
                len(repeated),
                name,
                ", ".join(repeated[:3]),
            )
        merged.update(mapping)
    return merged


def combined_name(datasets: Sequence[str]) -> str:
    """The shared prefix before `_chunk` when every dataset name has the same one, else `combined`."""
    prefixes = {name.split(CHUNK_MARK, 1)[0] for name in datasets if CHUNK_MARK in name}
    if len(prefixes) == 1 and all(CHUNK_MARK in name for name in datasets):
        return prefixes.pop()
    return "combined"


def combined_path(output_dir: str | os.PathLike, datasets: Sequence[str], model: str) -> Path:
    """`<out>/<name>/<model>_combined.json` as the original's `analyze --save_combined` writes it."""
    return Path(output_dir) / combined_name(datasets) / f"{model}_combined.json"


def load_maps(
    output_dir: str | os.PathLike, datasets: Sequence[str], model: str, regenerate: bool = False
) -> dict[str, dict[str, float | None]]:
    """Each dataset's map, rebuilt first with `regenerate` or when missing; datasets without a model
    folder are skipped with a warning."""
    maps = {}
    for dataset in datasets:
        layout = Layout(os.fspath(output_dir))
        folder = Path(layout.model_dir(dataset, model))
        if not folder.is_dir():
            log.warning("skipping %s: %s does not exist", dataset, folder)
            continue
        path = Path(layout.idx_map(dataset, model))
        if regenerate or not path.exists():
            write_map(output_dir, dataset, model)
        maps[dataset] = json.loads(path.read_text(encoding="utf-8"))
    return maps
