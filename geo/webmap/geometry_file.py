"""The map's geometry file: every area's polygon simplified and encoded for the page
(geo.webmap.simplify), made from the WKB the store holds, and the hash of what it is made
from. Simplifying a city's 25,000 blocks takes seconds and polygons change only with an
import, so the dashboard keeps the file in the store under that hash (data.store.derived)
instead of making it on every start.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import shapely

from geo.webmap.geometry import geometry_payload
from geo.webmap.payload import pack_json
from geo.webmap.simplify import QUANTUM
from zones.areas import WARD_ROW, area_keys

FORMAT = 2  # of the file: a new encoding makes every kept file stale (2: districts)


def area_geometries(areas: pd.DataFrame, ward_geoms: pd.DataFrame,
                    block_geoms: pd.DataFrame) -> np.ndarray:
    """Shapely geometry of every area in the order of `areas`, None where it has none.
    Inputs are Store.geometries('ward') and Store.geometries('block') (WKB)."""
    keys = area_keys(areas)
    out = np.full(len(keys), None, dtype=object)
    for frame, is_ward in ((ward_geoms, True), (block_geoms, False)):
        if frame is None or frame.empty:
            continue
        block = WARD_ROW if is_ward else frame["block_code"].astype(str)
        at = keys.get_indexer(pd.MultiIndex.from_arrays(
            [frame["ward_code"].astype(str), pd.Series(block, index=frame.index)]))
        geoms = shapely.from_wkb([bytes(b) for b in frame["geometry"]])
        out[at[at >= 0]] = geoms[at >= 0]
    return out


def _districts(areas: pd.DataFrame) -> np.ndarray:
    """Each area's district code, '' where it has none (two tiers)."""
    return areas["district_code"].fillna("").astype(str).to_numpy()


def geometry_key(areas: pd.DataFrame, ward_geoms: pd.DataFrame, block_geoms: pd.DataFrame,
                 tolerance_m: float | None = None) -> str:
    """Hash of everything `geometry_file` is made from: the areas in order, their kinds,
    their districts (for the outlines) and their polygons (WKB, as Store.geometries
    gives them), the tolerance and the encoding. Equal hashes, equal files."""
    h = hashlib.blake2b(repr((FORMAT, tolerance_m, QUANTUM)).encode(),
                        digest_size=16)
    keys = area_keys(areas)
    h.update("\x1e".join(f"{w}\x1f{b}\x1f{t}\x1f{d}" for (w, b), t, d in
                         zip(keys, areas["area_type"].astype(str), _districts(areas),
                             strict=True)).encode())
    for frame in (ward_geoms, block_geoms):  # in the order read (Store.geometries sorts)
        codes = [frame[c].astype(str) for c in ("ward_code", "block_code") if c in frame]
        blobs = [bytes(b) for b in frame["geometry"]]
        h.update(f"\x1d{len(blobs)}\x1d".encode())
        h.update("\x1e".join("/".join(code) for code in zip(*codes, strict=True)).encode())
        h.update(np.array([len(b) for b in blobs], dtype=np.int64).tobytes())
        h.update(b"".join(blobs))
    return h.hexdigest()


def geometry_file(areas: pd.DataFrame, ward_geoms: pd.DataFrame, block_geoms: pd.DataFrame,
                  tolerance_m: float | None = None) -> tuple[bytes, dict]:
    """The page's geometry file (pack_json of geometry_payload, in the order of `areas`)
    and its meta: `undrawn`, the positions of areas with no polygon to draw."""
    geoms = area_geometries(areas, ward_geoms, block_geoms)
    is_ward = (areas["area_type"] == "ward").to_numpy()
    payload = geometry_payload(geoms, is_ward, tolerance_m, _districts(areas))
    undrawn = [i for i, g in enumerate(payload["geom"]) if g is None]
    return pack_json(payload), {"undrawn": undrawn}
