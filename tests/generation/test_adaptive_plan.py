"""A model's adaptive plan from the settings: its rule, the models it waits for, what reruns it, and the rows
an earlier model's rewards let it skip."""

from difficulty_filter import config
from difficulty_filter.adaptive import Side
from difficulty_filter.generation.adaptive_plan import plan_for, upstream_models

from ..adaptive.test_records_downstream import rewards


def settings(mode="exact", **models):
    weak = {"path": "w", "gpus_per_job": 0, **models.get("weak", {})}
    strong = {"path": "s", "gpus_per_job": 2, "tensor_parallel_size": 2, **models.get("strong", {})}
    return config.validate(
        {
            "datasets": {"d": "d.parquet"},
            "models": {"weak": weak, "strong": strong},
            "sampling": {"n": 16, "adaptive": mode},
            "filter": {"low": {"model": "strong", "threshold": 1e-5}, "high": {"model": "weak", "threshold": 0.9}},
        }
    )


def test_weak_first_and_what_reruns_generation():
    s = settings()
    weak, strong = plan_for(s, "weak"), plan_for(s, "strong")
    assert weak.rule.sides == (Side("high", 0.9),) and weak.upstream == {} and not weak.speculate
    assert strong.upstream == {"weak": (Side("high", 0.9),)} and strong.speculate
    assert upstream_models(s, "strong") == ["weak"] and upstream_models(s, "weak") == []
    assert strong.triggers()["rule"]["sides"] == [{"kind": "low", "threshold": 1e-5}]
    assert plan_for(settings("off"), "strong") is None and upstream_models(settings("off"), "strong") == []
    costly_weak = settings(weak={"cost": 50}, strong={"cost": 1})
    assert upstream_models(costly_weak, "weak") == ["strong"]
    assert settings(False).sampling.adaptive == "off"  # YAML's bare `off`


def test_rows_the_weak_model_drops_are_skipped(tmp_path):
    path = tmp_path / "weak_rewards.parquet"
    rewards(
        [(0, j, True, "correct") for j in range(15)] + [(1, 0, False, "wrong"), (1, 1, False, "wrong")],
        {0: ("exact", 16, 15), 1: ("exact", 16, 0)},
    ).write_parquet(path)
    assert plan_for(settings(), "strong").skipped_rows({"weak": [path]}) == {0}
