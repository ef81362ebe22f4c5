"""The effective zone level of every ward and block on a day (SPEC "Zone levels").

In order: the area's own report that day; else its own last report if at most
`policy.carry_forward_days` old; else, for a ward only, the rollup of its blocks'
effective levels; else unknown. Blocks never take their ward's level. A carried value,
or a rollup built on one, is flagged `stale` so that old data looks old.

Everything is computed on one (area × day) grid of level ranks with numpy, so a city of
25,000 areas over 120 days replays in about a second. No clock: days are passed in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from zones.areas import area_keys, day_numbers, report_positions, rows_on
from zones.counts import COUNT_FIELDS, area_counts
from zones.levels import RANKED
from zones.policy import Policy

# Where a level came from; the position is the code stored in the grid.
SOURCES = ("none", "report", "carried", "rollup")
NONE, REPORT, CARRIED, ROLLUP = range(len(SOURCES))
ROLLUPS = ("worst",)


@dataclass(frozen=True)
class _Grid:
    """Effective levels of every area (rows, in the order of `areas`) on every day
    (columns, from `first_day`)."""

    first_day: dt.date
    rank: np.ndarray  # int8 index into RANKED; 0 = unknown
    source: np.ndarray  # int8 index into SOURCES
    report_day: np.ndarray  # column of the report used (oldest one for a rollup), -1: none
    stale: np.ndarray  # bool

    def date(self, column: int) -> dt.date:
        return self.first_day + dt.timedelta(days=int(column))


def _level_ranks(levels: pd.Series) -> np.ndarray:
    """Rank of each reported level; `unknown` is not a level a report can give."""
    codes, spelled = pd.factorize(levels.fillna(""))
    ranks = pd.Index(RANKED[1:]).get_indexer(spelled)
    if (ranks < 0).any():
        bad = sorted(str(v) for v in spelled[ranks < 0])
        raise ValueError(f"reports hold level(s) {bad}: expected one of {RANKED[1:]}")
    return (ranks + 1).astype(np.int8)[codes]


def _own_ranks(keys: pd.MultiIndex, reports: pd.DataFrame, first_day: dt.date,
               n_days: int) -> np.ndarray:
    """Each area's own reported level rank per day, 0 where it sent nothing."""
    ranks = np.zeros((len(keys), n_days), dtype=np.int8)
    if reports.empty:
        return ranks
    day = day_numbers(reports["date"], first_day)
    inside = (day >= 0) & (day < n_days)
    reports, day = reports[inside], day[inside]
    area = report_positions(keys, reports)
    known = area >= 0
    area, day = area[known], day[known]
    ranks[area, day] = _level_ranks(reports["level"][known])
    # Every reported rank is ≥ 1, so two reports on one cell leave fewer filled cells.
    if np.count_nonzero(ranks) != len(area):
        raise ValueError("an area has two reports on one day: reports must be one per "
                         "area and day")
    return ranks


def _carry_forward(own: np.ndarray, carry_days: int):
    """Own report, else the last one if at most `carry_days` old: (rank, source, day)."""
    columns = np.arange(own.shape[1])
    has = own > 0
    last = np.maximum.accumulate(np.where(has, columns, -1), axis=1)
    usable = (last >= 0) & (columns - last <= carry_days)
    rank = np.where(usable, np.take_along_axis(own, np.maximum(last, 0), axis=1), 0)
    source = np.where(has, REPORT, np.where(usable, CARRIED, NONE)).astype(np.int8)
    return rank.astype(np.int8), source, np.where(usable, last, -1)


def _blocks_by_ward(keys: pd.MultiIndex, is_ward: np.ndarray):
    """Block rows sorted by ward, where each ward's run starts, and that ward's row."""
    ward_rows = np.flatnonzero(is_ward)
    block_rows = np.flatnonzero(~is_ward)
    wards = keys.get_level_values(0)
    owner = pd.Index(wards[ward_rows]).get_indexer(wards[block_rows])
    block_rows, owner = block_rows[owner >= 0], owner[owner >= 0]
    order = np.argsort(owner, kind="stable")
    block_rows, owner = block_rows[order], owner[order]
    starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]]) if len(owner) else owner
    return block_rows, starts, ward_rows[owner[starts]]


