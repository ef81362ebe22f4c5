"""The morning view's figures (data.services.today) from the effective level ranks of
a window of days: areas and people by level and source, level changes between two days,
units ranked by people in đỏ and phong tỏa. Pure functions over tables and grids."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from zones.area_grids import AreaIndex, LevelGrid, tally
from zones.areas import WARD_ROW
from zones.effective import SOURCES
from zones.levels import RANKED, severity
from zones.report_period import Scope

# Where a level came from, as the view names it (zones.effective.SOURCES, same order).
SOURCE_NAMES = dict(zip(SOURCES, ("unknown", "fresh", "carried", "rolled_up"), strict=True))
LOCKDOWN = "phong_toa"
WORST = ("do", LOCKDOWN)


def area_key(ward_code: str, block_code: str) -> str:
    """`ward_code` or `ward_code/block_code`: how the view, URLs and JSON name an area."""
    return ward_code if block_code in ("", WARD_ROW, None) else f"{ward_code}/{block_code}"


def keys_of(areas: pd.DataFrame) -> np.ndarray:
    """`area_key` of every area, at once."""
    ward = areas["ward_code"].to_numpy(dtype=object)
    block = areas["block_code"].fillna(WARD_ROW).to_numpy(dtype=object)
    return np.where(block == WARD_ROW, ward, ward + "/" + block)


def population(areas: pd.DataFrame) -> np.ndarray:
    return pd.to_numeric(areas["population"], errors="coerce").fillna(0).to_numpy(np.int64)


def counts_of(areas: pd.DataFrame, rank: np.ndarray, source: np.ndarray) -> list[dict]:
    """Areas and their own population by area type, level and source (every area once:
    a ward's row counts the ward, a block's the block)."""
    frame = pd.DataFrame({
        "area_type": areas["area_type"].to_numpy(object),
        "level": np.asarray(RANKED, dtype=object)[rank],
        "source": np.asarray([SOURCE_NAMES[s] for s in SOURCES], dtype=object)[source],
        "population": population(areas)})
    g = frame.groupby(["area_type", "level", "source"], sort=False)["population"]
    out = g.agg(areas="size", population="sum").reset_index()
    order = {c: i for i, c in enumerate(reversed(RANKED))}
    out = out.assign(_o=out["level"].map(order)).sort_values(["area_type", "_o", "source"])
    return [{"area_type": r.area_type, "level": r.level, "source": r.source,
             "areas": int(r.areas), "population": int(r.population)}
            for r in out.itertuples(index=False)]


def changes_of(areas: pd.DataFrame, keys: np.ndarray, was: np.ndarray,
             now: np.ndarray) -> list[dict]:
    """Areas whose known level went up or down: new lockdowns first, then up before
    down, worse levels and more people first."""
    moved = np.flatnonzero((was > 0) & (now > 0) & (was != now))
    pop = population(areas)
    rows = []
    for i in moved:
        a, b = RANKED[was[i]], RANKED[now[i]]
        rows.append({"area": keys[i], "area_type": areas.at[i, "area_type"],
                     "name": area_name(areas, i), "ward_name": str(areas.at[i, "ward_name"]),
                     "from": a, "to": b, "direction": "up" if now[i] > was[i] else "down",
                     "population": int(pop[i])})
    rows.sort(key=lambda r: (r["to"] != LOCKDOWN or r["from"] == LOCKDOWN,
                             r["direction"] != "up", -(severity(r["to"]) or 0),
                             -r["population"], r["area"]))
    return rows


def area_name(areas: pd.DataFrame, i: int) -> str:
    block = str(areas.at[i, "block_name"] or "")
    return block if areas.at[i, "area_type"] == "block" and block else str(areas.at[i, "ward_name"])


def unit_column(areas: pd.DataFrame, scope: Scope) -> str:
    """Districts where the scope has several and they exist (three tiers), else wards."""
    if scope.kind in ("city", "province"):
        districts = areas["district_code"].dropna().astype(str)
        if (districts != "").all() and districts.nunique() > 1:
            return "district_code"
    return "ward_code"


def ranking_of(areas: pd.DataFrame, scope: Scope, rank: np.ndarray,
             start: dt.date) -> list[dict]:
    """Units by people in đỏ and phong tỏa (counted by block where blocks speak), then by
    their share of the unit's people; the share's change against WEEK days before."""
    column = unit_column(areas, scope)
    group, units = pd.factorize(areas[column].astype(str))
    idx = AreaIndex.of(areas)
    t = tally(LevelGrid(start, rank.astype(np.int8)), idx, group, len(units))[..., 2]
    worst = [RANKED.index(c) for c in WORST]
    total = t.sum(axis=2)
    bad = t[:, :, worst]
    share = np.divide(bad.sum(axis=2), total, out=np.zeros_like(total), where=total > 0)
    names = areas.groupby(column)[column.replace("_code", "_name")].first()
    rows = [{"unit_code": str(u), "name": str(names.get(u, "")),
             "population": round(float(total[g, 1])),
             "population_do": round(float(bad[g, 1, 0])),
             "population_phong_toa": round(float(bad[g, 1, 1])),
             "share": round(float(share[g, 1]), 6),
             "change_7d": round(float(share[g, 1] - share[g, 0]), 6)}
            for g, u in enumerate(units)]
    rows.sort(key=lambda r: (-(r["population_do"] + r["population_phong_toa"]), -r["share"],
                             r["unit_code"]))
    return rows
