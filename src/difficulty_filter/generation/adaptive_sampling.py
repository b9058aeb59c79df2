"""Adaptive generation of one shard: samples are scored as they finish and more are queued only for prompts
still open, with one engine for all batches and no barrier between rounds. A sample already drawn by an
earlier job (the sample store) is taken instead of drawn again, and the job's progress counts every sample
that joins a prompt's decided prefix and every prompt that closes, as it happens."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from ..adaptive.record import CASCADE, NOT_GENERATED, PromptRecord
from ..adaptive.rules import StopRule
from ..adaptive.sampler import PromptProgress, Scheduler
from ..adaptive.tally import Tally
from ..outcomes import INFRA_OUTCOMES, ScoreRequest
from .background_scorer import BackgroundScorer
from .records import Sample
from .seeds import sample_seed
from .stream import POLL_SECONDS, SampleStream

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AdaptivePrompt:
    row_index: int
    token_ids: list[int]
    skipped: bool  # an earlier model of the cascade already dropped the row


@dataclass(frozen=True)
class BatchOutcome:
    """A finished batch: per prompt the samples of its decided prefix (None when not sampled) and its record."""

    number: int
    samples: list[list[Sample] | None]
    records: list[PromptRecord]
    generated_tokens: int  # every finished sample, including those past a prompt's stopping point
    drawn: dict[int, dict[int, Sample]] = field(default_factory=dict)  # row -> j -> sample the engine made now
    reused: int = 0  # samples taken from `stored` instead of drawn


def _no_progress(**counts: int) -> None:
    pass


def sample_adaptively(
    engine: SampleStream,
    scorer: BackgroundScorer,
    batches: Sequence[Sequence[AdaptivePrompt]],
    rule: StopRule,
    n: int,
    base_seed: int,
    excluding: bool,
    score_request: Callable[[int, Sample], ScoreRequest],
    speculate: bool = True,
    stored: Mapping[int, Mapping[int, Sample]] | None = None,
    on_progress: Callable[..., None] = _no_progress,
) -> Iterator[BatchOutcome]:
    """Yield each batch as soon as all its prompts are closed. `score_request(row_index, sample)` builds the
    verifier request of a sample; `excluding` leaves infra outcomes out of pass rates (as the pass-rate stage);
    `speculate` fills the engine's free capacity with further samples of open prompts. `stored` ({row_index:
    {sample_index: sample}}) holds samples drawn before, taken instead of drawing them (they are scored again).
    `on_progress(prompts=, responses=, tokens=)` gets, as they happen, each prompt that closes, each sample
    that joins a prompt's decided prefix and the tokens of each sample the engine finishes."""
    stored = stored or {}
    flat = [(b, p) for b, batch in enumerate(batches) for p in batch]
    progress = [PromptProgress(p.row_index, rule, Tally(n, excluding=excluding)) for _, p in flat]
    for state, (_, p) in zip(progress, flat):
        if p.skipped:
            state.close(CASCADE)
    if skipped := sum(p.skipped for _, p in flat):
        on_progress(prompts=skipped)
    samples: list[dict[int, Sample]] = [{} for _ in flat]
    drawn: list[dict[int, dict[int, Sample]]] = [{} for _ in batches]
    reused = [0] * len(batches)
    tokens = [0] * len(batches)
    members = [[k for k, (b, _) in enumerate(flat) if b == number] for number in range(len(batches))]
    waiting = set(range(len(batches)))
    scheduler = Scheduler(progress, engine.capacity if speculate else 0)
    while waiting:
        for number in sorted(b for b in waiting if all(progress[k].closed for k in members[b])):
            waiting.discard(number)
            yield _outcome(
                number,
                [progress[k] for k in members[number]],
                [samples[k] for k in members[number]],
                tokens[number],
                drawn[number],
                reused[number],
            )
        if not waiting:
            return
        scheduler.capacity = engine.capacity if speculate else 0  # 0 until a lazily opened engine is open
        for k, j in scheduler.hand_out(engine.running + scorer.pending):  # unscored samples count as in flight
            row = progress[k].row_index
            known = stored.get(row, {}).get(j)
            if known is None:
                engine.submit((k, j), flat[k][1].token_ids, sample_seed(base_seed, row, j))
            else:  # drawn by an earlier job with the same text settings: score it again, draw nothing
                reused[flat[k][0]] += 1
                samples[k][j] = known
                scorer.submit((k, j), score_request(row, known))
        for (k, j), sample in engine.poll(POLL_SECONDS if engine.running else 0.0):
            if sample is None:
                if not progress[k].closed:
                    progress[k].close(NOT_GENERATED)
                    on_progress(prompts=1)
                engine.abort([(k, i) for i in progress[k].outstanding])
                scheduler.changed(k)
                continue
            tokens[flat[k][0]] += sample.tokens
            on_progress(tokens=sample.tokens)
            drawn[flat[k][0]].setdefault(progress[k].row_index, {})[j] = sample
            if not progress[k].closed:  # a sample that finished after its prompt closed is not needed
                samples[k][j] = sample
                scorer.submit((k, j), score_request(progress[k].row_index, sample))
        for (k, j), result in scorer.poll(0.0 if engine.running else POLL_SECONDS):
            before, was_closed = progress[k].tally.drawn, progress[k].closed
            aborted = progress[k].record(j, result.passed, result.outcome in INFRA_OUTCOMES)
            joined, closed = progress[k].tally.drawn - before, progress[k].closed and not was_closed
            if joined or closed:
                on_progress(prompts=int(closed), responses=joined)
            engine.abort([(k, i) for i in aborted])
            scheduler.changed(k)


def _outcome(
    number: int,
    prompts: list[PromptProgress],
    samples: list[dict[int, Sample]],
    tokens: int,
    drawn: dict[int, dict[int, Sample]],
    reused: int,
) -> BatchOutcome:
    kept = [
        None if p.stop_reason in (CASCADE, NOT_GENERATED) else [s[j] for j in range(p.tally.drawn)]
        for p, s in zip(prompts, samples)
    ]
    return BatchOutcome(number, kept, [p.record_of() for p in prompts], tokens, drawn, reused)
