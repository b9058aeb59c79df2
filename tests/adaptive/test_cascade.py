"""The cascade: sampling order, and that skipping rows an earlier model dropped keeps the kept set."""

import random

from difficulty_filter.adaptive import Side, StopRule, Tally, cascade_order
from difficulty_filter.adaptive.cascade import dropped_by, model_sides, upstream
from difficulty_filter.filtering.decisions import decide

SEED_SIDES = {"low": ("strong", 1e-5), "high": ("weak", 0.9)}


def test_order_cheapest_first_else_high_side_first():
    assert cascade_order(SEED_SIDES, {}) == ["weak", "strong"]
    assert cascade_order(SEED_SIDES, {"weak": 0.09, "strong": 12.0}) == ["weak", "strong"]
    assert cascade_order(SEED_SIDES, {"weak": 5.0, "strong": 1.0}) == ["strong", "weak"]
    assert cascade_order(SEED_SIDES, {"weak": 5.0}) == ["weak", "strong"]  # a cost missing: weak first
    assert cascade_order({"low": ("m", 0.0), "high": ("m", 0.9)}, {}) == ["m"]
    assert cascade_order({"low": None, "high": ("weak", 0.9)}, {}) == ["weak"]
    assert upstream(["weak", "strong"], "strong") == ["weak"] and upstream(["weak", "strong"], "other") == []
    assert model_sides(SEED_SIDES, "strong") == (Side("low", 1e-5),)
    assert model_sides({"low": ("m", 0.0), "high": ("m", 0.9)}, "m") == (Side("low", 0.0), Side("high", 0.9))
    assert model_sides(SEED_SIDES, "other") == ()


def _adaptive_rate(rule: StopRule, outcomes) -> float | None:
    tally = Tally(len(outcomes))
    for passed in outcomes:
        if rule.verdict(tally)[0]:
            break
        tally = tally.add(passed)
    return tally.observed_rate()


def test_cascade_keeps_exactly_the_rows_a_full_run_keeps():
    rng = random.Random(3)
    rows = [[[rng.random() < p for _ in range(16)] for p in (rng.random(), rng.random())] for _ in range(3000)]
    rows += [[[True] * 16, [False] * 16], [[False] * 16, [True] * 16]]  # dropped by both sides
    full_weak = [sum(w) / 16 for w, _ in rows]
    full_strong = [sum(s) / 16 for _, s in rows]
    full = decide(full_strong, full_weak, 1e-5, 0.9)

    weak_rule, strong_rule = StopRule((Side("high", 0.9),)), StopRule((Side("low", 1e-5),))
    weak = [_adaptive_rate(weak_rule, w) for w, _ in rows]
    skip = dropped_by(weak, (Side("high", 0.9),))
    strong = [None if s else _adaptive_rate(strong_rule, row[1]) for s, row in zip(skip, rows)]
    cascaded = decide(strong, weak, 1e-5, 0.9)
    assert [r is None for r in cascaded] == [r is None for r in full]
    assert sum(skip) > 0
