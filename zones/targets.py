"""Progress toward green-zone targets (mục tiêu vùng xanh, parsed by `zones.target_file`).

`target_progress` measures each target on a per-day level table: current value, value at
the start of its phase, progress, 7- and 14-day trends, the projected date the goal is
reached, and a status.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from zones.area_grids import UNITS, AreaIndex, level_grid, tally
from zones.levels import RANKED
from zones.problems import key_problem
from zones.target_file import EPS, SCOPES, GreenTarget, Metric, TargetsError

STATUSES = ("met", "on_track", "at_risk", "missed")
TREND_DAYS = (7, 14)
_HORIZON_DAYS = 3650  # a goal ten years off at this trend is not projected at all

@dataclass(frozen=True)
class TargetProgress:
    """One target measured on `as_of`. Values are in the metric's terms (a share 0–1 or a
    count); trends are change per day; `unknown` is how much of the scope (same terms) had
    no data on as_of, counted as not green and shown, never hidden."""

    target: GreenTarget
    as_of: dt.date
    current: float | None
    start_value: float | None  # None before the phase starts
    value_at_deadline: float | None  # None before the deadline
    progress: float | None
    trend_7d: float | None
    trend_14d: float | None
    projected_date: dt.date | None
    status: str  # one of STATUSES
    unknown: float | None

    def as_json(self) -> dict:
        t = self.target

        def num(x):
            return None if x is None else round(float(x), 6)

        def day(d):
            return None if d is None else d.isoformat()

        return {
            "id": t.id, "title": {"vi": t.title_vi, "en": t.title_en}, "scope": t.scope,
            "scope_code": t.scope_code, "metric": t.metric.id, "unit": t.metric.unit,
            "kind": t.metric.kind, "comparator": t.comparator, "goal": t.value,
            "goal_is_example": t.value_is_example, "current": num(self.current),
            "start_value": num(self.start_value), "progress": num(self.progress),
            "trend_7d": num(self.trend_7d), "trend_14d": num(self.trend_14d),
            "projected_date": day(self.projected_date), "start": day(t.start),
            "deadline": day(t.deadline), "deadline_is_example": t.deadline_is_example,
            "value_at_deadline": num(self.value_at_deadline), "status": self.status,
            "unknown": num(self.unknown), "source": t.citation, "source_key": t.source,
            "version": t.version, "as_of": day(self.as_of),
        }


def history_window(targets: list[GreenTarget], as_of: dt.date) -> tuple[dt.date, dt.date]:
    """The days of history `target_progress` needs: every phase start (and so every
    deadline up to as_of) and the longest trend window."""
    first = as_of - dt.timedelta(days=max(TREND_DAYS))
    return min([first, *(t.start for t in targets)]), as_of


def _scope_rows(targets: list[GreenTarget], areas: pd.DataFrame) -> dict[tuple, np.ndarray]:
    """Areas in each target's scope; TargetsError names every scope with no area."""
    rows, problems = {}, []
    for t in targets:
        key, column = (t.scope, t.scope_code), SCOPES[t.scope]
        if key in rows or t.scope_code is None:
            rows.setdefault(key, np.ones(len(areas), dtype=bool))
            continue
        if column not in areas.columns:
            raise ValueError(f"areas lacks column {column!r} for target {t.id}")
        rows[key] = np.asarray(areas[column].astype(str) == t.scope_code)
        if not rows[key].any():
            problems.append(key_problem(t.id, "targets.empty_scope", t.scope_code,
                                        area_column=column))
    if problems:
        raise TargetsError(problems)
    return rows


def _series(counts: np.ndarray, metric: Metric) -> tuple[np.ndarray, np.ndarray]:
    """The metric per day (NaN where a share has no denominator) and the unknown part,
    from a [day, level, unit] tally of one scope."""
    u = counts[:, :, UNITS.index(metric.unit)]
    counted = u[:, [RANKED.index(lv) for lv in metric.levels]].sum(axis=1)
    if metric.kind == "count":
        return counted, u[:, 0]
    total = u.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return counted / total, u[:, 0] / total


def _slope(values: np.ndarray, days: int) -> float | None:
    """Change per day of the least-squares line through the last `days` + 1 values."""
    y = values[-(days + 1):]
    ok = ~np.isnan(y)
    if ok.sum() < 2:
        return None
    # Rounded so that a flat line's floating-point dust (1e-17) reads as flat.
    return round(float(np.polyfit(np.arange(len(y))[ok], y[ok], 1)[0]), 12)


def _projection(t: GreenTarget, current, slope, as_of: dt.date) -> dt.date | None:
    """The day the goal is reached if the trend holds; None when met, flat, worsening
    or more than ten years away."""
    if current is None or slope is None or slope == 0 or t.meets(current):
        return None
    gap = (t.value - current) / slope
    if not 0 < gap <= _HORIZON_DAYS:
        return None
    # A strict goal (>, <) is passed only after the line crosses the value itself.
    days = math.floor(gap) + 1 if t.comparator in (">", "<") else math.ceil(gap - EPS)
    return as_of + dt.timedelta(days=days)


def _progress(t: GreenTarget, start_value, current) -> float | None:
    """Share of the gap between the phase-start value and the goal closed so far: 1 when
    met, 0 when a goal met at the start has been lost, negative when moving away."""
    if start_value is None or current is None:
        return None
    if t.meets(current):
        return 1.0
    if t.meets(start_value) or start_value == t.value:
        return 0.0
    return (current - start_value) / (t.value - start_value)


def _status(t: GreenTarget, as_of, current, at_deadline, projected) -> str:
    if as_of > t.deadline:  # judged on the deadline day, whatever happened since
        return "met" if t.meets(at_deadline) else "missed"
    if t.meets(current):
        return "met"
    if as_of == t.deadline:  # the last day is over without the goal
        return "missed"
    on_track = projected is not None and projected <= t.deadline
    return "on_track" if on_track else "at_risk"


def _measure(t: GreenTarget, values: np.ndarray, unknown: np.ndarray, first: dt.date,
             as_of: dt.date) -> TargetProgress:
    def on(day: dt.date):
        i = (day - first).days
        return None if not 0 <= i < len(values) or np.isnan(values[i]) else float(values[i])

    current = on(as_of)
    start_value = on(t.start) if as_of >= t.start else None
    at_deadline = on(t.deadline) if as_of >= t.deadline else None
    trends = [_slope(values, n) for n in TREND_DAYS]
    slope = trends[0] if trends[0] is not None else trends[1]
    projected = _projection(t, current, slope, as_of)
    u = unknown[-1]
    return TargetProgress(t, as_of, current, start_value, at_deadline,
                          _progress(t, start_value, current), *trends, projected,
                          _status(t, as_of, current, at_deadline, projected),
                          None if np.isnan(u) else float(u))


def target_progress(targets: list[GreenTarget], history: pd.DataFrame, areas: pd.DataFrame,
                    as_of: dt.date) -> list[TargetProgress]:
    """Progress of every target on `as_of` from history (date, ward_code, block_code,
    level) covering `history_window(targets, as_of)`; a day or area the history lacks
    counts as unknown, never as green."""
    first, _ = history_window(targets, as_of)
    idx = AreaIndex.of(areas)
    grid = level_grid(history, idx, first, as_of)
    tallies = {key: tally(grid, idx, np.where(rows, 0, -1), 1)[0]
               for key, rows in _scope_rows(targets, areas).items()}
    out = []
    for t in targets:
        values, unknown = _series(tallies[(t.scope, t.scope_code)], t.metric)
        out.append(_measure(t, values, unknown, first, as_of))
    return out
