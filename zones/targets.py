"""Progress toward green-zone targets (mục tiêu vùng xanh, parsed by `zones.target_file`).

`target_progress` measures each target on a per-day level table: current value, value at
the start of its phase, progress, 7- and 14-day trends, the projected date the goal is
reached, and a status. After the deadline a target is judged on the deadline day: its
status and its progress both come from the value on that day (`_judged`), so a missed
target never shows 100 %. A target whose scope has no area in the table (the HCMC targets
on a Hà Nội store, or on the demo city) is `not_applicable`, with no figures.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from zones.area_grids import UNITS, AreaIndex, LevelGrid, level_grid, tally
from zones.levels import RANKED
from zones.target_file import EPS, GreenTarget, Metric
from zones.target_file import TargetsError as TargetsError  # commands import it from here

STATUSES = ("met", "on_track", "at_risk", "missed", "not_applicable")
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

    @property
    def progress_percent(self) -> int | None:
        """Progress as the whole percent every screen and document shows: 100 only when
        met, never rounded up to it (99.6 % of the gap closed and not met reads 99 %)."""
        if self.progress is None:
            return None
        if self.status == "met":
            return 100
        return min(99, math.floor(100 * self.progress + EPS))

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
            "progress_percent": self.progress_percent, "scope_key": str(t.area_scope),
            "unknown": num(self.unknown), "source": t.citation, "source_key": t.source,
            "version": t.version, "as_of": day(self.as_of),
        }


def history_window(targets: list[GreenTarget], as_of: dt.date) -> tuple[dt.date, dt.date]:
    """The days of history `target_progress` needs: every phase start (and so every
    deadline up to as_of) and the longest trend window."""
    first = as_of - dt.timedelta(days=max(TREND_DAYS))
    return min([first, *(t.start for t in targets)]), as_of


def _scope_rows(targets: list[GreenTarget], areas: pd.DataFrame) -> dict:
    """Areas in each target's scope (by `area_scope`; all False where none is)."""
    rows = {}
    for t in targets:
        scope = t.area_scope
        if scope in rows:
            continue
        if scope.code is None:
            rows[scope] = np.ones(len(areas), dtype=bool)
            continue
        if scope.column not in areas.columns:
            raise ValueError(f"areas lacks column {scope.column!r} for target {t.id}")
        rows[scope] = np.asarray(areas[scope.column].astype(str) == scope.code)
    return rows


def applicable(targets: list[GreenTarget], areas: pd.DataFrame) -> list[GreenTarget]:
    """The targets whose scope has an area among `areas` (the others are not applicable:
    their deadlines mean nothing here either)."""
    rows = _scope_rows(targets, areas)
    return [t for t in targets if rows[t.area_scope].any()]


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


def _progress(t: GreenTarget, start_value, value) -> float | None:
    """Share of the gap between the phase-start value and the goal closed by `value`: 1
    when met, 0 when a goal met at the start has been lost, negative when moving away."""
    if t.meets(value):
        return 1.0
    if start_value is None or value is None:
        return None
    if t.meets(start_value) or start_value == t.value:
        return 0.0
    return (value - start_value) / (t.value - start_value)


def _judged(t: GreenTarget, as_of, start_value, current, at_deadline,
            projected) -> tuple[float | None, str]:
    """Progress and status, both of the value the target is judged on: today's until the
    deadline, the deadline day's after it, whatever happened since."""
    value = at_deadline if as_of > t.deadline else current
    progress = _progress(t, start_value, value)
    if t.meets(value):
        return progress, "met"
    if as_of >= t.deadline:  # the last day is over without the goal
        return progress, "missed"
    on_track = projected is not None and projected <= t.deadline
    return progress, "on_track" if on_track else "at_risk"


def _not_applicable(t: GreenTarget, as_of: dt.date) -> TargetProgress:
    return TargetProgress(t, as_of, None, None, None, None, None, None, None,
                          "not_applicable", None)


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
    progress, status = _judged(t, as_of, start_value, current, at_deadline, projected)
    u = unknown[-1]
    return TargetProgress(t, as_of, current, start_value, at_deadline, progress, *trends,
                          projected, status, None if np.isnan(u) else float(u))


def target_progress(targets: list[GreenTarget], history: pd.DataFrame, areas: pd.DataFrame,
                    as_of: dt.date) -> list[TargetProgress]:
    """Progress of every target on `as_of` from history (date, ward_code, block_code,
    level) covering `history_window(targets, as_of)`; a day or area the history lacks
    counts as unknown, never as green. A target whose scope has no area is
    `not_applicable`: it is about a place these areas are not."""
    first, _ = history_window(targets, as_of)
    idx = AreaIndex.of(areas)
    return progress_of_grid(targets, level_grid(history, idx, first, as_of), idx, areas, as_of)


def progress_of_grid(targets: list[GreenTarget], grid: LevelGrid, idx: AreaIndex,
                     areas: pd.DataFrame, as_of: dt.date) -> list[TargetProgress]:
    """`target_progress` from the level grid of `areas` (rows in their order) starting on
    `history_window(targets, as_of)`'s first day and reaching as_of: for callers that
    hold the effective levels as a grid already (data.services.today)."""
    first, _ = history_window(targets, as_of)
    if grid.start != first or grid.n_days != (as_of - first).days + 1:
        raise ValueError(f"a grid from {grid.start} for {grid.n_days} days does not cover "
                         f"{first}…{as_of}")
    tallies = {scope: tally(grid, idx, np.where(rows, 0, -1), 1)[0]
               for scope, rows in _scope_rows(targets, areas).items() if rows.any()}
    out = []
    for t in targets:
        if t.area_scope not in tallies:
            out.append(_not_applicable(t, as_of))
            continue
        values, unknown = _series(tallies[t.area_scope], t.metric)
        out.append(_measure(t, values, unknown, first, as_of))
    return out
