"""What the fast map's page (ui/components/vxmap) gets besides the history
(geo.webmap.history): the codes, names and notes of every area (with the polygons of
geo.webmap.geometry_file, the *base*), packed as the browser inflates it; and the search
the map and the table pages share.

Everything is a pure function of the area table and the reports, in the order of the
area table.
"""

from __future__ import annotations

import datetime as dt
import json
import zlib

import numpy as np
import pandas as pd

from geo.webmap.geometry import geometry_payload
from zones.areas import WARD_ROW, area_keys, day_numbers, report_positions
from zones.levels import fold
from zones.tiers import group_names, unit_groups


def base_payload(areas: pd.DataFrame, geoms: np.ndarray, reports: pd.DataFrame,
                 first: dt.date, tolerance_m: float | None = None) -> dict:
    """Polygons, names and notes of every area (JSON-ready), in the order of `areas`: the
    names file and the geometry file in one (the page merges the two it gets)."""
    is_ward = (areas["area_type"] == "ward").to_numpy()
    return {**names_payload(areas, reports, first),
            **geometry_payload(geoms, is_ward, tolerance_m,
                               areas["district_code"].fillna("").astype(str).to_numpy())}


def names_payload(areas: pd.DataFrame, reports: pd.DataFrame, first: dt.date) -> dict:
    """Codes, names, districts, populations and notes of every area (JSON-ready), in the
    order of `areas`.

    Notes are stored text, sent as text: the component puts them in the page with
    textContent, never as HTML.
    """
    is_ward = (areas["area_type"] == "ward").to_numpy()
    keys = area_keys(areas)
    ward_pos = keys.get_indexer(pd.MultiIndex.from_arrays(
        [keys.get_level_values(0), np.full(len(keys), WARD_ROW, dtype=object)]))
    # The district, or a two-tier ward's province: what the map's filter scopes to.
    district, district_codes = pd.factorize(unit_groups(areas).astype(str))
    names = group_names(areas)
    name = np.where(is_ward, areas["ward_name"], areas["block_name"].fillna(""))
    return {
        "v": 1, "first": first.isoformat(), "n": len(areas),
        "ward": ward_pos.tolist(), "code": keys.get_level_values(1).tolist(),
        "wcode": keys.get_level_values(0).tolist(), "name": [str(x) for x in name],
        "dist": district.tolist(),
        "districts": [[c, str(names.get(c, c))] for c in district_codes],
        "pop": [None if pd.isna(p) else int(p) for p in areas["population"]],
        "notes": notes_payload(areas, reports, first),
    }


def notes_payload(areas: pd.DataFrame, reports: pd.DataFrame, first: dt.date) -> dict:
    """Every stored note as (day, area, index into a table of distinct texts)."""
    has = reports[reports["note"].notna() & (reports["note"].astype(str) != "")]
    pos = report_positions(area_keys(areas), has) if len(has) else np.empty(0, int)
    has, pos = has[pos >= 0], pos[pos >= 0]
    text_idx, texts = pd.factorize(has["note"].astype(str))
    day = day_numbers(has["date"], first) if len(has) else np.empty(0, int)
    return {"text": [str(x) for x in texts], "day": day.tolist(), "area": pos.tolist(),
            "text_idx": text_idx.tolist()}


def search_texts(areas: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """What a search looks in, folded (no diacritics, đ → d, lower case): a ward's name
    and code; a block's name and code with its ward's."""
    def folded(col: str) -> pd.Series:  # names repeat (Tổ dân phố 1…): fold each once
        codes, distinct = pd.factorize(areas[col].fillna("").astype(str))
        return pd.Series(np.array([fold(x) for x in distinct], dtype=object)[codes]
                         if len(distinct) else np.full(len(codes), "", dtype=object),
                         index=areas.index, dtype=object)

    # fold works character by character, so folding the parts is folding the whole.
    ward = folded("ward_name") + " " + folded("ward_code")
    block = folded("block_name") + " " + folded("block_code")
    return ward, block + " " + ward


def search_mask(texts: tuple[pd.Series, pd.Series], is_ward: np.ndarray,
                query: str) -> np.ndarray:
    """Areas whose text holds every word of `query`, with or without diacritics
    (`phuong van quan` finds Phường Văn Quán). A block whose ward alone matches is
    left out: searching a ward's name finds the ward, not its eighty blocks."""
    words = fold(query or "").split()
    if not words:
        return np.zeros(len(is_ward), dtype=bool)
    ward_hit, block_hit = (np.logical_and.reduce(
        [t.str.contains(w, regex=False).to_numpy(bool) for w in words]) for t in texts)
    return np.where(is_ward, ward_hit, block_hit & ~ward_hit)


def pack_json(obj) -> bytes:
    """zlib-compressed JSON, which the browser inflates with DecompressionStream."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return zlib.compress(text.encode("utf-8"), 6)
