"""The demo city: a gap-free mosaic of blocks and wards, sane codes and populations, and the
same city from the same seed."""

from __future__ import annotations

import datetime as dt
import unicodedata

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from data.demo import shapes as demo_geo
from data.demo.city import generate_demo
from tests.support.checks import fingerprint
from tests.support.demo_city_cases import (
    TOLERANCE,
    close,
    projected_area,
)

# ---- geometry ---------------------------------------------------------------------------


def test_blocks_and_wards_tile_the_city_without_gaps_or_overlaps(demo_city):
    city_area = projected_area(gpd.GeoSeries([demo_city.outline], crs="EPSG:4326"))[0]
    for layer in (demo_city.blocks, demo_city.wards):
        areas = projected_area(layer.geometry)
        union = projected_area(gpd.GeoSeries([layer.union_all()], crs="EPSG:4326"))[0]
        assert close(areas.sum(), union)  # sum == union: nothing overlaps
        assert close(union, city_area)  # union == outline: nothing is missing


def test_each_wards_blocks_tile_that_ward(demo_city):
    block_area = pd.Series(projected_area(demo_city.blocks.geometry)).groupby(
        demo_city.blocks["ward_code"].to_numpy()).sum()
    ward_area = pd.Series(projected_area(demo_city.wards.geometry), index=demo_city.wards["code"])
    assert np.allclose(block_area[ward_area.index], ward_area, rtol=TOLERANCE, atol=0)


def test_edges_match_vertex_for_vertex_in_wgs84(demo_city):
    # A valid coverage: no overlaps and every shared edge has the same vertices on both
    # sides, so not even a sub-millimetre sliver opens between wards or blocks.
    assert shapely.coverage_is_valid(demo_city.blocks.geometry.to_numpy())
    assert shapely.coverage_is_valid(demo_city.wards.geometry.to_numpy())
    for code, ward in zip(demo_city.wards["code"], demo_city.wards.geometry, strict=True):
        blocks = demo_city.blocks.geometry[demo_city.blocks["ward_code"] == code].to_numpy()
        assert shapely.coverage_union_all(blocks).equals(ward), code


def test_districts_tile_the_outline_and_hold_their_wards():
    m = demo_geo.build_mosaic(4, 13, 7, np.random.default_rng(5))
    assert close(shapely.area(m.districts).sum(), m.outline.area)
    assert close(shapely.union_all(m.districts).area, m.outline.area)
    for d, district in enumerate(m.districts):
        wards = m.wards[m.ward_district == d]
        assert len(wards) >= 1
        assert close(shapely.area(wards).sum(), district.area)
        assert close(shapely.union_all(wards).area, district.area)
    assert np.bincount(m.block_ward).tolist() == [7] * 13


def test_every_geometry_is_a_valid_polygon_in_wgs84_near_the_mekong(demo_city):
    for layer in (demo_city.wards, demo_city.blocks):
        assert layer.crs.to_epsg() == 4326
        assert layer.geometry.is_valid.all()
        assert (layer.geometry.geom_type == "Polygon").all()
        x0, y0, x1, y1 = layer.total_bounds
        assert 105.5 < x0 < x1 < 107.5 and 10 < y0 < y1 < 11.5


# ---- units, codes and people --------------------------------------------------------------


def test_codes_are_the_made_up_ranges_spec_reserves(demo_city):
    assert demo_city.provinces.to_dict("records") == [{"code": "99", "name": "Tỉnh Demo"}]
    assert demo_city.districts["code"].str.fullmatch(r"9\d\d").all()
    assert (demo_city.districts["province_code"] == "99").all()
    assert len(demo_city.districts) == 3  # ceil(17 / 6)
    assert demo_city.wards["code"].tolist() == [f"{90001 + i}" for i in range(17)]
    assert set(demo_city.wards["district_code"]) == set(demo_city.districts["code"])
    assert not demo_city.blocks.duplicated(["ward_code", "block_code"]).any()
    assert demo_city.blocks.groupby("ward_code").size().eq(15).all()
    first = demo_city.blocks[demo_city.blocks["ward_code"] == "90001"]
    assert first["block_code"].tolist() == [f"TDP{i:02d}" for i in range(1, 16)]
    assert first["name"].tolist() == [f"Tổ dân phố {i}" for i in range(1, 16)]


def test_names_are_nfc_vietnamese_and_distinct(demo_city):
    names = [*demo_city.wards["name"], *demo_city.districts["name"], *demo_city.blocks["name"]]
    assert all(unicodedata.is_normalized("NFC", n) for n in names)
    assert demo_city.wards["name"].str.startswith("Phường ").all()
    assert demo_city.wards["name"].is_unique


def test_populations_are_plausible_and_wards_sum_their_blocks(demo_city):
    assert demo_city.blocks["population"].between(300, 3000).all()
    sums = demo_city.blocks.groupby("ward_code")["population"].sum()
    assert (demo_city.wards.set_index("code")["population"] == sums).all()


def test_bad_sizes_are_refused_with_the_value():
    with pytest.raises(ValueError, match="got 0"):
        generate_demo(wards=0)
    with pytest.raises(ValueError, match="blocks_per_ward"):
        generate_demo(blocks_per_ward=0)
    with pytest.raises(ValueError, match=r"datetime\.date"):
        generate_demo(end=dt.datetime(2021, 9, 30))


# ---- determinism ------------------------------------------------------------------------


def test_same_seed_same_bytes_other_seed_other_city():
    a, b = (generate_demo(wards=5, blocks_per_ward=6, days=20, seed=7) for _ in range(2))
    other = generate_demo(wards=5, blocks_per_ward=6, days=20, seed=8)
    assert fingerprint(a) == fingerprint(b)
    pd.testing.assert_frame_equal(a.reports, b.reports)
    assert not a.blocks.geometry.geom_equals(other.blocks.geometry).all()
    assert not a.reports["level"].equals(other.reports["level"])
