"""Test oracle: trends straight from a per-day history table and report rows, grouped in
one pass (the way production computed them before it kept each ward's tallies). Tests
check `zones.trends.trends_of_tallies` and the kept tallies against it."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from zones.area_grids import (
    COUNT_FIELDS,
    AreaIndex,
    level_grid,
    own_count_grids,
    tally,
    ward_count_grids,
)
from zones.trends import Trends, groups_of, trends_frame


def trend_chunk(history: pd.DataFrame, counts: pd.DataFrame | None, areas: pd.DataFrame,
                start: dt.date, end: dt.date, *, by: str = "district_code") -> Trends:
    """Trends of the days `start`…`end` (inclusive). history: date, ward_code,
    block_code, level (as `effective_history` gives it); counts: date, ward_code,
    block_code, new_cases, tests_done (report rows; the no-double-count rule is applied
    here; None: no counts). Filter `areas` to limit the trends to some districts."""
    idx = AreaIndex.of(areas)
    grid = level_grid(history, idx, start, end)
    own, sent = own_count_grids(counts, idx, start, grid.n_days)
    group, names = groups_of(areas, by)
    t = tally(grid, idx, group, len(names))
    return trends_frame(t, _count_sums(own, sent, idx, group, len(names)), names, grid.start, by)


def _count_sums(own, sent, idx: AreaIndex, group: np.ndarray,
                n_groups: int) -> dict[str, np.ndarray]:
    """new_cases, tests_done and wards_reporting of each group on each day: [group, day],
    summed over its wards' figures (`ward_count_grids`)."""
    n_days = sent.shape[1]
    rows = np.flatnonzero(idx.is_ward & (group >= 0))
    grids = ward_count_grids(own, sent, idx, rows)
    cell = (group[rows][:, None] * n_days + np.arange(n_days)).ravel()

    def by_group(weights: np.ndarray) -> np.ndarray:
        sums = np.bincount(cell, weights=weights.ravel(), minlength=n_groups * n_days)
        return sums.reshape(n_groups, n_days)

    out = {field: by_group(np.nan_to_num(grids[field])) for field in COUNT_FIELDS}
    out["wards_reporting"] = by_group(~np.isnan(grids["new_cases"]))
    return out
