"""The sampler: results arriving in any order stop a prompt where the sequential prefix would, the
scheduler hands out what each prompt needs first, and speculates only when the engine has room."""

import random

from difficulty_filter.adaptive import Side, StopRule, Tally
from difficulty_filter.adaptive.record import CASCADE, EXACT, FULL
from difficulty_filter.adaptive.sampler import PromptProgress, Scheduler

STRONG = StopRule((Side("low", 1e-5),))
WEAK = StopRule((Side("high", 0.9),))


def sequential_stop(rule, outcomes):
    tally = Tally(len(outcomes))
    for passed in outcomes:
        if rule.verdict(tally)[0]:
            break
        tally = tally.add(passed)
    return tally


def drive(prompts, outcomes, capacity, rng):
    """A fake engine finishing in-flight samples in random order; returns samples generated per prompt."""
    scheduler = Scheduler(prompts, capacity)
    generating: set[tuple[int, int]] = set()
    generated = [0] * len(prompts)
    while scheduler.open:
        generating |= set(scheduler.hand_out(len(generating)))
        p, j = rng.choice(sorted(generating))
        generating.discard((p, j))
        generated[p] += 1
        for aborted in prompts[p].record(j, outcomes[p][j]):
            generating.discard((p, aborted))
        scheduler.changed(p)
    assert not any(p.outstanding for p in prompts if not p.closed)
    return generated


def test_any_arrival_order_stops_where_the_prefix_does():
    rng = random.Random(5)
    for capacity in (1, 3, 50):
        outcomes = [[rng.random() < p for _ in range(16)] for p in (0.0, 0.05, 0.5, 0.95, 1.0) * 6]
        rules = [rng.choice((STRONG, WEAK, StopRule((), "off"))) for _ in outcomes]
        prompts = [PromptProgress(i, rule, Tally(16)) for i, rule in enumerate(rules)]
        drive(prompts, outcomes, capacity, rng)
        for prompt, rule, outs in zip(prompts, rules, outcomes):
            expected = sequential_stop(rule, outs)
            assert prompt.tally == expected
            assert prompt.stop_reason == (FULL if expected.drawn == 16 else EXACT)
            record = prompt.record_of()
            assert (record.drawn, record.passes) == (expected.drawn, expected.passes)


def test_needs_come_first_then_speculation_fills_the_engine():
    prompts = [PromptProgress(i, STRONG, Tally(16)) for i in range(3)]
    scheduler = Scheduler(prompts, capacity=2)
    assert scheduler.hand_out(0) == [(0, 0), (1, 0), (2, 0)]  # needs beat capacity
    assert scheduler.hand_out(3) == []  # nothing changed, no room
    assert Scheduler(prompts, capacity=5).hand_out(3) == [(0, 1), (1, 1)]  # room for two more
    weak = PromptProgress(0, WEAK, Tally(16))
    assert Scheduler([weak], capacity=1).hand_out(0) == [(0, 0), (0, 1)]  # two failures can close it
    assert Scheduler([weak], capacity=0).hand_out(0) == []  # no speculation: needs only


def test_closed_prompts_hand_out_nothing_and_report_aborts():
    prompt = PromptProgress(0, STRONG, Tally(16))
    assert prompt.hand_out(4) == [0, 1, 2, 3]
    assert prompt.record(2, True) == []  # waits for samples 0 and 1
    assert prompt.record(0, False) == []
    assert prompt.record(1, True) == [2, 3]  # closed after sample 1: samples 2 and 3 are aborted
    assert prompt.tally == Tally(16, 2, 1) and prompt.stop_reason == EXACT
    assert prompt.hand_out(1) == [] and prompt.wanted() == 0
    skipped = PromptProgress(1, STRONG, Tally(16))
    skipped.close(CASCADE)
    assert skipped.record_of().drawn == 0 and skipped.record_of().stop_reason == CASCADE
