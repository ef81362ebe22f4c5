"""Sampling capacity as the planner reads it: one number for the whole city, or a table
per district or per ward (optionally per date), turned into a pools × days matrix.

A *pool* is the set of areas that draw on the same capacity: the whole city, one
district or one ward.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from numbers import Integral

import numpy as np
import pandas as pd

from zones.areas import day_numbers
from zones.problems import Unsaid

POOL_KEYS = ("district_code", "ward_code")
CITY_POOL = "all"  # the one pool of a single capacity figure


@dataclass(frozen=True)
class Capacity:
    pool_by: str  # "all", "district_code" or "ward_code"
    pools: list[str]  # pool codes, in matrix row order
    of_area: np.ndarray  # pool row of each area
    matrix: np.ndarray  # (pools, days) units per day


def read_capacity(capacity, units: pd.DataFrame, as_of: dt.date, horizon: int) -> Capacity:
    """Capacity for `units` over days as_of … as_of + horizon - 1.

    `capacity` is an integer ≥ 0 (per day, whole city) or a DataFrame with `capacity`,
    exactly one of district_code / ward_code, and optionally `date`. Without `date` a row
    holds for every day; with it, a pool's day missing from the table has no capacity
    (e.g. no sampling on a Sunday). Raises Unsaid (a ValueError) naming what is wrong: a
    negative or fractional figure, a pool and day given twice, an area whose pool has no
    row; ValueError for a capacity of another type.
    """
    if isinstance(capacity, Integral) and not isinstance(capacity, bool):
        if capacity < 0:
            raise Unsaid("request.capacity.negative", capacity=capacity)
        matrix = np.full((1, horizon), int(capacity), dtype=np.int64)
        return Capacity("all", [CITY_POOL], np.zeros(len(units), np.int64), matrix)
    if not isinstance(capacity, pd.DataFrame):
        raise ValueError(f"capacity must be an integer or a table, got {type(capacity).__name__}")
    return _from_table(capacity, units, as_of, horizon)


def _pool_key(table: pd.DataFrame) -> str:
    keys = [k for k in POOL_KEYS if k in table.columns]
    if len(keys) != 1 or "capacity" not in table.columns:
        raise Unsaid("request.capacity.columns", columns=str(list(table.columns)))
    return keys[0]


def _figures(table: pd.DataFrame) -> np.ndarray:
    raw = pd.to_numeric(table["capacity"], errors="coerce").to_numpy(dtype=float)
    bad = np.isnan(raw) | (raw < 0) | (raw != np.floor(raw))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise Unsaid("request.capacity.bad_value", value=repr(table["capacity"].iloc[i]),
                     row=i)
    return raw.astype(np.int64)


def _from_table(table: pd.DataFrame, units: pd.DataFrame, as_of: dt.date,
                horizon: int) -> Capacity:
    key = _pool_key(table)
    if key not in units.columns:
        raise ValueError(f"capacity is per {key} but the areas have no {key} column")
    if key == "district_code" and (units[key].fillna("") == "").all():
        raise Unsaid("request.capacity.no_districts")  # two tiers: no district to pool by
    codes = table[key].astype(str).to_numpy(object)
    pools = sorted(set(codes))
    row = pd.Index(pools).get_indexer(codes)
    figures = _figures(table)
    dated = "date" in table.columns
    day = day_numbers(table["date"], as_of) if dated else np.zeros(len(table), np.int64)
    twice = pd.DataFrame({"pool": codes, "day": day}).duplicated()
    if twice.any():
        i = int(np.flatnonzero(twice.to_numpy())[0])
        if dated:
            raise Unsaid("request.capacity.twice_on", column=key, code=codes[i],
                         date=table["date"].iloc[i])
        raise Unsaid("request.capacity.twice", column=key, code=codes[i])
    matrix = np.zeros((len(pools), horizon), dtype=np.int64)
    if dated:
        inside = (day >= 0) & (day < horizon)
        matrix[row[inside], day[inside]] = figures[inside]
    else:
        matrix[row, :] = figures[:, None]
    of_area = pd.Index(pools).get_indexer(units[key].astype(str).to_numpy(object))
    if (of_area < 0).any():
        missing = sorted(set(units[key].astype(str).to_numpy(object)[of_area < 0]))
        raise Unsaid("request.capacity.no_row", column=key, codes=str(missing[:10]))
    return Capacity(key, pools, of_area.astype(np.int64), matrix)
