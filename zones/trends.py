"""Trends of zone levels over days: areas and people at each level, new cases and tests,
per day and per district (or ward, or province), from a per-day effective-level table.

Everything runs on one (area × day) grid with numpy, so 25,000 blocks over 120 days
aggregate in a fraction of a second. `trend_chunk` aggregates a history table;
`ward_tallies` keeps each ward's figures apart, which depend on that ward alone, so the
store can keep them (data.store.trend_packs) and `trends_of_tallies` adds them up into any
grouping. The grid helpers here are shared with `zones.transitions` and `zones.targets`.

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
from zones.levels import RANKED

UNITS = ("wards", "blocks", "population")
COUNT_FIELDS = ("new_cases", "tests_done")
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


@dataclass(frozen=True)
class Trends:
    """levels: date, <by>, level, wards, blocks, population (every level, zeros too).
    counts: date, <by>, new_cases, tests_done, wards_reporting (wards whose new_cases
    figure is not blank; a blank figure adds nothing, so a 0 can be told from silence)."""

    by: str
    levels: pd.DataFrame
    counts: pd.DataFrame


def _groups(areas: pd.DataFrame, by: str) -> tuple[np.ndarray, pd.Index]:
    if by not in GROUPINGS:
        raise ValueError(f"trends by {by!r}: expected one of {GROUPINGS}")
    if by not in areas.columns:
        raise ValueError(f"areas lacks column {by!r} to group trends by")
    codes, uniques = pd.factorize(areas[by].astype(str), sort=True)
    return codes, pd.Index(uniques)


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


def _frames(t: np.ndarray, sums: dict[str, np.ndarray], names: pd.Index, start: dt.date,
            by: str) -> Trends:
    """Trends of the tallies t [group, day, level, unit] and the count sums [group, day]
    of the groups `names`, days from `start`."""
    n_g, n_d, n_l = t.shape[:3]
    t = t.transpose(1, 0, 2, 3)  # [day, group, level, unit]
    dates = np.array([start + dt.timedelta(days=i) for i in range(n_d)], dtype=object)
    group_names = names.to_numpy(object)
    levels = pd.DataFrame({
        "date": np.repeat(dates, n_g * n_l),
        by: np.tile(np.repeat(group_names, n_l), n_d),
        "level": np.tile(np.asarray(RANKED, dtype=object), n_d * n_g),
        **{u: t[..., i].ravel().round().astype(np.int64) for i, u in enumerate(UNITS)},
    })
    counts = pd.DataFrame({"date": np.repeat(dates, n_g), by: np.tile(group_names, n_d),
                           **{k: v.T.ravel().round().astype(np.int64)
                              for k, v in sums.items()}})
    return Trends(by, levels, counts)


def trend_chunk(history: pd.DataFrame, counts: pd.DataFrame | None, areas: pd.DataFrame,
                start: dt.date, end: dt.date, *, by: str = "district_code") -> Trends:
    """Trends of the days `start`…`end` (inclusive). history: date, ward_code,
    block_code, level (as `effective_history` gives it); counts: date, ward_code,
    block_code, new_cases, tests_done (report rows; the no-double-count rule is applied
    here; None: no counts). Filter `areas` to limit the trends to some districts."""
    idx = AreaIndex.of(areas)
    grid = level_grid(history, idx, start, end)
    own, sent = own_count_grids(counts, idx, start, grid.n_days)
    return _trends(grid, own, sent, idx, areas, by)


def _trends(grid: LevelGrid, own, sent, idx: AreaIndex, areas: pd.DataFrame,
            by: str) -> Trends:
    group, names = _groups(areas, by)
    t = tally(grid, idx, group, len(names))
    return _frames(t, _count_sums(own, sent, idx, group, len(names)), names, grid.start, by)


def ward_tallies(rank: np.ndarray, own: dict[str, np.ndarray], sent: np.ndarray,
                 areas: pd.DataFrame) -> tuple[pd.Index, np.ndarray, np.ndarray]:
    """The tallies of each ward code of `areas` (its ward and its blocks) from grids
    [area, day] in the order of `areas`: the effective level ranks (index into
    RANKED), each area's own new_cases and tests_done (NaN: blank) and where it sent
    a report (as `own_count_grids` gives). Returns (ward codes, sorted; wards, blocks and
    people at each level [ward, day, level, unit]; the ward's new_cases and tests_done
    [ward, day, field], NaN where blank). A ward's tallies depend on its own areas and
    reports only, so they can be kept and added up into any grouping by
    `trends_of_tallies`."""
    idx = AreaIndex.of(areas)
    group, names = _groups(areas, "ward_code")
    t = tally(LevelGrid(dt.date.min, rank), idx, group, len(names))
    rows = np.flatnonzero(idx.is_ward)
    figures = ward_count_grids(own, sent, idx, rows)
    counts = np.full((len(names), rank.shape[1], len(COUNT_FIELDS)), np.nan)
    for k, field in enumerate(COUNT_FIELDS):
        counts[group[rows], :, k] = figures[field]
    return names, t, counts


def ward_groups(areas: pd.DataFrame, by: str, wards: pd.Index) -> tuple[np.ndarray, pd.Index]:
    """The group (column `by`) of each ward code in `wards` as an index into the group
    names returned (-1: a ward code with no area); ValueError if a ward's areas lie in
    two groups, as its tallies could then not be added up whole."""
    group, names = _groups(areas, by)
    ward = pd.Index(wards).get_indexer(areas["ward_code"].astype(str))
    group = group[ward >= 0]
    ward = ward[ward >= 0]
    out = np.full(len(wards), -1)
    out[ward] = group
    split = ward[out[ward] != group]
    if len(split):
        raise ValueError(f"areas of ward {wards[split[0]]!r} lie in more than one {by}")
    return out, names


def trends_of_tallies(levels: np.ndarray, counts: np.ndarray, ward_group: np.ndarray,
                      names: pd.Index, start: dt.date, by: str) -> Trends:
    """Trends from `ward_tallies` (days from `start`) added up by group: ward_group[i] is
    the group (index into `names`, named after column `by`) of ward i, -1 to leave it
    out."""
    n_w = counts.shape[0]
    member = np.zeros((len(names), n_w))
    inside = np.flatnonzero(ward_group >= 0)
    member[ward_group[inside], inside] = 1.0
    t = (member @ levels.reshape(n_w, -1)).reshape(len(names), *levels.shape[1:])
    sums = {field: member @ np.nan_to_num(counts[..., k])
            for k, field in enumerate(COUNT_FIELDS)}
    sums["wards_reporting"] = member @ (~np.isnan(counts[..., 0])).astype(float)
    return _frames(t, sums, names, start, by)


def trends_table(trends: Trends) -> pd.DataFrame:
    """One row per date and group, for CSV: wards_<level>, blocks_<level>,
    population_<level> for every level, then new_cases, tests_done, wards_reporting."""
    wide = trends.levels.pivot(index=["date", trends.by], columns="level", values=list(UNITS))
    wide = wide.reindex(columns=pd.MultiIndex.from_product([UNITS, RANKED]), fill_value=0)
    wide.columns = [f"{unit}_{level}" for unit, level in wide.columns]
    out = wide.join(trends.counts.set_index(["date", trends.by]), how="outer")
    return out.fillna(0).astype(np.int64).reset_index()
