"""The weak-to-strong cascade: which model samples first, and which rows a later model may skip."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .sides import HIGH, LOW, Side


def model_sides(filter_sides: Mapping[str, tuple[str, float] | None], model: str) -> tuple[Side, ...]:
    """The sides `model` decides, from {"low": (model, threshold) or None, "high": ...}."""
    return tuple(
        Side(kind, rule[1]) for kind in (LOW, HIGH) if (rule := filter_sides.get(kind)) is not None and rule[0] == model
    )


def cascade_order(filter_sides: Mapping[str, tuple[str, float] | None], costs: Mapping[str, float | None]) -> list[str]:
    """The models that decide a side, in sampling order: cheapest first when each has a cost, otherwise the
    high ("too easy", usually the weak) side's model first."""
    deciders = list(dict.fromkeys(rule[0] for kind in (HIGH, LOW) if (rule := filter_sides.get(kind))))
    if all(costs.get(m) is not None for m in deciders):
        return sorted(deciders, key=lambda m: costs[m])  # stable: ties keep high-side first
    return deciders


def upstream(order: Sequence[str], model: str) -> list[str]:
    """Models whose decisions `model` waits for (none for a model outside the cascade)."""
    return list(order[: order.index(model)]) if model in order else []


def dropped_by(rates: Sequence[float | None], sides: Sequence[Side]) -> list[bool]:
    """Per row, whether these pass rates of one model make the filter drop it (missing rates drop)."""
    return [any(s.drops(rate) for s in sides) for rate in rates]
