"""Trends of zone levels over days: areas and people at each level, new cases and tests,
per day and per district (or ward, or province), from a per-day effective-level table.

Everything runs on (area × day) grids (zones.area_grids), so 25,000 blocks over 120 days
aggregate in a fraction of a second. `ward_tallies` keeps each ward's figures apart, which
depend on that ward alone, so the store can keep them (data.store.trend_packs), and
`trends_of_tallies` adds them up into any grouping.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from zones.area_grids import (
    COUNT_FIELDS,
    GROUPINGS,
    UNITS,
    AreaIndex,
    LevelGrid,
    tally,
    ward_count_grids,
)
from zones.levels import RANKED


@dataclass(frozen=True)
class Trends:
    """levels: date, <by>, level, wards, blocks, population (every level, zeros too).
    counts: date, <by>, new_cases, tests_done, wards_reporting (wards whose new_cases
    figure is not blank; a blank figure adds nothing, so a 0 can be told from silence)."""

    by: str
    levels: pd.DataFrame
    counts: pd.DataFrame


def groups_of(areas: pd.DataFrame, by: str) -> tuple[np.ndarray, pd.Index]:
    if by not in GROUPINGS:
        raise ValueError(f"trends by {by!r}: expected one of {GROUPINGS}")
    if by not in areas.columns:
        raise ValueError(f"areas lacks column {by!r} to group trends by")
    codes, uniques = pd.factorize(areas[by].astype(str), sort=True)
    return codes, pd.Index(uniques)


def trends_frame(t: np.ndarray, sums: dict[str, np.ndarray], names: pd.Index, start: dt.date,
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
    group, names = groups_of(areas, "ward_code")
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
    group, names = groups_of(areas, by)
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
    return trends_frame(t, sums, names, start, by)


def trends_table(trends: Trends) -> pd.DataFrame:
    """One row per date and group, for CSV: wards_<level>, blocks_<level>,
    population_<level> for every level, then new_cases, tests_done, wards_reporting."""
    wide = trends.levels.pivot(index=["date", trends.by], columns="level", values=list(UNITS))
    wide = wide.reindex(columns=pd.MultiIndex.from_product([UNITS, RANKED]), fill_value=0)
    wide.columns = [f"{unit}_{level}" for unit, level in wide.columns]
    out = wide.join(trends.counts.set_index(["date", trends.by]), how="outer")
    return out.fillna(0).astype(np.int64).reset_index()
