"""Level transitions of areas: how long each has held its level, days since its last new
case, whether it may step down one level (policy `days_without_cases`), which areas got
worse, and the day-by-day transition matrix. Pure functions over a per-day level table
(`effective_history`), so they do not depend on how levels are computed.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from zones.area_grids import UNITS, AreaIndex, LevelGrid, count_grids, level_grid, people
from zones.levels import RANKED
from zones.policy import Policy

AREA_COLUMNS = ["area_type", "district_code", "ward_code", "block_code", "population"]
WEEK = 7


def transitions_window(as_of: dt.date, policy: Policy) -> tuple[dt.date, dt.date]:
    """The shortest history `area_transitions` needs: a full case-free run and a week of
    step-ups with the level before it. A longer one lets `level_since` reach further."""
    return as_of - dt.timedelta(days=max(policy.days_without_cases, WEEK)), as_of


def _last_col(mask: np.ndarray) -> np.ndarray:
    """Last column where `mask` holds, per row; -1 where it never does."""
    return np.where(mask, np.arange(mask.shape[1]), -1).max(axis=1, initial=-1)


def _step_ups(rank: np.ndarray) -> np.ndarray:
    """[area, day]: the level is worse than the area's last known level before that day.
    Days with no data neither step up nor break the comparison: xanh, unknown, đỏ is a
    step up on the day đỏ is reported."""
    cols = np.arange(rank.shape[1])
    known = rank > 0
    last_known = np.maximum.accumulate(np.where(known, cols, -1), axis=1)
    before = np.full(rank.shape, -1)
    before[:, 1:] = last_known[:, :-1]
    prev = np.take_along_axis(rank, np.maximum(before, 0), axis=1)
    return known & (before >= 0) & (rank > prev)  # ranks follow severity (RANKED)


def _since(grid: LevelGrid, col: int) -> tuple[np.ndarray, np.ndarray]:
    """First column of each area's current run of its `col` level, and whether that run
    starts at the history's first day (so it may have started earlier)."""
    rank = grid.rank[:, : col + 1]
    start = _last_col(rank != rank[:, -1:]) + 1
    return start, start == 0


def _dates(first: dt.date, cols: np.ndarray) -> pd.Series:
    return pd.Series([first + dt.timedelta(days=int(c)) if c >= 0 else None for c in cols],
                     dtype=object)


def _cases(counts: pd.DataFrame, idx: AreaIndex, grid: LevelGrid, col: int):
    """(last column with new cases or -1, consecutive days up to `col` reported with 0
    new cases). A day with no count reported is not a day without cases: missing data is
    never taken as good news."""
    rows = np.arange(len(idx.keys))
    cases = count_grids(counts, idx, grid.start, grid.n_days, rows)["new_cases"]
    cases = cases[:, : col + 1]
    last_case = _last_col(cases > 0)
    case_free = col - _last_col(~(cases == 0))
    return last_case, case_free


