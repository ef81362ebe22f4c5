"""The built-in demo city: a seeded, made-up province `99` with districts `901…`, wards
`90001…` and blocks `TDP01…`, its polygons and an epidemic-like zone history, and the
loader that puts it into a Store like any upload.

Codes are ones no real unit uses (SPEC), so demo and real data never collide in a store.
Same arguments and seed give byte-identical output.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from data.config.policy_files import load_policy
from data.demo import history as demo_history
from data.demo import shapes as demo_geo
from data.store import audit
from data.store.database import Store, UploadMeta
from data.store.schema import REPORT_FIELDS, WARD_ROW
from zones.levels import LEVELS, REPORTABLE
from zones.policy import Policy

Progress = Callable[[int, int, str], None]

PROVINCE_CODE = "99"
PROVINCE_NAME = "Tỉnh Demo"
# Made-up Vietnamese-sounding ward names: two common syllables, never one repeated.
_FIRST = ("An", "Bình", "Phú", "Tân", "Hòa", "Long", "Thạnh", "Vĩnh", "Phước", "Đông",
          "Tây", "Mỹ", "Khánh", "Hưng", "Thuận", "Lộc", "Quang", "Hiệp", "Trung", "Nhơn",
          "Thới", "Lạc", "Hải", "Cẩm")
_SECOND = ("Lợi", "Hòa", "Thịnh", "Phát", "Mỹ", "Đức", "Định", "Xuân", "Nghĩa", "Thành",
           "Tiến", "Hậu", "Quý", "Sơn", "Ninh", "Lâm", "Hạnh", "Điền", "Phong", "Tường",
           "Vượng", "Châu", "Khang", "Dương")
MAX_WARDS = 9_999  # codes 90001…99999
MAX_DISTRICTS = 99  # codes 901…999


@dataclass
class DemoCity:
    provinces: pd.DataFrame  # code, name
    districts: pd.DataFrame  # code, name, province_code
    wards: gpd.GeoDataFrame  # code, name, district_code, population, geometry (EPSG:4326)
    blocks: gpd.GeoDataFrame  # ward_code, block_code, name, population, geometry
    reports: pd.DataFrame  # REPORT_FIELDS; block_code '' for ward rows
    outline: shapely.Polygon | None = None  # the city boundary the mosaic tiles, EPSG:4326
    source: str = "demo-city"  # what the uploads and the audit log call it
    settings: dict = field(default_factory=dict)  # the arguments that made it, for the audit


def district_count(wards: int) -> int:
    """About six wards a district, at least two districts when there are two wards."""
    return min(wards, MAX_DISTRICTS, max(2, math.ceil(wards / 6)))


def generate_demo(*, wards: int = 17, blocks_per_ward: int = 15, days: int = 60,
                  end: dt.date = dt.date(2021, 9, 30), seed: int = 2021,
                  policy: Policy | None = None, progress: Progress | None = None) -> DemoCity:
    """Build the demo city: `wards` wards of `blocks_per_ward` blocks each, and a zone
    history of `days` days ending `end`, all from `seed`."""
    check_args(wards, blocks_per_ward, days, end, seed)
    policy = policy or load_policy()
    geo_rng, people_rng, history_rng = (
        np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(3))
    geo_steps = demo_geo.MOSAIC_STEPS
    total = geo_steps + days + 1
    tick = progress or (lambda *_: None)
    mosaic = demo_geo.build_mosaic(district_count(wards), wards, blocks_per_ward, geo_rng,
                                   progress=lambda d, _n, label: tick(d, total, label))
    population = block_populations(len(mosaic.blocks), people_rng)
    risk = outbreak_risk(demo_geo.centroids(mosaic.blocks), mosaic.outline, people_rng)
    history = demo_history.simulate(
        risk, population, mosaic.block_ward, days, policy, history_rng,
        progress=lambda d, _n, label: tick(geo_steps + d, total, label))
    city = _frames(mosaic, population, people_rng)
    dates = [end - dt.timedelta(days=days - 1 - i) for i in range(days)]
    city.reports = reports_frame(history, city, dates, demo_history.note_texts(policy))
    city.settings = {"wards": wards, "blocks_per_ward": blocks_per_ward, "days": days,
                     "end": end.isoformat(), "seed": seed}
    tick(total, total, "reports")
    return city


def check_args(wards: int, blocks_per_ward: int, days: int, end: dt.date, seed: int) -> None:
    if not 1 <= wards <= MAX_WARDS:
        raise ValueError(f"wards must be 1…{MAX_WARDS} (codes 90001…), got {wards}")
    if not 1 <= blocks_per_ward <= 999:
        raise ValueError(f"blocks_per_ward must be 1…999, got {blocks_per_ward}")
    if days < 1:
        raise ValueError(f"days must be ≥ 1, got {days}")
    if isinstance(end, dt.datetime) or not isinstance(end, dt.date):
        raise ValueError(f"end must be a datetime.date, got {end!r}")
    if seed < 0:
        raise ValueError(f"seed must be ≥ 0, got {seed}")


def block_populations(n: int, rng: np.random.Generator) -> np.ndarray:
    """People per block: a skewed spread, median ≈ 1,100, kept within 300–3,000."""
    return np.clip(np.round(rng.lognormal(np.log(1100), 0.5, n)), 300, 3000).astype(np.int64)


def outbreak_risk(xy: np.ndarray, outline: shapely.Polygon,
                  rng: np.random.Generator) -> np.ndarray:
    """Risk in [0, 1] per block: a few hotspots, each about a ward wide, so lockdown
    pockets and red blocks cluster on the map as they did in 2021."""
    n = len(xy)
    hubs = xy[rng.choice(n, size=min(n, max(2, n // 60)), replace=False)]
    width = np.sqrt(outline.area / max(1, n / 15))  # ≈ the size of a 15-block ward
    heat = np.exp(-_nearest_d2(xy, hubs) / (2 * width**2))
    return np.clip(heat * rng.uniform(0.7, 1.0, n) + rng.uniform(0, 0.15, n), 0, 1)


def _nearest_d2(xy: np.ndarray, hubs: np.ndarray) -> np.ndarray:
    """Squared distance to the nearest hub, in slices to bound memory for big cities."""
    out = np.empty(len(xy))
    for i in range(0, len(xy), 2000):
        part = xy[i:i + 2000]
        out[i:i + 2000] = ((part[:, None, :] - hubs[None, :, :]) ** 2).sum(axis=2).min(axis=1)
    return out


def _names(n: int, prefix: str, rng: np.random.Generator) -> list[str]:
    """n distinct made-up names; past the pool's size they get a number."""
    pool = [f"{a} {b}" for a in _FIRST for b in _SECOND if a != b]
    picks = [pool[i] for i in rng.permutation(len(pool))]
    out = [picks[i % len(picks)] + (f" {i // len(picks) + 1}" if i >= len(picks) else "")
           for i in range(n)]
    return [unicodedata.normalize("NFC", f"{prefix} {name}") for name in out]


