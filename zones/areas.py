"""The area table's keys: how a report row finds its ward or block among the areas.

An area is a ward (`block_code == ""`) or a block (tổ dân phố) of a ward; its key is
`(ward_code, block_code)`, since block codes are unique only within their ward.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import numpy as np
import pandas as pd

# block_code of a ward's own row. It mirrors data.store.schema.WARD_ROW, which zones/ may not
# import (data flows file → data → zones, never back).
WARD_ROW = ""
AREA_TYPES = ("ward", "block")


def area_keys(areas: pd.DataFrame) -> pd.MultiIndex:
    """The (ward_code, block_code) key of every area, after checking the table is sound.

    Raises ValueError naming the offending rows: a missing column, an area type other
    than ward/block, a ward with a block code or a block without one, a key twice.
    """
    missing = [c for c in ("area_type", "ward_code", "block_code") if c not in areas.columns]
    if missing:
        raise ValueError(f"areas lacks column(s) {missing}: expected Store.areas() columns")
    ward = areas["ward_code"].astype(str).to_numpy(object)
    block = areas["block_code"].fillna(WARD_ROW).astype(str).to_numpy(object)
    kind = areas["area_type"].astype(str).to_numpy(object)
    odd = sorted(set(kind) - set(AREA_TYPES))
    if odd:
        raise ValueError(f"areas has area_type {odd}: expected one of {AREA_TYPES}")
    misfiled = (kind == "ward") != (block == WARD_ROW)
    if misfiled.any():
        i = int(np.flatnonzero(misfiled)[0])
        raise ValueError(f"area {ward[i]}/{block[i]!r} is a {kind[i]}: a ward has block_code "
                         "'' and a block a non-empty one")
    keys = pd.MultiIndex.from_arrays([ward, block], names=["ward_code", "block_code"])
    if keys.has_duplicates:
        twice = keys[keys.duplicated()].unique().tolist()[:5]
        raise ValueError(f"areas lists these keys more than once: {twice}")
    return keys


def area_row_hashes(areas: pd.DataFrame) -> np.ndarray:
    """A 64-bit hash of each area of what figures take from the area table: its keys,
    kind and population (names do not count)."""
    frame = pd.DataFrame({
        "ward_code": areas["ward_code"].astype(str),
        "block_code": areas["block_code"].fillna(WARD_ROW).astype(str),
        "area_type": areas["area_type"].astype(str),
        "population": pd.to_numeric(areas["population"], errors="coerce").astype(float),
    })
    return pd.util.hash_pandas_object(frame, index=False).to_numpy(np.uint64)


def areas_digest(areas: pd.DataFrame) -> bytes:
    """Hash of `area_row_hashes`, row by row in the table's order."""
    return hashlib.blake2b(area_row_hashes(areas).tobytes(), digest_size=16).digest()


def report_positions(keys: pd.MultiIndex, reports: pd.DataFrame) -> np.ndarray:
    """Position in `keys` of each report's area; -1 for an area the table does not hold
    (such a report can be neither shown nor rolled up, so callers drop it).

    Distinct (ward, block) pairs are far fewer than reports, so only those are looked up.
    """
    if reports.empty:
        return np.empty(0, dtype=np.intp)
    ward, wards = pd.factorize(reports["ward_code"])
    if len(wards) == 0:  # every ward code blank
        return np.full(len(reports), -1, dtype=np.intp)
    block, blocks = pd.factorize(reports["block_code"].fillna(WARD_ROW))
    width = max(len(blocks), 1)
    pair, pairs = pd.factorize(ward.astype(np.int64) * width + block)
    blank = pairs < 0  # a blank ward code (factorize gives -1) matches no area
    pairs = np.where(blank, 0, pairs)
    asked = pd.MultiIndex.from_arrays([
        np.asarray(wards.astype(str), dtype=object)[pairs // width],
        np.asarray(blocks.astype(str), dtype=object)[pairs % width],
    ])
    found = keys.get_indexer(asked)
    found[blank] = -1
    return found[pair]


def day_numbers(dates: pd.Series, first_day: dt.date) -> np.ndarray:
    """Whole days from `first_day` to each date (dates as datetime.date, Timestamp or
    ISO text). Distinct dates are few, so only those are parsed."""
    codes, distinct = pd.factorize(dates)
    if (codes < 0).any():
        raise ValueError("a report has no date: every report is about one day")
    if len(distinct) == 0:
        return np.zeros(len(dates), dtype=np.int64)
    parsed = pd.to_datetime(pd.Series(distinct)).to_numpy("datetime64[D]")
    offsets = (parsed - np.datetime64(first_day, "D")).astype(np.int64)
    return offsets[codes]


def rows_on(areas: pd.DataFrame, reports: pd.DataFrame, day: dt.date) -> pd.DataFrame:
    """The reports of `day`, one row per area in the order of `areas` (NA where an area
    sent nothing). Raises ValueError if an area has two reports that day."""
    keys = area_keys(areas)
    todays = reports[day_numbers(reports["date"], day) == 0] if len(reports) else reports
    pos = report_positions(keys, todays)
    todays = todays[pos >= 0]
    pos = pos[pos >= 0]
    if len(np.unique(pos)) != len(pos):
        raise ValueError(f"an area has two reports on {day}: reports must be one per area "
                         "and day")
    out = todays.set_axis(pos).reindex(np.arange(len(keys)))
    return out.set_axis(areas.index)