def _roll_up(rank, source, report_day, stale, keys, is_ward, rollup: str) -> None:
    """Give each ward without a usable report of its own the worst of its blocks'
    levels, or unknown if any block is unknown (in place). A ward without blocks stays
    unknown."""
    if rollup not in ROLLUPS:
        raise ValueError(f"rollup {rollup!r} is not implemented: expected one of {ROLLUPS}")
    blocks, starts, wards = _blocks_by_ward(keys, is_ward)
    if len(wards) == 0:
        return
    worst = np.maximum.reduceat(rank[blocks], starts, axis=0)
    rolled = np.where(np.minimum.reduceat(rank[blocks], starts, axis=0) == 0, 0, worst)
    on_carried = np.logical_or.reduceat(source[blocks] == CARRIED, starts, axis=0)
    oldest = np.minimum.reduceat(report_day[blocks], starts, axis=0)
    take = source[wards] == NONE
    rank[wards] = np.where(take, rolled, rank[wards])
    source[wards] = np.where(take, ROLLUP, source[wards])
    report_day[wards] = np.where(take & (rolled > 0), oldest, report_day[wards])
    stale[wards] |= take & (rolled > 0) & on_carried


def _grid(areas: pd.DataFrame, reports: pd.DataFrame, first_day: dt.date,
          last_day: dt.date, policy: Policy) -> _Grid:
    keys = area_keys(areas)
    n_days = (last_day - first_day).days + 1
    return _grid_of_own(areas, keys, _own_ranks(keys, reports, first_day, n_days),
                        first_day, policy)


def _grid_of_own(areas: pd.DataFrame, keys: pd.MultiIndex, own: np.ndarray,
                 first_day: dt.date, policy: Policy) -> _Grid:
    rank, source, report_day = _carry_forward(own, policy.carry_forward_days)
    stale = source == CARRIED
    is_ward = np.asarray(areas["area_type"] == "ward")
    _roll_up(rank, source, report_day, stale, keys, is_ward, policy.rollup)
    return _Grid(first_day, rank, source, report_day, stale)


def _level_since(grid: _Grid) -> list[dt.date | None]:
    """First day of the run of the last column's level; None if never known."""
    rank = grid.rank
    change = np.zeros(rank.shape, dtype=bool)
    change[:, 1:] = rank[:, 1:] != rank[:, :-1]
    start = np.where(change, np.arange(rank.shape[1]), 0).max(axis=1)
    ever_known = (rank > 0).any(axis=1)
    return [grid.date(s) if known else None for s, known in zip(start, ever_known, strict=True)]


def effective_levels(areas: pd.DataFrame, reports: pd.DataFrame, as_of: dt.date,
                     policy: Policy) -> pd.DataFrame:
    """`areas` (same rows, order and index) with each area's level on `as_of`.

    Added columns: level, source ('report'|'carried'|'rollup'|'none'; 'rollup' also when
    the rollup is unknown because a block is), report_date (of the report used; the
    oldest block report for a rollup), stale, level_since (first
    day of the current run of this level, as far back as `reports` reach; None if the
    area never had a known level), new_cases and tests_done (no double counting), note
    (of the as_of report). Reports after `as_of` are ignored.
    """
    offsets = day_numbers(reports["date"], as_of) if len(reports) else np.zeros(1, int)
    first_day = as_of + dt.timedelta(days=int(min(offsets.min(), 0)))
    grid = _grid(areas, reports, first_day, as_of, policy)
    out = areas.copy()
    out["level"] = np.asarray(RANKED, dtype=object)[grid.rank[:, -1]]
    out["source"] = np.asarray(SOURCES, dtype=object)[grid.source[:, -1]]
    out["report_date"] = pd.Series([grid.date(d) if d >= 0 else None
                                    for d in grid.report_day[:, -1]],
                                   index=areas.index, dtype=object)
    out["stale"] = grid.stale[:, -1]
    out["level_since"] = pd.Series(_level_since(grid), index=areas.index, dtype=object)
    todays = reports[offsets == 0] if len(reports) else reports
    counts = area_counts(areas, todays, as_of)
    for field in COUNT_FIELDS:
        out[field] = counts[field]
    note = rows_on(areas, todays, as_of)["note"].astype(object)
    out["note"] = note.where(note.notna(), None)
    return out


