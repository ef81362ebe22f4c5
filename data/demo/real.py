"""The demo on real ward boundaries: synthetic blocks (tổ dân phố) cut into each ward of a
checked boundary file, block populations that add up to each ward's 2019 census count, and
the made-up demo's epidemic over them, stored by `data.demo.city.load_demo` like the demo city.

The codes are real, the blocks and the history are not, so such a city gets a store of
its own: `refuse_mixed_areas` and `refuse_mixed_uploads` keep its synthetic reports from
sitting beside, or replacing, another city's or real ones.
"""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from data.config.policy_files import load_policy
from data.demo import history as demo_history
from data.demo import shapes as demo_geo
from data.demo.city import (
    DemoCity,
    Progress,
    block_labels,
    block_populations,
    check_args,
    day_uploads,
    outbreak_risk,
    reports_frame,
    to_wgs84,
)
from data.store.database import Store
from data.store.schema import REPORT_FIELDS
from zones.policy import Policy

BLOCK_SPREAD = 0.5  # lognormal sigma of block sizes within a ward, as the demo city's
FALLBACK = ("the file has no pop_2019: block populations are drawn as in the made-up demo "
            "(median ≈ 1,100 a block, 300–3,000)")
NEW_STORE = ("A demo on real boundaries needs a store of its own (its blocks and history "
             "are synthetic but carry real codes): use --db with a new file, e.g. "
             "--db sqlite:///demo-real.db",
             "Bản demo trên ranh giới thật cần một kho dữ liệu riêng (tổ và lịch sử là giả "
             "nhưng mang mã thật): dùng --db với một tệp mới, ví dụ "
             "--db sqlite:///demo-real.db")


class DemoRefused(ValueError):
    """Why the demo was not made or not stored, in English and Vietnamese."""

    def __init__(self, reason: str, reason_vi: str):
        super().__init__(reason)
        self.reason, self.reason_vi = reason, reason_vi


def generate_real_demo(wards: gpd.GeoDataFrame, *, source: str, blocks_per_ward: int = 15,
                       days: int = 60, end: dt.date = dt.date(2021, 9, 30), seed: int = 2021,
                       policy: Policy | None = None, progress: Progress | None = None,
                       source_sha256: str | None = None) -> DemoCity:
    """The demo over `wards` (geo.boundaries.read.read_boundaries' ward columns, EPSG:4326):
    `blocks_per_ward` blocks in every ward and `days` days of history ending `end`.

    Wards are taken in code order, so the file's feature order does not matter; the same
    wards and arguments give byte-identical output.
    """
    check_args(1, blocks_per_ward, days, end, seed)  # the ward count is the file's own
    wards = wards.sort_values("ward_code", ignore_index=True)
    # A unit without a population (one in the national 2025 file) counts 0: refused below.
    pop = wards["pop_2019"].fillna(0).to_numpy(np.int64) if "pop_2019" in wards else None
    _check_populations(wards, pop, blocks_per_ward)
    policy = policy or load_policy()
    geo_rng, people_rng, history_rng = (
        np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(3))
    crs = wards.estimate_utm_crs()  # metres, so cells and areas are honest (HCMC: 48N)
    geo_steps, total = demo_geo.SUBDIVIDE_STEPS, demo_geo.SUBDIVIDE_STEPS + days + 1
    tick = progress or (lambda *_: None)
    blocks, block_ward, rebuilt = demo_geo.subdivide(
        wards.to_crs(crs).geometry.to_numpy(), np.full(len(wards), blocks_per_ward), geo_rng,
        progress=lambda d, _n, label: tick(d, total, label))
    population = (block_populations(len(blocks), people_rng) if pop is None
                  else split_population(pop, block_ward, people_rng))
    outline = shapely.coverage_union_all(rebuilt)
    risk = outbreak_risk(demo_geo.centroids(blocks), outline, people_rng)
    history = demo_history.simulate(
        risk, population, block_ward, days, policy, history_rng,
        progress=lambda d, _n, label: tick(geo_steps + d, total, label))
    city = _frames(wards, blocks, block_ward, rebuilt, population, crs)
    city.outline = to_wgs84(np.array([outline]), crs)[0]
    dates = [end - dt.timedelta(days=days - 1 - i) for i in range(days)]
    city.reports = reports_frame(history, city, dates, demo_history.note_texts(policy))
    city.source = f"demo:{source}"
    city.settings = _run_settings(source, source_sha256, blocks_per_ward, days, end, seed,
                                  has_population=pop is not None)
    tick(total, total, "reports")
    return city


def _run_settings(source: str, sha256: str | None, blocks_per_ward: int, days: int,
                  end: dt.date, seed: int, *, has_population: bool) -> dict:
    """The arguments that made the city, for the audit log (DemoCity.settings)."""
    return {"boundaries": source, "sha256": sha256, "blocks_per_ward": blocks_per_ward,
            "days": days, "end": end.isoformat(), "seed": seed,
            "population": "pop_2019" if has_population else "fallback"}


def _check_populations(wards: gpd.GeoDataFrame, pop: np.ndarray | None, per_ward: int) -> None:
    """Every block needs at least one person for the counts to add up to pop_2019."""
    if pop is None:
        return
    few = wards.loc[pop < per_ward, ["ward_code", "pop_2019"]]
    if len(few):
        listed = ", ".join(f"{c} ({p})" for c, p in few.head(5).itertuples(index=False))
        raise DemoRefused(
            f"{len(few)} ward(s) have fewer people in pop_2019 than --blocks-per-ward "
            f"{per_ward}: {listed}; use fewer blocks a ward",
            f"{len(few)} phường có dân số pop_2019 ít hơn --blocks-per-ward {per_ward}: "
            f"{listed}; hãy dùng ít tổ hơn mỗi phường")


