"""Jeffreys interval for a binomial proportion (equal-tailed Beta(k + 1/2, n - k + 1/2) quantiles)."""

from __future__ import annotations

import math


def jeffreys_interval(successes: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Lower and upper bound at `level`; the lower bound is 0 when successes == 0 and the upper 1 when
    successes == n (Brown, Cai & DasGupta 2001); (0, 1) when n == 0."""
    if n < 0 or not 0 <= successes <= n:
        raise ValueError(f"need 0 <= successes <= n, got successes={successes}, n={n}")
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be in (0, 1), got {level}")
    if n == 0:
        return 0.0, 1.0
    a, b, tail = successes + 0.5, n - successes + 0.5, (1.0 - level) / 2
    lower = 0.0 if successes == 0 else beta_quantile(tail, a, b)
    upper = 1.0 if successes == n else beta_quantile(1.0 - tail, a, b)
    return lower, upper


def beta_quantile(q: float, a: float, b: float) -> float:
    """x with regularized incomplete beta I_x(a, b) = q, by bisection (the CDF is increasing)."""
    lo, hi = 0.0, 1.0
    for _ in range(100):
        mid = (lo + hi) / 2
        if beta_cdf(mid, a, b) < q:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def beta_cdf(x: float, a: float, b: float) -> float:
    """Regularized incomplete beta I_x(a, b), by its continued fraction (modified Lentz)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    if x > (a + 1) / (a + b + 2):  # the fraction converges fast only below the mean; use the symmetry
        return 1.0 - math.exp(log_front) * _fraction(1.0 - x, b, a) / b
    return math.exp(log_front) * _fraction(x, a, b) / a


def _fraction(x: float, a: float, b: float, tiny: float = 1e-300) -> float:
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    result = d
    for m in range(1, 300):
        for numerator in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            result *= d * c
        if abs(d * c - 1.0) < 1e-15:
            break
    return result
