"""`run_shard`: the K batch files of one shard, with at most one model load."""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Collection
from dataclasses import dataclass, field

from ..dataset import DatasetError
from ..results.batch_check import expected_batch
from ..results.progress import Progress
from ..scoring.batch_file import score_request, truth_rows
from ..settings import ModelSettings, PromptSettings, SamplingSettings
from .adaptive_plan import AdaptivePlan
from .adaptive_sampling import AdaptivePrompt, sample_adaptively
from .background_scorer import BackgroundScorer
from .engines import open_engine
from .inputs import Row, read_rows
from .lazy_stream import LazyStream
from .prompts import PreparedPrompt, PromptTooLong, load_tokenizer, prompt_limit, template_ids, truncate
from .records import Sample, batch_table, write_batch, write_placeholder
from .requests import Request, file_metadata, triggers
from .resume_cache import ResumeCache, batch_key
from .rollouts import copy_rollouts
from .sample_store import Drawn, SampleStore, store_key, text_settings
from .seeds import sample_seed
from .stream import SampleStream

log = logging.getLogger(__name__)


@dataclass
class _Batch:
    rows: list[Row]
    out: str
    key: str
    store_key: str = ""
    prompts: list[PreparedPrompt] = field(default_factory=list)
    stored: Drawn = field(default_factory=dict)  # samples of these rows drawn by earlier jobs


