"""The confidence rule: stops no later than the exact rule, and the observed pass rate it leaves behind
always gives the filter the decision it stopped on."""

import itertools
import math

import pytest

from difficulty_filter.adaptive import DROP, KEEP, Side, StopRule, Tally
from difficulty_filter.adaptive.record import CONFIDENCE, EXACT
from difficulty_filter.stats.jeffreys import beta_cdf, jeffreys_interval

from .test_exact_rule import HIGHS, LOWS, filter_keeps, sides


@pytest.mark.parametrize("interval", ["wilson", "jeffreys"])
@pytest.mark.parametrize("level", [0.5, 0.8, 0.95])
def test_recorded_rate_agrees_with_the_stop_decision(interval, level):
    for low_t, high_t in itertools.product(LOWS, HIGHS):
        if low_t is None and high_t is None:
            continue
        rule = StopRule(sides(low_t, high_t), "confidence", interval, level)
        exact = StopRule(sides(low_t, high_t))
        for n in (4, 16):
            for drawn in range(n + 1):
                for passes in range(drawn + 1):
                    tally = Tally(n, drawn, passes)
                    decision, reason = rule.verdict(tally)
                    if exact.verdict(tally)[0]:
                        assert reason == EXACT
                    if decision:
                        rate = tally.observed_rate()
                        assert filter_keeps(rate, rate, low_t, high_t) == (decision == KEEP)


def test_confidence_stops_the_weak_model_after_one_failure_at_95_percent():
    rule = StopRule((Side("high", 0.9),), "confidence", "wilson", 0.95)
    assert rule.verdict(Tally(16, 1, 0)) == (KEEP, CONFIDENCE)
    assert rule.verdict(Tally(16, 8, 8)) == (None, None)  # Wilson lower bound of 8/8 is 0.68 < 0.9
    assert StopRule((Side("high", 0.9),), "confidence", "jeffreys", 0.5).verdict(Tally(16, 12, 12))[0] == DROP


def test_jeffreys_matches_closed_forms():
    x = 0.3
    assert beta_cdf(x, 0.5, 0.5) == pytest.approx(2 / math.pi * math.asin(math.sqrt(x)), abs=1e-12)
    assert beta_cdf(x, 2.5, 1.0) == pytest.approx(x**2.5, abs=1e-12)
    assert beta_cdf(0.9, 1.0, 3.5) == pytest.approx(1 - 0.1**3.5, abs=1e-12)
    low, high = jeffreys_interval(0, 16, 0.95)
    assert low == 0.0 and beta_cdf(high, 0.5, 16.5) == pytest.approx(0.975, abs=1e-9)
    low, high = jeffreys_interval(3, 16, 0.9)
    assert beta_cdf(low, 3.5, 13.5) == pytest.approx(0.05, abs=1e-9)
    assert beta_cdf(high, 3.5, 13.5) == pytest.approx(0.95, abs=1e-9)
    assert jeffreys_interval(16, 16)[1] == 1.0 and jeffreys_interval(0, 0) == (0.0, 1.0)
