"""The content of a periodic report (báo cáo định kỳ) on zone levels: pure functions from
the area table, the per-day level history, the reports and the rounds on record to the
figures a steering office sends up, day, week or month. Wording and layout are not here
(data/reports/compose.py); every figure is here, so the DOCX, PDF and XLSX agree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from zones.area_grids import UNITS, AreaIndex, level_grid, tally
from zones.levels import LEGEND_ORDER, RANKED, severity
from zones.policy import Policy
from zones.problems import Unsaid
from zones.report_counts import CountsPart, counts_part, missing_reports
from zones.report_period import Period, Scope, previous, scope_kind
from zones.report_rounds import RoundsPart, rounds_part
from zones.targets import TargetProgress
from zones.tiers import has_districts
from zones.transitions import transitions_window

# A change is measured against the area's last known level; a silence longer than this
# before the period hides the level it came from (the missing-report list shows it).
CHANGE_LOOKBACK_DAYS = 14
NAME_COLUMNS = ["area_type", "district_code", "district_name", "ward_code", "ward_name",
                "block_code", "block_name", "population"]


@dataclass(frozen=True)
class ReportContent:
    """Every figure of one report. `period` is what was reported (a period still running
    ends on its last day so far); `requested` is what was asked for."""

    scope: Scope
    period: Period
    requested: Period
    areas: pd.DataFrame  # the areas of the scope (Store.areas() rows)
    levels_end: pd.DataFrame  # `effective_levels` of those areas on the last day
    policy_id: str
    data_as_of: dt.datetime | None  # the newest upload in the store
    last_report: dt.date | None  # the newest report date in the period
    headline: pd.DataFrame
    changes: pd.DataFrame
    eligible: pd.DataFrame
    targets: pd.DataFrame
    rounds: RoundsPart
    counts: CountsPart
    missing: pd.DataFrame

    @property
    def is_partial(self) -> bool:
        return self.period.end < self.requested.end


def scope_areas(areas: pd.DataFrame, scope: Scope) -> pd.DataFrame:
    """The areas of `scope` (every area for the city without a code); Unsaid (a
    ValueError) naming the code and the codes there are."""
    if scope.code is None:
        return areas
    if scope.kind == "district" and not has_districts(areas):  # two tiers, from 2025
        raise Unsaid("request.scope.no_districts", code=repr(scope.code))
    column = scope.column
    inside = areas[column].astype(str) == scope.code
    if not inside.any():
        known = sorted(set(areas[column].astype(str)))
        shown = ", ".join(known[:12]) + (" …" if len(known) > 12 else "")
        kind, code = scope_kind(scope.kind), repr(scope.code)
        if not known:
            raise Unsaid("request.scope.no_code_empty", kind=kind, code=code)
        raise Unsaid("request.scope.no_code", kind=kind, code=code, known=shown)
    return areas[inside]


def history_window(period: Period) -> tuple[dt.date, dt.date]:
    """The days of level history a report needs: the baseline and a lookback before it."""
    return period.baseline - dt.timedelta(days=CHANGE_LOOKBACK_DAYS), period.end


def headline(history: pd.DataFrame, areas: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Wards, blocks and people at each level on the last day and on the baseline, and the
    change. People are counted at the finest level known (zones.trends), as targets are.

    Columns: level, then <unit>, <unit>_start and <unit>_change for each of UNITS."""
    first, _ = history_window(period)
    idx = AreaIndex.of(areas)
    grid = level_grid(history, idx, first, period.end)
    counts = tally(grid, idx, np.zeros(len(areas), dtype=np.int64), 1)[0]
    at_end, at_start = counts[-1], counts[(period.baseline - first).days]
    order = [RANKED.index(code) for code in LEGEND_ORDER]
    out = pd.DataFrame({"level": list(LEGEND_ORDER)})
    for i, unit in enumerate(UNITS):
        end = at_end[order, i].round().astype(np.int64)
        start = at_start[order, i].round().astype(np.int64)
        out[unit], out[f"{unit}_start"], out[f"{unit}_change"] = end, start, end - start
    return out