def _frames(mosaic: demo_geo.Mosaic, population: np.ndarray,
            rng: np.random.Generator) -> DemoCity:
    """Tables of units and blocks, geometries reprojected to EPSG:4326."""
    n_d, n_w = len(mosaic.districts), len(mosaic.wards)
    d_codes = [f"{901 + i}" for i in range(n_d)]
    w_codes = np.array([f"{90001 + i}" for i in range(n_w)])
    codes, names = block_labels(mosaic.block_ward, n_w)
    blocks = gpd.GeoDataFrame({
        "ward_code": w_codes[mosaic.block_ward], "block_code": codes, "name": names,
        "population": population,
    }, geometry=to_wgs84(mosaic.blocks), crs="EPSG:4326")
    wards = gpd.GeoDataFrame({
        "code": w_codes,
        "name": _names(n_w, "Phường", rng),
        "district_code": np.array(d_codes)[mosaic.ward_district],
        "population": np.bincount(mosaic.block_ward, weights=population).astype(np.int64),
    }, geometry=to_wgs84(mosaic.wards), crs="EPSG:4326")
    return DemoCity(
        provinces=pd.DataFrame({"code": [PROVINCE_CODE], "name": [PROVINCE_NAME]}),
        districts=pd.DataFrame({"code": d_codes,
                                "name": [f"Quận Demo {i + 1}" for i in range(n_d)],
                                "province_code": PROVINCE_CODE}),
        wards=wards, blocks=blocks, reports=pd.DataFrame(columns=list(REPORT_FIELDS)),
        outline=to_wgs84(np.array([mosaic.outline]))[0])


def block_labels(block_ward: np.ndarray, n_wards: int) -> tuple[list[str], list[str]]:
    """Codes TDP01… and names "Tổ dân phố 1"… numbered within each ward (blocks grouped
    by ward); codes are as wide as the largest ward needs, at least two digits."""
    per_ward = np.bincount(block_ward, minlength=n_wards)
    pos = np.arange(len(block_ward)) - np.repeat(np.cumsum(per_ward) - per_ward, per_ward)
    width = max(2, len(str(per_ward.max())))
    return ([f"TDP{i + 1:0{width}d}" for i in pos], [f"Tổ dân phố {i + 1}" for i in pos])


def to_wgs84(geoms: np.ndarray, crs=demo_geo.PROJECTED_CRS) -> np.ndarray:
    """Geometries in `crs` (metres) as EPSG:4326 longitude/latitude."""
    return gpd.GeoSeries(geoms, crs=crs).to_crs("EPSG:4326").to_numpy()


