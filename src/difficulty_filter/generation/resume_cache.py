"""Finished batches kept outside Snakemake's outputs, so a rerun of an interrupted shard reuses them.

Snakemake deletes a job's declared outputs before it reruns the job; a copy (hard link when possible)
under `cache_dir/<key[:2]>/<key>.parquet` survives that. An entry lives until the batch's reward job has read
the batch (so its generate job is recorded complete) and forgets it; a forced rerun then regenerates. (A shard
job that dropped its entries itself could be killed after that and before Snakemake recorded it, and would
generate every batch again.) The key hashes the batch's rows (positions, sources, messages) and every setting
that changes the generated text.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from collections.abc import Sequence
from pathlib import Path

from .. import atomic
from ..results.batch_check import BatchFileError, Expected, read_checked
from .inputs import Row
from .records import METADATA_KEY

log = logging.getLogger(__name__)


def batch_key(settings: dict, rows: Sequence[Row]) -> str:
    payload = {"settings": settings, "rows": [[r.index, r.data_source, r.messages] for r in rows]}
    blob = json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False).encode()
    return hashlib.sha256(blob).hexdigest()


class ResumeCache:
    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.parquet"

    def restore(self, key: str, dest: str | os.PathLike, expected: Expected | None = None) -> bool:
        """Place the cached batch at `dest` (atomically, fresh mtime); False if absent, unreadable or (checked
        against `expected`) incomplete."""
        cached = self.path(key)
        try:
            meta = atomic.read_metadata(cached, METADATA_KEY)
        except FileNotFoundError:
            return False
        except Exception as exc:  # a torn or foreign file: regenerate it
            log.warning("ignoring unreadable cached batch %s: %s", cached, exc)
            return False
        if not meta or meta.get("cache_key") != key:
            return False
        if expected is not None:
            try:
                read_checked(cached, expected)
            except BatchFileError as exc:
                log.warning("ignoring incomplete cached batch: %s", exc)
                return False
        _place(cached, Path(dest))
        os.utime(dest)
        return True

    def store(self, key: str, src: str | os.PathLike) -> None:
        _place(Path(src), self.path(key))

    def forget(self, batch: str | os.PathLike) -> None:
        """Drop the entry of a generations batch once a later stage has used it (its key is in the batch's
        metadata; placeholders have none), so `-R generate` really regenerates."""
        key = (atomic.read_metadata(batch, METADATA_KEY) or {}).get("cache_key")
        if key:
            self.path(key).unlink(missing_ok=True)


def _place(src: Path, dest: Path) -> None:
    """Hard-link (or copy across file systems) `src` to `dest` via a temp name and a rename."""
    with atomic.atomic_path(dest) as tmp:
        tmp.unlink()
        try:
            os.link(src, tmp)
        except OSError:
            shutil.copyfile(src, tmp)