def area_transitions(history: pd.DataFrame, counts: pd.DataFrame, areas: pd.DataFrame,
                     start: dt.date, as_of: dt.date, policy: Policy) -> pd.DataFrame:
    """One row per area of `areas` (its index kept) as of `as_of`, from history and
    counts of `start`…`as_of` (see `transitions_window`).

    Columns: area_type, district_code, ward_code, block_code, population, level,
    level_since, days_at_level (as_of counts as a day), since_history_start (the run
    began on or before `start`, so it may be longer), last_case_date (None: no case since
    `start`), days_since_last_case (Int64), case_free_days (consecutive days up to as_of
    reported with 0 new cases), eligible_step_down, step_down_to (level code or None),
    stepped_up_1d, stepped_up_7d (got worse on as_of / in the 7 days to as_of).
    """
    idx = AreaIndex.of(areas)
    grid = level_grid(history, idx, start, as_of)
    col = grid.n_days - 1
    rank = grid.rank[:, col]
    since, censored = _since(grid, col)
    last_case, case_free = _cases(counts, idx, grid, col)
    ups = _step_ups(grid.rank)
    out = areas[AREA_COLUMNS].copy()
    out["level"] = np.asarray(RANKED, dtype=object)[rank]
    out["level_since"] = _dates(grid.start, since).set_axis(areas.index)
    out["days_at_level"] = col - since + 1
    out["since_history_start"] = censored
    out["last_case_date"] = _dates(grid.start, last_case).set_axis(areas.index)
    out["days_since_last_case"] = pd.Series(col - last_case, index=areas.index,
                                            dtype="Int64").mask(last_case < 0)
    out["case_free_days"] = case_free
    # Rank 1 is the least severe level: it has nowhere lower to go; 0 is no data.
    eligible = (rank > 1) & (case_free >= policy.days_without_cases)
    lower = np.asarray((None, None, *RANKED[1:-1]), dtype=object)
    out["eligible_step_down"] = eligible
    out["step_down_to"] = np.where(eligible, lower[rank], None)
    out["stepped_up_1d"] = ups[:, col]
    out["stepped_up_7d"] = ups[:, max(col - WEEK + 1, 0):].any(axis=1)
    out.attrs.update(policy_id=policy.id, as_of=as_of, history_start=start)
    return out


def step_ups(history: pd.DataFrame, areas: pd.DataFrame, start: dt.date, as_of: dt.date,
             days: int = WEEK) -> pd.DataFrame:
    """Every time an area got worse in the `days` days up to `as_of` (1: that day only),
    compared with its last known level before, using history from `start`.

    Columns: date, area_type, district_code, ward_code, block_code, population,
    from_level, to_level; newest first, then by ward and block."""
    grid = level_grid(history, areas, start, as_of)
    ups = _step_ups(grid.rank)
    ups[:, : max(grid.n_days - days, 0)] = False
    row, col = np.nonzero(ups)
    cols = np.arange(grid.n_days)
    last_known = np.maximum.accumulate(np.where(grid.rank > 0, cols, -1), axis=1)
    prev = grid.rank[row, last_known[row, col - 1]]
    names = np.asarray(RANKED, dtype=object)
    out = areas[AREA_COLUMNS].iloc[row].reset_index(drop=True)
    out.insert(0, "date", _dates(grid.start, col))
    out["from_level"] = names[prev]
    out["to_level"] = names[grid.rank[row, col]]
    return out.sort_values(["date", "ward_code", "block_code"], ascending=[False, True, True],
                           ignore_index=True)


def transition_matrix(history: pd.DataFrame, areas: pd.DataFrame, start: dt.date,
                      end: dt.date) -> pd.DataFrame:
    """How many wards, blocks and people moved from each level to each level, per day
    from `start` + 1 to `end` (staying put is the diagonal; unknown is a level here).

    Columns: date (the later day), from_level, to_level, wards, blocks, population.
    People are counted as on the later day (the trends rule), so each day's totals per
    to_level equal that day's trends."""
    idx = AreaIndex.of(areas)
    grid = level_grid(history, idx, start, end)
    n, n_days = len(RANKED), grid.n_days - 1
    cell = (np.arange(n_days) * n + grid.rank[:, :-1]) * n + grid.rank[:, 1:]
    size = n_days * n * n
    kind = (~idx.is_ward).astype(np.int64)[:, None]
    counted = np.bincount((cell * 2 + kind).ravel(), minlength=2 * size)
    pop = np.bincount(cell.ravel(), weights=people(grid, idx)[:, 1:].ravel(), minlength=size)
    dates = np.array(grid.dates()[1:], dtype=object)
    names = np.asarray(RANKED, dtype=object)
    return pd.DataFrame({
        "date": np.repeat(dates, n * n),
        "from_level": np.tile(np.repeat(names, n), n_days),
        "to_level": np.tile(names, n_days * n),
        UNITS[0]: counted[0::2], UNITS[1]: counted[1::2],
        UNITS[2]: pop.round().astype(np.int64),
    })
