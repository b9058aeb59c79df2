"""Settings that change the reports (the report rules' rerun triggers)."""

from __future__ import annotations

from ..settings import ReportSettings, as_dict


def triggers(report: ReportSettings, models: list[str], pair: tuple[str, str] | None) -> dict:
    return {"report": as_dict(report), "models": list(models), "pair": list(pair) if pair else None}