def effective_history(areas: pd.DataFrame, reports: pd.DataFrame, start: dt.date,
                      end: dt.date, policy: Policy) -> pd.DataFrame:
    """Long table of every area on every day from `start` to `end` (inclusive), day by
    day in the order of `areas`: date, ward_code, block_code, level, source, stale.

    level and source are categoricals; reports before `start` count only as far as
    they carry forward into it.
    """
    if end < start:
        raise ValueError(f"history from {start} to {end}: the end is before the start")
    lead = policy.carry_forward_days
    grid = _grid(areas, reports, start - dt.timedelta(days=lead), end, policy)
    return _long_history(area_keys(areas), grid, start, end, lead)


def effective_history_of_own(areas: pd.DataFrame, own: np.ndarray, first_day: dt.date,
                             start: dt.date, end: dt.date, policy: Policy) -> pd.DataFrame:
    """`effective_history` from own reported ranks per area and day (as
    `effective_rank_history` takes them) instead of report rows."""
    lead = (start - first_day).days
    _check_cover(own, first_day, start, end, policy)
    keys = area_keys(areas)
    grid = _grid_of_own(areas, keys, own[:, :lead + (end - start).days + 1], first_day, policy)
    return _long_history(keys, grid, start, end, lead)


def _check_cover(own: np.ndarray, first_day: dt.date, start: dt.date, end: dt.date,
                 policy: Policy) -> None:
    lead = (start - first_day).days
    if lead < policy.carry_forward_days or first_day + dt.timedelta(
            days=own.shape[1] - 1) < end:
        raise ValueError(f"own reports from {first_day} for {own.shape[1]} days do not "
                         f"cover {start}…{end} with {policy.carry_forward_days} days before")


def _long_history(keys: pd.MultiIndex, grid: _Grid, start: dt.date, end: dt.date,
                  lead: int) -> pd.DataFrame:
    n_days, n_areas = (end - start).days + 1, len(keys)
    days = np.array([start + dt.timedelta(days=i) for i in range(n_days)], dtype=object)
    ward_codes, ward_names = pd.factorize(keys.get_level_values(0))
    block_codes, block_names = pd.factorize(keys.get_level_values(1))
    return pd.DataFrame({
        "date": np.repeat(days, n_areas),
        "ward_code": pd.Categorical.from_codes(np.tile(ward_codes, n_days), ward_names),
        "block_code": pd.Categorical.from_codes(np.tile(block_codes, n_days), block_names),
        "level": pd.Categorical.from_codes(grid.rank[:, lead:].T.ravel(), RANKED),
        "source": pd.Categorical.from_codes(grid.source[:, lead:].T.ravel(), SOURCES),
        "stale": grid.stale[:, lead:].T.ravel(),
    })


def rank_of_levels(codes) -> np.ndarray:
    """Rank (index into RANKED) of each level code; for callers that hold reports as
    grids of level codes rather than rows."""
    return _level_ranks(pd.Series(list(codes), dtype=object))


def effective_rank_history(areas: pd.DataFrame, own: np.ndarray, first_day: dt.date,
                           start: dt.date, end: dt.date, policy: Policy) -> np.ndarray:
    """Effective level ranks (index into RANKED) of every area (rows, in the order of
    `areas`) on every day `start`…`end`, from `own`: each area's own reported rank per
    day from `first_day` (0: no report), which must begin `policy.carry_forward_days`
    before `start` or earlier and reach `end`. The grid form of `effective_history`."""
    return effective_codes_of_own(areas, own, first_day, start, end, policy)[0]


def effective_codes_of_own(areas: pd.DataFrame, own: np.ndarray, first_day: dt.date,
                           start: dt.date, end: dt.date,
                           policy: Policy) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rank, source, stale) grids [area, day] for start…end, as `effective_rank_history`
    takes its input: rank indexes RANKED, source SOURCES."""
    lead = (start - first_day).days
    _check_cover(own, first_day, start, end, policy)
    grid = _grid_of_own(areas, area_keys(areas), own, first_day, policy)
    days = slice(lead, lead + (end - start).days + 1)
    return grid.rank[:, days], grid.source[:, days], grid.stale[:, days]