def run_shard(
    dataset_path: str,
    parts: list[tuple[int, int, str]],
    model: ModelSettings,
    sampling: SamplingSettings,
    prompts: PromptSettings,
    cache_dir: str,
    rollouts: str | None = None,
    gpu_lock_dir: str | None = None,
    progress: Progress | None = None,
    adaptive: AdaptivePlan | None = None,
    skipped_rows: Collection[int] = (),
    sample_store: str | None = None,
) -> dict:
    """Write one generations Parquet per `(row_start, row_stop, path)` part; return run statistics.

    Batches found in the resume cache (left by an interrupted run) are reused; the model is loaded only if some
    batch is left. Cache entries outlive this call: the reward job of each batch forgets its entry
    (`ResumeCache.forget`), so a job killed after writing every part, before Snakemake recorded it, reuses
    them all. The stats count
    this call's work: `prompts` and `output_tokens` leave out reused batches; so does `progress`, which gets
    the work left, the phases and each written batch. With an `adaptive` plan each prompt stops sampling as its
    rule allows and `skipped_rows` (dropped by an earlier model of the cascade) are not sampled;
    `output_tokens` then also counts samples drawn past a prompt's stopping point (speculation), and `progress`
    counts prompts as they close and samples as they join a prompt's decided prefix, not only whole batches.

    Every sample drawn is also kept in the sample store (`sample_store`, default `default_store(cache_dir)`; see
    `sample_store.py`), keyed by what fixes its text (not `n` nor the adaptive settings): a batch missing from
    the resume cache takes the samples stored for its rows and draws only the others (`reused_samples`).
    """
    progress = progress or Progress(None)
    started = time.monotonic()
    stats = {
        "model_loads": 0,
        "prompts": 0,
        "output_tokens": 0,
        "seconds": 0.0,
        "reused_batches": 0,
        "reused_samples": 0,
    }
    if model.engine == "file":  # responses from `rollouts` (imported by rule import_generations): nothing to cache
        stats["prompts"] = copy_rollouts(
            rollouts, parts, sampling.n, file_metadata(model, sampling, prompts, None), progress
        )
        stats["seconds"] = round(time.monotonic() - started, 3)
        return stats
    cache = ResumeCache(cache_dir)
    store = SampleStore(sample_store if sample_store is not None else default_store(cache_dir))
    text = text_settings(model, sampling, prompts)
    settings = triggers(model, sampling, prompts) | ({"adaptive": adaptive.triggers()} if adaptive else {})
    skipped_rows = set(skipped_rows)
    todo = []
    for start, stop, out, rows in _part_rows(dataset_path, parts):
        if stop <= start:
            write_placeholder(out, file_metadata(model, sampling, prompts, None))
            continue
        key = batch_key(settings | {"skipped": sorted(r.index for r in rows if r.index in skipped_rows)}, rows)
        if cache.restore(key, out, expected_batch(start, stop, sampling)):
            log.info("reused cached batch for rows [%d, %d) -> %s", start, stop, out)
            stats["reused_batches"] += 1
        else:
            todo.append(_Batch(rows, out, key, store_key(text, rows)))
    left = sum(len(b.rows) for b in todo)
    # adaptive: how many samples are needed is not known ahead, so the time left goes by prompts
    progress.expect(prompts=left, responses=None if adaptive else left * sampling.n)
    for batch in todo:
        batch.stored = store.load(batch.store_key)
    if todo:
        progress.phase("loading model")
        tokenizer = load_tokenizer(model)
        _prepare(todo, tokenizer, dataset_path, model, sampling, prompts)
        everything_stored = not adaptive and all(
            len(b.stored.get(r.index, {}).keys() & set(range(sampling.n))) == sampling.n for b in todo for r in b.rows
        )
        if adaptive:  # loads the model only once a sample is not in the store
            opened = _lazily(lambda: open_engine(model, sampling, tokenizer, gpu_lock_dir), progress)
        else:
            opened = _stored_only() if everything_stored else open_engine(model, sampling, tokenizer, gpu_lock_dir)
        with opened as (engine, loads):
            if loads is not None:
                stats["model_loads"] = loads
                progress.note(model_loads=loads)
            progress.phase("generating")
            tables = (
                _adaptive_tables(engine, todo, dataset_path, sampling, adaptive, skipped_rows, progress)
                if adaptive
                else _full_tables(engine, todo, sampling)
            )
            for batch, table, generated_tokens, drawn, reused in tables:
                store.save(batch.store_key, drawn)
                write_batch(batch.out, table, file_metadata(model, sampling, prompts, batch.key))
                cache.store(batch.key, batch.out)
                stats["prompts"] += len(batch.rows)
                stats["output_tokens"] += generated_tokens
                stats["reused_samples"] += reused
                if not adaptive:  # the adaptive loop counts its progress as prompts close
                    samples = sum(s >= 0 for s in table.column("sample_index").to_pylist())
                    progress.add(prompts=len(batch.rows), responses=samples, tokens=generated_tokens)
                log.info("wrote %s (%d rows%s)", batch.out, table.num_rows, f", {reused} stored samples" * bool(reused))
        if adaptive:
            stats["model_loads"] = engine.loads
    stats["seconds"] = round(time.monotonic() - started, 3)
    log.info("model loads: %d", stats["model_loads"])
    return stats


@contextlib.contextmanager
def _lazily(opener, progress: Progress):
    """(engine opened on its first sample, None): the adaptive path's engine; its `loads` once the loop ends."""

    def opened(loads: int) -> None:
        progress.note(model_loads=loads)
        progress.phase("generating")

    with LazyStream(opener, lambda: progress.phase("loading model"), opened) as engine:
        yield engine, None


@contextlib.contextmanager
def _stored_only():
    """The engine of a job whose every sample is in the sample store: no model is loaded, nothing is drawn."""
    yield _NoEngine(), 0


class _NoEngine:
    def generate(self, batches):
        yield from ((i, [[] for _ in requests]) for i, requests in enumerate(batches))


def default_store(cache_dir: str | os.PathLike) -> str:
    """A sample store beside a resume cache, for callers that name none (the workflow passes
    `Layout.sample_store`)."""
    return f"{cache_dir}.samples"


