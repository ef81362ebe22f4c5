"""Oracle: the fast map's history (geo.webmap.history.MapHistory) computed from report
rows, one zones/ function per figure (effective_history, daily_ward_counts, the rounds of
tests.oracles.rounds_rows), which the product's grid code (map_history_of_grids) is held
to."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from geo.webmap.history import (
    NONE,
    SOURCE_SHIFT,
    STALE_BIT,
    MapHistory,
    due_days,
    run_starts,
    window_sums,
)
from tests.oracles.rounds_rows import derive_rounds
from zones.areas import WARD_ROW, area_keys, day_numbers, report_positions
from zones.counts import daily_ward_counts
from zones.effective import effective_history
from zones.policy import Policy


def map_history(areas: pd.DataFrame, reports: pd.DataFrame, first: dt.date, last: dt.date,
                policy: Policy) -> MapHistory:
    """The grids for `areas` (Store.areas()) from `first` to `last`; `reports` must reach
    back to `first` for level_since to match effective_levels."""
    hist = effective_history(areas, reports, first, last, policy)
    n_days, n = (last - first).days + 1, len(areas)
    rank = hist["level"].cat.codes.to_numpy(np.uint8).reshape(n_days, n)
    source = hist["source"].cat.codes.to_numpy(np.uint8).reshape(n_days, n)
    stale = hist["stale"].to_numpy(bool).reshape(n_days, n)
    codes = rank | (stale * STALE_BIT).astype(np.uint8) | (source << SOURCE_SHIFT)
    cases = _case_grid(areas, reports, first, n_days)
    last_round = _last_round_grid(areas, reports, first, n_days, policy)
    return MapHistory(first, codes.astype(np.uint8), run_starts(rank),
                      *window_sums(cases.T, (7, 14)), last_round,
                      due_days(last_round, rank, policy))


def _case_grid(areas: pd.DataFrame, reports: pd.DataFrame, first: dt.date,
               n_days: int) -> np.ndarray:
    """New cases per day and area, NaN where nothing was reported: a block's own row, a
    ward's figure by the no-double-count rule of zones.counts."""
    keys = area_keys(areas)
    grid = np.full((n_days, len(keys)), np.nan)
    if reports.empty:
        return grid
    pos = report_positions(keys, reports)
    is_block = (reports["block_code"].fillna(WARD_ROW) != WARD_ROW).to_numpy()
    mine = (pos >= 0) & is_block
    _put(grid, day_numbers(reports["date"][mine], first), pos[mine], reports["new_cases"][mine])
    wards = daily_ward_counts(areas, reports)
    wpos = keys.get_indexer(pd.MultiIndex.from_arrays(
        [wards["ward_code"].astype(str), np.full(len(wards), WARD_ROW, dtype=object)]))
    _put(grid, day_numbers(wards["date"], first), wpos, wards["new_cases"])
    return grid


def _put(grid: np.ndarray, day: np.ndarray, pos: np.ndarray, values: pd.Series) -> None:
    inside = (day >= 0) & (day < grid.shape[0]) & (pos >= 0)
    vals = pd.to_numeric(values, errors="coerce").astype("Float64").to_numpy(float, na_value=np.nan)
    grid[day[inside], pos[inside]] = vals[inside]


def _last_round_grid(areas: pd.DataFrame, reports: pd.DataFrame, first: dt.date,
                     n_days: int, policy: Policy) -> np.ndarray:
    """Day of each area's last testing round so far (NONE if none). A round of a whole
    ward counts for its blocks too unless it is a sum of block rows, as in
    zones.rounds.rounds_on_record."""
    keys = area_keys(areas)
    flags = np.zeros((n_days, len(keys)), dtype=bool)
    rounds = derive_rounds(reports, areas, policy) if len(reports) else None
    if rounds is not None and len(rounds):
        day = day_numbers(rounds["date"], first)
        pos = keys.get_indexer(pd.MultiIndex.from_frame(rounds[["ward_code", "block_code"]]))
        ok = (pos >= 0) & (day >= 0) & (day < n_days)
        flags[day[ok], pos[ok]] = True
        wide = rounds[(rounds["block_code"] == WARD_ROW) & (rounds["basis"] != "blocks")]
        blocks = pd.DataFrame({"ward_code": keys.get_level_values(0), "pos": range(len(keys))})
        blocks = blocks[keys.get_level_values(1) != WARD_ROW]
        spread = wide.assign(day=day[wide.index.to_numpy()])[["ward_code", "day"]]
        spread = spread.merge(blocks, on="ward_code")
        ok = (spread["day"] >= 0) & (spread["day"] < n_days)
        flags[spread["day"][ok], spread["pos"][ok]] = True
    days = np.arange(n_days, dtype=np.int32)[:, None]
    return np.maximum.accumulate(np.where(flags, days, np.int32(NONE)), axis=0)
