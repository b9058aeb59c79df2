"""The exact rule never changes a decision: for every outcome sequence, stopping where the rule allows gives
the filter the same keep/drop as all n samples (checked with the filter's own `decide`)."""

import itertools
import random

import pytest

from difficulty_filter.adaptive import DROP, KEEP, Side, StopRule, Tally
from difficulty_filter.adaptive.record import EXACT
from difficulty_filter.filtering.decisions import decide

LOWS = (None, 0.0, 1e-5, 0.1, 0.25, 0.5)
HIGHS = (None, 0.5, 0.75, 0.9, 1.0)
FAIL, PASS, INFRA = 0, 1, 2


def filter_keeps(rate_low, rate_high, low_t, high_t) -> bool:
    """The filter stage's decision for one row whose low side sees `rate_low` and high side `rate_high`."""
    return decide([rate_low], [rate_high], low_t, high_t) == [None]


def sides(low_t, high_t) -> tuple[Side, ...]:
    return tuple(Side(kind, t) for kind, t in (("low", low_t), ("high", high_t)) if t is not None)


def run(rule: StopRule, outcomes, excluding=False) -> tuple[Tally, str | None]:
    """Draw `outcomes` in order until the rule stops; the tally at the stop and the rule's decision."""
    tally = Tally(len(outcomes), excluding=excluding)
    for outcome in outcomes:
        decision, _ = rule.verdict(tally)
        if decision:
            return tally, decision
        tally = tally.add(outcome == PASS, outcome == INFRA)
    return tally, rule.verdict(tally)[0]


def full_rate(outcomes, excluding=False):
    scored = [o for o in outcomes if not (excluding and o == INFRA)]
    return sum(o == PASS for o in scored) / len(scored) if scored else None


def check(low_t, high_t, outcomes, excluding=False):
    rule = StopRule(sides(low_t, high_t))
    tally, decision = run(rule, outcomes, excluding)
    full = full_rate(outcomes, excluding)
    keeps_full = filter_keeps(full, full, low_t, high_t)
    observed = tally.observed_rate()
    assert filter_keeps(observed, observed, low_t, high_t) == keeps_full, (low_t, high_t, outcomes, tally)
    if decision:
        assert (decision == KEEP) == keeps_full
    else:  # never undecided before the end
        assert tally.drawn == len(outcomes)
    low, high = tally.rate_range()
    if full is not None:
        assert low <= full <= high


@pytest.mark.parametrize("n", range(1, 11))
def test_every_sequence_and_threshold_pair(n):
    for low_t, high_t in itertools.product(LOWS, HIGHS):
        if low_t is None and high_t is None:
            continue
        for outcomes in itertools.product((FAIL, PASS), repeat=n):
            check(low_t, high_t, outcomes)


@pytest.mark.parametrize("n", range(1, 7))
def test_every_sequence_with_infra_errors_left_out(n):
    for low_t, high_t in itertools.product(LOWS, HIGHS):
        if low_t is None and high_t is None:
            continue
        for outcomes in itertools.product((FAIL, PASS, INFRA), repeat=n):
            check(low_t, high_t, outcomes, excluding=True)


def test_random_sequences_at_n_16_and_64():
    rng = random.Random(12)
    for _ in range(4000):
        n = rng.choice((16, 64))
        p = rng.choice((0.0, 0.02, 0.5, 0.93, 1.0, rng.random()))
        outcomes = [PASS if rng.random() < p else (INFRA if rng.random() < 0.05 else FAIL) for _ in range(n)]
        low_t = rng.choice(LOWS + (rng.random(),))
        high_t = rng.choice(HIGHS + (rng.random(),))
        if low_t is not None or high_t is not None:
            check(low_t, high_t, outcomes, excluding=rng.random() < 0.5)


def test_rate_range_is_exactly_the_set_of_reachable_full_rates():
    """Brute force over the passes (a) and excluded (b) among the samples not drawn."""
    for n in range(1, 9):
        for drawn in range(n + 1):
            for passes in range(drawn + 1):
                for excluded in range(drawn - passes + 1):
                    tally = Tally(n, drawn, passes, excluded, excluding=True)
                    reachable = [
                        (passes + a) / (n - excluded - b) if n - excluded - b else None
                        for a in range(tally.remaining + 1)
                        for b in range(tally.remaining - a + 1)
                    ]
                    rates = [r for r in reachable if r is not None]
                    assert (None in reachable) == tally.may_be_missing()
                    if rates:
                        assert tally.rate_range() == (min(rates), max(rates))


def test_seed_thresholds_strong_stops_at_first_pass_weak_after_second_failure():
    strong = StopRule((Side("low", 1e-5),))
    weak = StopRule((Side("high", 0.9),))
    assert strong.verdict(Tally(16, 5, 0)) == (None, None)
    assert strong.verdict(Tally(16, 5, 1)) == (KEEP, EXACT)
    assert strong.verdict(Tally(16, 16, 0)) == (DROP, EXACT)
    assert weak.verdict(Tally(16, 1, 0)) == (None, None)
    assert weak.verdict(Tally(16, 2, 0)) == (KEEP, EXACT)
    assert weak.verdict(Tally(16, 14, 13)) == (None, None)
    assert weak.verdict(Tally(16, 15, 15)) == (DROP, EXACT)
    assert strong.samples_to_close(Tally(16)) == 1 and weak.samples_to_close(Tally(16)) == 2
    assert weak.samples_to_close(Tally(16, 3, 3)) == 2


def test_off_mode_and_annotation_only_models_draw_everything():
    assert StopRule((Side("low", 1e-5),), mode="off").verdict(Tally(16, 5, 1)) == (None, None)
    assert StopRule(()).verdict(Tally(16, 15, 15)) == (None, None)
    assert StopRule(()).samples_to_close(Tally(16, 3, 1)) == 13