def _full_tables(engine, todo: list[_Batch], sampling: SamplingSettings):
    """(batch, generations table, tokens generated, samples drawn now, samples reused) as batches finish: n
    samples per prompt, of which those in the batch's stored samples are not drawn again."""
    missing = [[[j for j in range(sampling.n) if j not in b.stored.get(r.index, {})] for r in b.rows] for b in todo]
    requests = [
        [
            Request(p.token_ids, tuple(sample_seed(sampling.seed, r.index, j) for j in wanted))
            for r, p, wanted in zip(b.rows, b.prompts, missing[i])
        ]
        for i, b in enumerate(todo)
    ]
    for i, results in engine.generate(requests):
        batch = todo[i]
        results = results or [[] for _ in batch.rows]  # a batch with every sample stored drew nothing
        merged: list[list[Sample] | None] = []
        drawn: Drawn = {}
        for row, wanted, got in zip(batch.rows, missing[i], results, strict=True):
            if got is None:  # the engine refused the prompt
                merged.append(None)
                continue
            drawn[row.index] = dict(zip(wanted, got))
            have = {**batch.stored.get(row.index, {}), **drawn[row.index]}
            merged.append([have[j] for j in range(sampling.n)])
        table = batch_table(batch.rows, batch.prompts, merged)
        tokens = sum(s.tokens for samples in drawn.values() for s in samples.values())
        reused = sum(len(samples) for samples in merged if samples is not None) - sum(map(len, drawn.values()))
        yield batch, table, tokens, drawn, reused


def _adaptive_tables(
    engine,
    todo: list[_Batch],
    dataset_path: str,
    sampling: SamplingSettings,
    plan: AdaptivePlan,
    skipped_rows: set[int],
    progress: Progress,
):
    """(batch, generations table with records, tokens generated, samples drawn now, samples reused) as batches
    finish: samples scored as they arrive, each prompt stopped by the plan's rule, cascade-skipped rows not
    sampled, stored samples taken before any is drawn."""
    if not isinstance(engine, SampleStream):
        raise ValueError(
            f"sampling.adaptive needs an engine that streams samples (offline or server), not {type(engine).__name__}"
        )
    truth = truth_rows(dataset_path, todo[0].rows[0].index, todo[-1].rows[-1].index + 1)
    jobs = [
        [AdaptivePrompt(r.index, p.token_ids, r.index in skipped_rows) for r, p in zip(b.rows, b.prompts)] for b in todo
    ]
    with BackgroundScorer(plan.reward) as scorer:
        for done in sample_adaptively(
            engine,
            scorer,
            jobs,
            plan.rule,
            sampling.n,
            sampling.seed,
            plan.reward.exclude_infra_errors,
            lambda row, s: score_request(truth[row], s.text, s.finish_reason),
            plan.speculate,
            stored={row: samples for b in todo for row, samples in b.stored.items()},
            on_progress=progress.add,
        ):
            batch = todo[done.number]
            table = batch_table(batch.rows, batch.prompts, done.samples, done.records)
            yield batch, table, done.generated_tokens, done.drawn, done.reused


def _part_rows(dataset_path: str, parts: list[tuple[int, int, str]]):
    """(start, stop, out, rows) per part, reading the shard's row range once."""
    real = [(start, stop) for start, stop, _ in parts if stop > start]
    lo, hi = (min(s for s, _ in real), max(e for _, e in real)) if real else (0, 0)
    rows = read_rows(dataset_path, lo, hi) if real else []
    for start, stop, out in parts:
        yield start, stop, out, rows[start - lo : stop - lo] if stop > start else []


def _prepare(
    todo: list[_Batch],
    tokenizer,
    dataset_path: str,
    model: ModelSettings,
    sampling: SamplingSettings,
    prompts: PromptSettings,
) -> None:
    """Template and truncate every prompt before any model is loaded (so `truncation: error` fails fast)."""
    limit = prompt_limit(model, sampling, prompts)
    for batch in todo:
        for row in batch.rows:
            ids = template_ids(tokenizer, row.messages, model.chat_template_kwargs)
            try:
                batch.prompts.append(truncate(ids, limit, prompts.max_prompt_length, prompts.truncation))
            except PromptTooLong as exc:
                raise DatasetError(dataset_path, row.index, "prompt", str(exc)) from None