def level_changes(history: pd.DataFrame, areas: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Every change of an area's level during the period, against its last known level
    before that day: days without data neither change a level nor break the comparison.

    Columns: date, NAME_COLUMNS, from_level, to_level, direction ('better' | 'worse')."""
    first, _ = history_window(period)
    grid = level_grid(history, areas, first, period.end)
    rank = grid.rank
    cols = np.arange(grid.n_days)
    last_known = np.maximum.accumulate(np.where(rank > 0, cols, -1), axis=1)
    before = np.full(rank.shape, -1)
    before[:, 1:] = last_known[:, :-1]
    prev = np.take_along_axis(rank, np.maximum(before, 0), axis=1)
    changed = (rank > 0) & (before >= 0) & (rank != prev)
    changed[:, : (period.start - first).days] = False
    row, col = np.nonzero(changed)
    names = np.asarray(RANKED, dtype=object)
    out = areas[NAME_COLUMNS].iloc[row].reset_index(drop=True)
    out.insert(0, "date", pd.Series([first + dt.timedelta(days=int(c)) for c in col],
                                    dtype=object))
    out["from_level"], out["to_level"] = names[prev[row, col]], names[rank[row, col]]
    # Ranks follow severity (RANKED), so a larger rank is worse.
    out["direction"] = np.where(rank[row, col] > prev[row, col], "worse", "better")
    return out.sort_values(["date", "ward_code", "block_code"], ignore_index=True)


def eligible_step_down(transitions: pd.DataFrame, areas: pd.DataFrame,
                       levels_end: pd.DataFrame, as_of: dt.date,
                       policy: Policy) -> pd.DataFrame:
    """Areas of the scope that may step down one level (policy `days_without_cases`), from
    `area_transitions` over `transitions_window`; `level_since` from the whole past
    (`effective_levels`). case_free_at_least: the run fills the window, so it may be longer."""
    keys = ["ward_code", "block_code"]
    ok = transitions[transitions["eligible_step_down"].astype(bool)]
    ok = ok[["ward_code", "block_code", "level", "step_down_to", "case_free_days"]]
    start, end = transitions_window(as_of, policy)
    ok = ok.assign(case_free_at_least=ok["case_free_days"] >= (end - start).days + 1)
    since = levels_end[[*keys, "level_since"]]
    out = areas[NAME_COLUMNS].merge(ok, on=keys).merge(since, on=keys, how="left")
    worst_first = [-(severity(code) or 0) for code in out["level"]]
    return (out.assign(_r=worst_first).sort_values(["_r", "ward_code", "block_code"])
            .drop(columns="_r").reset_index(drop=True))


def _covers(progress: TargetProgress, areas: pd.DataFrame, period: Period) -> bool:
    """A target belongs in the report when it is about any area of the scope (a target of
    a place the store does not hold is about none) and its phase overlaps the period (one
    judged before the period was reported then)."""
    target = progress.target
    if progress.status == "not_applicable":
        return False
    if target.start > period.end or target.deadline < period.start:
        return False
    scope = target.area_scope
    if scope.code is None:
        return True
    return bool((areas[scope.column].astype(str) == scope.code).any())


def targets_table(progress: list[TargetProgress], areas: pd.DataFrame,
                  period: Period) -> pd.DataFrame:
    """The green targets about the scope's areas whose phase overlaps the period, one
    row each (`TargetProgress.as_json` fields), in the order of the targets file."""
    rows = [p.as_json() for p in progress if _covers(p, areas, period)]
    cols = ["id", "title", "scope", "scope_code", "scope_key", "metric", "unit", "kind",
            "comparator", "goal", "goal_is_example", "current", "start_value", "progress",
            "progress_percent", "trend_7d", "projected_date", "start", "deadline",
            "deadline_is_example", "status", "unknown", "version"]
    out = pd.DataFrame(rows, columns=cols)
    out["title_vi"] = [t["vi"] for t in out["title"]]
    out["title_en"] = [t["en"] for t in out["title"]]
    return out.drop(columns="title")


def build_report(*, scope: Scope, period: Period, requested: Period, areas: pd.DataFrame,
                 history: pd.DataFrame, reports: pd.DataFrame, rounds: pd.DataFrame,
                 levels_end: pd.DataFrame, transitions: pd.DataFrame,
                 targets: list[TargetProgress], policy: Policy,
                 data_as_of: dt.datetime | None) -> ReportContent:
    """Assemble a report of `areas` (already the scope's). history: `effective_history`
    over `history_window(period)`; reports: the store's rows of the period and the one
    before (counts, missing reports); rounds: every round on record up to period.end;
    transitions: `area_transitions` as of period.end (any areas: filtered here)."""
    in_period = reports[(reports["date"] >= period.start) & (reports["date"] <= period.end)]
    in_period = in_period[in_period["ward_code"].isin(set(areas["ward_code"]))]
    last = max(in_period["date"]) if len(in_period) else None
    return ReportContent(
        scope=scope, period=period, requested=requested, areas=areas, levels_end=levels_end,
        policy_id=policy.id, data_as_of=data_as_of, last_report=last,
        headline=headline(history, areas, period),
        changes=level_changes(history, areas, period),
        eligible=eligible_step_down(transitions, areas, levels_end, period.end, policy),
        targets=targets_table(targets, areas, period),
        rounds=rounds_part(areas, history, rounds, period, policy),
        counts=counts_part(areas, reports, period, previous(period)),
        missing=missing_reports(areas, reports, period),
    )
