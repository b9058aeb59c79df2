"""Samples already drawn, kept outside Snakemake's outputs so that a generate job rerun for another reason than
the text (thresholds, the filter's model assignment, `sampling.n`, the adaptive mode) draws only the samples
it lacks.

Sample j of row i is fixed by the model's text settings, the prompt settings, the sampling settings other than
`n` and the adaptive ones, the row's content and the seed `seeds.sample_seed(sampling.seed, i, j)`
(`requests.triggers` without those keys). Snakemake deletes a job's outputs before it reruns the job; the
store, one Parquet file per batch under `<root>/<key[:2]>/<key>.parquet`, survives that. Its key hashes those
settings and the batch's rows (positions, sources, messages); a file holds every sample drawn so far of those
rows (`row_index`, `sample_index`, `response`, `response_tokens`, `finish_reason`), so a later job with a
larger `n`, other thresholds or another mode takes samples 0..m-1 from it and draws only the rest. Nothing in
it is ever wrong to delete: a job then draws again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from .. import atomic
from ..settings import ModelSettings, PromptSettings, SamplingSettings
from .inputs import Row
from .records import Sample
from .requests import triggers

log = logging.getLogger(__name__)

#: Sampling settings that change which samples are drawn, never the text of sample j.
NOT_TEXT = ("n", "adaptive", "confidence")
STORE_KEY = "difficulty_filter.sample_store"
SCHEMA = pa.schema(
    [
        ("row_index", pa.int64()),
        ("sample_index", pa.int32()),
        ("response", pa.string()),
        ("response_tokens", pa.int32()),
        ("finish_reason", pa.string()),
    ]
)

#: {row_index: {sample_index: Sample}}
Drawn = dict[int, dict[int, Sample]]


def text_settings(model: ModelSettings, sampling: SamplingSettings, prompts: PromptSettings) -> dict:
    """The generate triggers that fix a sample's text: all of them but `n` and the adaptive settings."""
    settings = triggers(model, sampling, prompts)
    settings["sampling"] = {k: v for k, v in settings["sampling"].items() if k not in NOT_TEXT}
    return settings


def store_key(settings: Mapping, rows: Sequence[Row]) -> str:
    payload = {"settings": settings, "rows": [[r.index, r.data_source, r.messages] for r in rows]}
    blob = json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False).encode()
    return hashlib.sha256(blob).hexdigest()


class SampleStore:
    """Drawn samples per batch of rows; `root` None keeps nothing (every lookup is empty)."""

    def __init__(self, root: str | os.PathLike | None):
        self.root = None if root is None else Path(root)

    def path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.parquet"

    def load(self, key: str) -> Drawn:
        """The samples stored under `key` ({} when none, or when the file is unreadable: they are drawn again)."""
        if self.root is None:
            return {}
        path = self.path(key)
        try:
            if (atomic.read_metadata(path, STORE_KEY) or {}).get("key") != key:
                return {}
            table = pq.read_table(path, schema=SCHEMA)
        except FileNotFoundError:
            return {}
        except Exception as exc:  # a torn or foreign file
            log.warning("ignoring unreadable sample store file %s: %s", path, exc)
            return {}
        drawn: Drawn = {}
        for row, j, text, tokens, reason in zip(*(table.column(c).to_pylist() for c in SCHEMA.names)):
            drawn.setdefault(row, {})[j] = Sample(text, tokens, reason)
        return drawn

    def save(self, key: str, drawn: Mapping[int, Mapping[int, Sample]]) -> None:
        """Store `drawn` (merged with what the key already holds) atomically."""
        if self.root is None or not any(drawn.values()):
            return
        merged = self.load(key)
        for row, samples in drawn.items():
            merged.setdefault(row, {}).update(samples)
        entries = [(row, j, s) for row in sorted(merged) for j, s in sorted(merged[row].items())]
        table = pa.table(
            {
                "row_index": [r for r, _, _ in entries],
                "sample_index": [j for _, j, _ in entries],
                "response": [s.text for _, _, s in entries],
                "response_tokens": [s.tokens for _, _, s in entries],
                "finish_reason": [s.finish_reason for _, _, s in entries],
            },
            schema=SCHEMA,
        )
        try:
            atomic.write_parquet(self.path(key), table, {STORE_KEY: {"key": key}})
        except OSError as exc:  # a full disk must not fail the job: the samples are in its outputs
            log.warning("could not store drawn samples in %s: %s", self.path(key), exc)
