"""Areas × days on numpy grids: the index of an area table, each area's level rank and
its own counts on every day, a ward's counts by the no-double-count rule, people by the
finest level known, and tallies of wards, blocks and people per level. Shared by trends,
transitions, targets, reports and the testing rounds.

People are counted at the finest level known: on a day when any block of a ward has a
known level, the ward's people are its blocks' populations at their levels (a block with
no data is `unknown`); otherwise the ward's own population at the ward's level. Wards that
report only as a whole are then not shown as unknown people, and nobody is counted twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from zones.areas import WARD_ROW, area_keys, day_numbers
from zones.counts import COUNT_FIELDS
from zones.levels import RANKED

UNITS = ("wards", "blocks", "population")

GROUPINGS = ("province_code", "district_code", "ward_code")
_TABLE_LIMIT = 4_000_000  # ward × block code pairs looked up through a dense table


@dataclass(frozen=True)
class AreaIndex:
    """What the grids need to know of `areas`, row for row in its order."""

    keys: pd.MultiIndex
    is_ward: np.ndarray  # bool
    ward_row: np.ndarray  # row of the area's ward in `areas` (its own row for a ward), -1
    population: np.ndarray  # float; a blank population counts as 0 people

    @classmethod
    def of(cls, areas: pd.DataFrame) -> AreaIndex:
        keys = area_keys(areas)
        is_ward = np.asarray(areas["area_type"] == "ward")
        wards = keys.get_level_values(0)
        rows = np.r_[np.flatnonzero(is_ward), -1]  # -1: a block whose ward is not listed
        ward_row = rows[pd.Index(wards[is_ward]).get_indexer(wards)]
        pop = pd.to_numeric(areas["population"], errors="coerce").fillna(0)
        return cls(keys, is_ward, ward_row, pop.to_numpy(float))


@dataclass(frozen=True)
class LevelGrid:
    """Level rank (index into RANKED) of every area (rows, in the order of `areas`)
    on every day from `start` (columns); a cell the history did not give is unknown."""

    start: dt.date
    rank: np.ndarray  # int8

    @property
    def n_days(self) -> int:
        return self.rank.shape[1]

    def dates(self) -> list[dt.date]:
        return [self.start + dt.timedelta(days=i) for i in range(self.n_days)]


def _codes(col: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Integer codes (-1: blank) and the distinct values they index; free for
    categoricals, which is what `effective_history` returns."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        return col.cat.codes.to_numpy(), col.cat.categories
    codes, uniques = pd.factorize(col)
    return codes, pd.Index(uniques)


def _days(col: pd.Series, start: dt.date) -> np.ndarray:
    if pd.api.types.is_datetime64_any_dtype(col.dtype):
        return (col.to_numpy("datetime64[D]") - np.datetime64(start, "D")).astype(np.int64)
    codes, uniques = _codes(col)
    if codes.min(initial=0) < 0:
        raise ValueError("a row has no date: every row is about one day")
    # Only the distinct dates are parsed; rows take theirs by code.
    return day_numbers(pd.Series(uniques, dtype=object), start)[codes]


def _positions(frame: pd.DataFrame, keys: pd.MultiIndex) -> np.ndarray:
    """Row in `areas` of each row's (ward_code, block_code); -1 for an unknown area.
    A blank block code is the ward's own row."""
    w, w_vals = _codes(frame["ward_code"])
    b, b_vals = _codes(frame["block_code"])
    if b.min(initial=0) < 0:
        b_vals = b_vals.append(pd.Index([WARD_ROW]))
        b = np.where(b < 0, len(b_vals) - 1, b)
    w_vals, b_vals, nb = w_vals.astype(str), b_vals.astype(str), len(b_vals)
    pair = w.astype(np.int64) * nb + b
    if len(w_vals) * nb > _TABLE_LIMIT:  # too many pairs for a table: look up distinct ones
        codes, uniq = pd.factorize(pair)
        asked = pd.MultiIndex.from_arrays([w_vals[uniq // nb], b_vals[uniq % nb]])
        return np.where(w >= 0, keys.get_indexer(asked)[codes], -1)
    table = np.full(len(w_vals) * nb + 1, -1, dtype=np.int64)
    aw = w_vals.get_indexer(keys.get_level_values(0))
    ab = b_vals.get_indexer(keys.get_level_values(1))
    ok = (aw >= 0) & (ab >= 0)
    table[aw[ok] * nb + ab[ok]] = np.flatnonzero(ok)
    if w.min(initial=0) < 0:  # a blank ward: the table's last cell answers -1
        pair[w < 0] = len(table) - 1
    return table[pair]


def _cells(frame: pd.DataFrame, keys: pd.MultiIndex, start: dt.date, n_days: int):
    """(area row, day column, which rows) of the rows that fall on the grid."""
    pos = _positions(frame, keys)
    day = _days(frame["date"], start)
    inside = (pos >= 0) & (day >= 0) & (day < n_days)
    if inside.all():  # the usual case: a slice keeps millions of rows without a copy
        return pos, day, slice(None)
    return pos[inside], day[inside], inside


def _ranks(levels: pd.Series) -> np.ndarray:
    codes, values = _codes(levels)
    lookup = pd.Index(RANKED).get_indexer(values.astype(str))
    if (lookup < 0).any():
        used = np.bincount(codes[codes >= 0], minlength=len(values)) > 0
        bad = sorted(values[(lookup < 0) & used].astype(str))
        if bad:
            raise ValueError(f"history holds level(s) {bad}: expected one of {RANKED}")
    # The last slot answers code -1: a blank level is no data, rank 0 (unknown).
    return np.r_[np.maximum(lookup, 0), 0].astype(np.int8)[codes]


def level_grid(history: pd.DataFrame, areas: pd.DataFrame | AreaIndex, start: dt.date,
               end: dt.date) -> LevelGrid:
    """The grid of `history` (date, ward_code, block_code, level) from `start` to `end`.
    Rows outside the range or about areas not in `areas` are ignored. Pass an AreaIndex
    instead of `areas` to skip checking the same table again."""
    if end < start:
        raise ValueError(f"history from {start} to {end}: the end is before the start")
    keys = areas.keys if isinstance(areas, AreaIndex) else area_keys(areas)
    n_days = (end - start).days + 1
    pos, day, keep = _cells(history, keys, start, n_days)
    cell = pos * n_days + day
    seen = np.zeros(len(keys) * n_days, dtype=bool)
    seen[cell] = True
    if np.count_nonzero(seen) != len(cell):
        raise ValueError("history gives an area two levels on one day")
    rank = np.zeros((len(keys), n_days), dtype=np.int8)
    rank.ravel()[cell] = _ranks(history["level"])[keep]
    return LevelGrid(start, rank)


def own_count_grids(counts: pd.DataFrame | None, idx: AreaIndex, start: dt.date,
                    n_days: int) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Each area's own new_cases and tests_done on every day ([area, day], NaN where
    blank or not reported) and where it sent a report row at all."""
    shape = (len(idx.keys), n_days)
    out = {field: np.full(shape, np.nan) for field in COUNT_FIELDS}
    sent = np.zeros(shape, dtype=bool)
    if counts is None or counts.empty:
        return out, sent
    pos, day, keep = _cells(counts, idx.keys, start, n_days)
    sent[pos, day] = True
    for field, grid in out.items():
        grid[pos, day] = pd.to_numeric(counts[field], errors="coerce").to_numpy(float)[keep]
    return out, sent


def ward_count_grids(own: dict[str, np.ndarray], sent: np.ndarray, idx: AreaIndex,
                     rows: np.ndarray) -> dict[str, np.ndarray]:
    """new_cases and tests_done of the ward `rows` on every day: [row, day], NaN where
    nothing was reported. A ward's figure is the sum of its block rows on a day it has
    block rows, else its own row's (SPEC): a blank block adds nothing, and the sum is
    blank only when every block row is."""
    n_days = sent.shape[1]
    size = len(rows) * n_days
    out_row = np.full(len(idx.keys) + 1, -1)  # the extra slot answers for "no ward"
    out_row[rows] = np.arange(len(rows))
    blocks = np.flatnonzero(~idx.is_ward)
    owner = out_row[idx.ward_row[blocks]]
    blocks, owner = blocks[owner >= 0], owner[owner >= 0]
    cell = (owner[:, None] * n_days + np.arange(n_days))[sent[blocks]]
    from_blocks = block_reported(idx, sent)[rows]
    out = {}
    for field, grid in own.items():
        value = grid[blocks][sent[blocks]]
        blank = np.isnan(value)
        given = np.bincount(cell[~blank], minlength=size).reshape(-1, n_days)
        total = np.bincount(cell, weights=np.where(blank, 0, value), minlength=size)
        out[field] = np.where(from_blocks, np.where(given > 0, total.reshape(-1, n_days),
                                                    np.nan), grid[rows])
    return out


def area_count_grids(own: dict[str, np.ndarray], sent: np.ndarray,
                     idx: AreaIndex) -> dict[str, np.ndarray]:
    """new_cases and tests_done of every area on every day ([area, day], NaN blank): a
    block's own figure, a ward's by the no-double-count rule (`ward_count_grids`)."""
    wards = np.flatnonzero(idx.is_ward)
    figures = ward_count_grids(own, sent, idx, wards)
    out = {}
    for field, grid in own.items():
        out[field] = np.where(idx.is_ward[:, None], np.nan, grid)
        out[field][wards] = figures[field]
    return out


def block_reported(idx: AreaIndex, sent: np.ndarray) -> np.ndarray:
    """[area, day]: True at a ward's row on a day one of its blocks sent a report (its
    figures are then sums of block rows)."""
    n_days = sent.shape[1]
    blocks = np.flatnonzero(~idx.is_ward & (idx.ward_row >= 0))
    out = np.zeros(len(idx.is_ward) * n_days, dtype=bool)
    out[(idx.ward_row[blocks][:, None] * n_days + np.arange(n_days))[sent[blocks]]] = True
    return out.reshape(-1, n_days)


def count_grids(counts: pd.DataFrame | None, idx: AreaIndex, start: dt.date, n_days: int,
                rows: np.ndarray) -> dict[str, np.ndarray]:
    """`ward_count_grids` of the report rows `counts` (date, ward_code, block_code,
    new_cases, tests_done)."""
    return ward_count_grids(*own_count_grids(counts, idx, start, n_days), idx, rows)


def people(grid: LevelGrid, idx: AreaIndex) -> np.ndarray:
    """People of each area on each day under the finest-level-known rule (module doc)."""
    block = ~idx.is_ward & (idx.ward_row >= 0)
    n_days = grid.n_days
    cell = idx.ward_row[block][:, None] * n_days + np.arange(n_days)
    use_blocks = np.zeros(grid.rank.size, dtype=bool)
    use_blocks[cell[grid.rank[block] > 0]] = True  # ward rows whose blocks speak that day
    use_blocks = use_blocks.reshape(grid.rank.shape)
    counted = np.ones(grid.rank.shape, dtype=bool)  # a block whose ward is not listed
    counted[idx.is_ward] = ~use_blocks[idx.is_ward]
    counted[block] = use_blocks[idx.ward_row[block]]
    return np.where(counted, idx.population[:, None], 0.0)


def tally(grid: LevelGrid, idx: AreaIndex, group: np.ndarray, n_groups: int) -> np.ndarray:
    """Wards, blocks and people at each level: array [group, day, level, unit] in the
    order of UNITS. Areas with group -1 are left out."""
    n_days, n_levels = grid.n_days, len(RANKED)
    size = n_groups * n_days * n_levels
    rows = slice(None) if group.min(initial=0) >= 0 else np.flatnonzero(group >= 0)
    # Slot of each cell: ((group, day, level), kind), where kind 0 is a ward, 1 a block,
    # so one pass counts both.
    base = (group[rows][:, None] * n_days + np.arange(n_days)) * (2 * n_levels)
    base += (~idx.is_ward[rows])[:, None]
    slot = base + 2 * grid.rank[rows]
    areas = np.bincount(slot.ravel(), minlength=2 * size)
    slot >>= 1
    pop = np.bincount(slot.ravel(), weights=people(grid, idx)[rows].ravel(), minlength=size)
    out = np.stack([areas[0::2], areas[1::2], pop], axis=-1)
    return out.reshape(n_groups, n_days, n_levels, len(UNITS))