def reports_frame(history: demo_history.History, city: DemoCity, dates: list[dt.date],
                  notes: list[str | None]) -> pd.DataFrame:
    """One row per area per day (ward row first, then its blocks), by date and code;
    the areas of a ward that sent nothing that day have no row."""
    n_w, n_days = len(city.wards), len(dates)
    ward_idx = np.r_[np.arange(n_w), _ward_index(city)]
    is_block = np.r_[np.zeros(n_w, bool), np.ones(len(city.blocks), bool)]
    order = np.lexsort((np.arange(len(ward_idx)), is_block, ward_idx))
    codes = np.r_[city.wards["code"].to_numpy(object), city.blocks["ward_code"].to_numpy(object)]
    blocks = np.r_[np.full(n_w, WARD_ROW, object), city.blocks["block_code"].to_numpy(object)]

    def flat(ward_values, block_values):  # (areas, days) → day-major rows
        return np.concatenate([ward_values, block_values])[order].T.ravel()

    keep = flat(history.ward_present, history.ward_present[_ward_index(city)])
    by_sev = np.empty(max(LEVELS[c].severity for c in REPORTABLE) + 1, object)
    for code in REPORTABLE:
        by_sev[LEVELS[code].severity] = code
    no_notes = np.zeros_like(history.ward_level)
    return pd.DataFrame({
        "ward_code": np.tile(codes[order], n_days)[keep],
        "block_code": np.tile(blocks[order], n_days)[keep],
        "date": np.repeat(np.array(dates, object), len(order))[keep],
        "level": by_sev[flat(history.ward_level, history.block_level)[keep]],
        "new_cases": pd.array(flat(history.ward_cases, history.block_cases)[keep], "Int64"),
        "tests_done": pd.array(flat(history.ward_tests, history.block_tests)[keep], "Int64"),
        "note": pd.Series(np.array(notes, object)[flat(no_notes, history.block_note)[keep]],
                          dtype=object),
    })[list(REPORT_FIELDS)]


def _ward_index(city: DemoCity) -> np.ndarray:
    return pd.Index(city.wards["code"]).get_indexer(city.blocks["ward_code"])


# ---- loading into a store ---------------------------------------------------------------


def load_demo(store: Store, city: DemoCity, *, actor: str = "demo",
              progress: Progress | None = None) -> None:
    """Store the demo city: units and blocks (WKB, EPSG:4326) in one write transaction
    with its audit entry (`demo.load`, by `actor`), then one upload per day, each audited
    as uploads are.

    Loading the same city again changes nothing: each day's upload has the same SHA-256,
    so the store logs it as a repeat.
    """
    tick = progress or (lambda *_: None)
    n_days = city.reports["date"].nunique()
    total = n_days + 2
    with store.write() as conn:
        store.upsert_units(city.provinces, city.districts, _with_wkb(city.wards), conn=conn)
        tick(1, total, "units")
        store.upsert_blocks(_with_wkb(city.blocks), conn=conn)
        audit.record(conn, actor, "demo.load", city.source, wards=len(city.wards),
                     blocks=len(city.blocks), days=n_days, reports=len(city.reports),
                     settings=city.settings)
    tick(2, total, "blocks")
    for i, (day, rows, meta) in enumerate(day_uploads(city)):
        store.record_upload(meta, rows, {})
        tick(3 + i, total, day.isoformat())


def day_uploads(city: DemoCity) -> Iterator[tuple[dt.date, pd.DataFrame, UploadMeta]]:
    """Each day's rows and the upload that carries them (user "demo", channel "demo"),
    one day at a time."""
    for day, rows in city.reports.groupby("date", sort=True):
        payload = canonical_bytes(rows)
        meta = UploadMeta(user_name="demo", file_name=city.source,
                          sha256=hashlib.sha256(payload).hexdigest(),
                          size_bytes=len(payload), channel="demo")
        yield day, rows.reset_index(drop=True), meta


def _with_wkb(frame: gpd.GeoDataFrame) -> pd.DataFrame:
    """The store's columns: geometry as WKB bytes, stored and source CRS both WGS 84."""
    out = pd.DataFrame(frame.drop(columns="geometry"))
    out["geometry"] = list(shapely.to_wkb(frame.geometry.to_numpy()))
    out["geometry_crs"] = "EPSG:4326"
    out["source_crs"] = "EPSG:4326"
    return out


def canonical_bytes(rows: pd.DataFrame) -> bytes:
    """A day's rows as UTF-8 CSV (REPORT_FIELDS order, ISO dates, LF): what the upload's
    SHA-256 and size describe."""
    return rows[list(REPORT_FIELDS)].to_csv(index=False, lineterminator="\n").encode("utf-8")
