"""How one model's generate job samples when `sampling.adaptive` is on: its stopping rule, the models of the
cascade it waits for, the rows they already dropped, and the settings that rerun it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..adaptive.cascade import cascade_order, dropped_by, model_sides, upstream
from ..adaptive.rules import StopRule
from ..adaptive.sides import Side
from ..pass_rates.stage import per_prompt, read_rewards
from ..scoring.batch_file import triggers as reward_triggers
from ..settings import FilterSettings, ModelSettings, RewardSettings, Settings, as_dict


@dataclass(frozen=True)
class AdaptivePlan:
    rule: StopRule
    upstream: dict[str, tuple[Side, ...]]  # earlier models of the cascade -> the sides they decide
    reward: RewardSettings
    speculate: bool = True  # fill free engine capacity with samples that may not be needed (GPU engines)

    def triggers(self) -> dict:
        """What changes this model's adaptive generations besides the text settings: where sampling stops
        depends on the rule, on the scores (reward settings) and on the earlier models of the cascade."""
        return {
            "rule": as_dict(self.rule),
            "upstream": {m: as_dict(s) for m, s in self.upstream.items()},
            "reward": reward_triggers(self.reward),
            "exclude_infra_errors": self.reward.exclude_infra_errors,
        }

    def skipped_rows(self, upstream_rewards: Mapping[str, Sequence[str | Path]]) -> set[int]:
        """Rows an earlier model of the cascade drops, from its reward batches ({model: paths}), judged as the
        filter will judge them."""
        skipped: set[int] = set()
        for model, sides in self.upstream.items():
            rates = per_prompt(read_rewards(upstream_rewards[model]), self.reward.exclude_infra_errors)
            drops = dropped_by(rates["pass_rate"].to_list(), sides)
            skipped.update(row for row, drop in zip(rates["row_index"].to_list(), drops) if drop)
        return skipped


def filter_sides(filter_settings: FilterSettings) -> dict[str, tuple[str, float] | None]:
    """{"low": (model, threshold) or None, "high": ...} of the filter settings."""
    return {
        kind: (rule.model, rule.threshold) if (rule := getattr(filter_settings, kind)) else None
        for kind in ("low", "high")
    }


def sampling_order(settings: Settings) -> list[str]:
    """The filter's models in cascade order (cheapest first by `models.<name>.cost`, else weak first)."""
    return cascade_order(filter_sides(settings.filter), {m: s.cost for m, s in settings.models.items()})


def plan_for(settings: Settings, model: str) -> AdaptivePlan | None:
    """The model's adaptive plan, or None when `sampling.adaptive` is off."""
    mode = settings.sampling.adaptive
    if mode == "off":
        return None
    sides = filter_sides(settings.filter)
    rule = StopRule(
        model_sides(sides, model), mode, settings.sampling.confidence.interval, settings.sampling.confidence.level
    )
    earlier = upstream(sampling_order(settings), model)
    return AdaptivePlan(
        rule, {m: model_sides(sides, m) for m in earlier}, settings.reward, speculate=uses_gpus(settings.models[model])
    )


def uses_gpus(model: ModelSettings) -> bool:
    """Whether the model's engine runs on GPUs (external servers are assumed to), where samples that fill
    idle batch slots cost almost no time; on a CPU every token costs its time, so nothing is speculated."""
    return model.gpus_per_job > 0 or bool(model.server.urls)


def upstream_models(settings: Settings, model: str) -> list[str]:
    """Models whose reward batches the model's generate jobs wait for (none unless adaptive)."""
    return [] if settings.sampling.adaptive == "off" else upstream(sampling_order(settings), model)