def split_population(ward_pop: np.ndarray, block_ward: np.ndarray,
                     rng: np.random.Generator) -> np.ndarray:
    """People per block: each ward's count shared out by skewed random weights (at least
    one person a block), rounded by largest remainder so each ward's blocks add up to it."""
    n_w = len(ward_pop)
    weights = rng.lognormal(0.0, BLOCK_SPREAD, len(block_ward))
    per_ward = np.bincount(block_ward, minlength=n_w)
    spare = (ward_pop - per_ward)[block_ward]  # people left once each block has one
    share = weights / np.bincount(block_ward, weights=weights, minlength=n_w)[block_ward]
    exact = share * spare
    counts = np.floor(exact).astype(np.int64) + 1
    leftover = ward_pop - np.bincount(block_ward, weights=counts, minlength=n_w).astype(np.int64)
    # Rank blocks within their ward by remainder, largest first (stable: deterministic).
    order = np.lexsort((-(exact - np.floor(exact)), block_ward))
    rank = np.empty(len(order), np.int64)
    rank[order] = np.arange(len(order)) - np.repeat(np.cumsum(per_ward) - per_ward, per_ward)
    return counts + (rank < leftover[block_ward])


def _frames(wards: gpd.GeoDataFrame, blocks: np.ndarray, block_ward: np.ndarray,
            rebuilt: np.ndarray, population: np.ndarray, crs) -> DemoCity:
    """Units from the file, synthetic blocks; geometries back in EPSG:4326. A ward's
    polygon is the union of its blocks: the file's ward within a sliver, edge-matched."""
    w_codes = wards["ward_code"].to_numpy(object)
    codes, names = block_labels(block_ward, len(wards))
    block_frame = gpd.GeoDataFrame({
        "ward_code": w_codes[block_ward], "block_code": codes, "name": names,
        "population": population,
    }, geometry=to_wgs84(blocks, crs), crs="EPSG:4326")
    tiers = "district_code" in wards  # else two tiers: communes sit in their province
    ward_frame = gpd.GeoDataFrame({
        "code": w_codes, "name": wards["ward_name"].to_numpy(object),
        "province_code": wards["province_code"].to_numpy(object),
        "district_code": wards["district_code"].to_numpy(object) if tiers else None,
        "population": np.bincount(block_ward, weights=population,
                                  minlength=len(wards)).astype(np.int64),
    }, geometry=to_wgs84(rebuilt, crs), crs="EPSG:4326")
    provinces = (wards[["province_code", "province_name"]].drop_duplicates("province_code")
                 .sort_values("province_code").set_axis(["code", "name"], axis=1))
    districts = (wards[["district_code", "district_name", "province_code"]]
                 .drop_duplicates("district_code").sort_values("district_code")
                 .set_axis(["code", "name", "province_code"], axis=1) if tiers
                 else pd.DataFrame(columns=["code", "name", "province_code"]))
    return DemoCity(provinces=pd.DataFrame(provinces).reset_index(drop=True),
                    districts=pd.DataFrame(districts).reset_index(drop=True),
                    wards=ward_frame, blocks=block_frame,
                    reports=pd.DataFrame(columns=list(REPORT_FIELDS)))


# ---- one city a store ---------------------------------------------------------------------


def refuse_mixed_areas(store: Store, ward_codes, blocks_per_ward: int) -> None:
    """DemoRefused if the store holds a ward or block this demo would not write: another
    city, the made-up demo, real blocks, or this city cut into other blocks. A store with
    only these wards (imported from the same file) or an identical earlier run passes."""
    wards = set(ward_codes)
    mine = set(block_labels(np.zeros(blocks_per_ward, np.int64), 1)[0])
    known = store.known_areas()
    other_wards = sorted(set(known) - wards)
    other_blocks = sorted(f"{w}/{b}" for w, bs in known.items() if w in wards
                          for b in bs if b not in mine)
    if not other_wards and not other_blocks:
        return
    sample = ", ".join((other_wards + other_blocks)[:5])
    raise DemoRefused(
        f"the store already holds areas this demo would not write: {len(other_wards)} "
        f"other ward(s), {len(other_blocks)} other block(s) of its wards (e.g. {sample}). "
        + NEW_STORE[0],
        f"kho đã có khu vực mà bản demo này không ghi: {len(other_wards)} phường khác, "
        f"{len(other_blocks)} tổ khác của các phường này (ví dụ {sample}). " + NEW_STORE[1])


def refuse_mixed_uploads(store: Store, city: DemoCity) -> None:
    """DemoRefused if the store holds an upload this demo did not make: real reports,
    or a demo of the same wards with another seed, length or end date."""
    uploads = store.uploads()
    if uploads.empty:
        return
    mine = {meta.sha256 for _, _, meta in day_uploads(city)}
    other = uploads[(uploads["channel"] != "demo") | ~uploads["sha256"].isin(mine)]
    if other.empty:
        return
    first = other.iloc[0]
    sample = f"{first['file_name']} ({first['user_name']}, {first['uploaded_at']})"
    raise DemoRefused(
        f"the store already holds {len(other)} upload(s) this demo did not make "
        f"(e.g. {sample}), which it would mix with or replace. " + NEW_STORE[0],
        f"kho đã có {len(other)} lần tải lên không do bản demo này tạo (ví dụ {sample}), "
        f"sẽ bị trộn lẫn hoặc ghi đè. " + NEW_STORE[1])
