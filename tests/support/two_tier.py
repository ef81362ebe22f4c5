"""Hand-built two-tier units (a province holds its communes directly, as from 1 July
2025): a small store to load, and a GeoJSON of such communes written without a shared
file, with every kind of problem a boundary report must list when asked."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import shapely

from data.store.database import Store

PROVINCE = ("79", "Thành phố Hồ Chí Minh")
# (code, name, population): communes of the province, no district between.
COMMUNES = [("26734", "Phường Sài Gòn", 4000), ("26740", "Phường Tân Định", 3000),
            ("27004", "Xã Bình Chánh", 2000)]


def load_two_tier(store: Store) -> None:
    """Three communes under province 79, the first with two blocks."""
    store.upsert_units(
        pd.DataFrame({"code": [PROVINCE[0]], "name": [PROVINCE[1]]}),
        pd.DataFrame(columns=["code", "name", "province_code"]),
        pd.DataFrame({"code": [c for c, _, _ in COMMUNES], "name": [n for _, n, _ in COMMUNES],
                      "province_code": PROVINCE[0], "district_code": None,
                      "population": [p for _, _, p in COMMUNES]}))
    store.upsert_blocks(pd.DataFrame({
        "ward_code": ["26734", "26734"], "block_code": ["KP01", "KP02"],
        "name": ["Khu phố 1", "Khu phố 2"], "population": [1500, 2500]}))


def square(x: float, y: float, size: float = 0.01) -> shapely.Polygon:
    return shapely.box(x, y, x + size, y + size)


def commune_feature(code, name, geom, population=1000) -> dict:
    props = {"province_code": PROVINCE[0], "province_name": PROVINCE[1], "ward_code": code,
             "ward_name": name, "unit_type": "Phường", "population": population}
    return {"type": "Feature", "properties": props, "geometry": shapely.geometry.mapping(geom)}


def write_communes(path: Path, features: list[dict]) -> Path:
    """A 2025-shaped GeoJSON (no district fields, no crs member)."""
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features},
                               ensure_ascii=False), encoding="utf-8")
    return path
