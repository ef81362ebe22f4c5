"""The map builders: one feature per ward, Okabe–Ito colours and patterns per level,
escaped tooltips, a legend with counts, and HTML that references no CDN; and the fast
map's polygons, simplified as a coverage and rounded to about a metre."""

from __future__ import annotations

import datetime as dt
import re

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import Polygon, box

from geo.htmlmap.folium_map import (
    build_level_map,
    feature_collection,
    legend_html,
    render_html,
    ward_style,
)
from geo.style import join_levels, level_summary, wards_frame
from geo.webmap.assets import jquery_js, leaflet_css, leaflet_js, offline_map
from geo.webmap.simplify import QUANTUM, decode_ring, encode_geometry, simplify_coverage
from tests.support.browser import XSS_NOTE, demo_store, small_store
from tests.support.checks import external_refs
from zones.levels import LEVELS

CODES = ["90001", "90002", "90003", "90004", "90005", "90006"]
DAY = dt.date(2021, 9, 30)


@pytest.fixture
def wards() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"ward_code": CODES, "ward_name": [f"Phường {i}" for i in range(5)] + ["<b>X</b>"],
         "district_code": "901", "district_name": "Quận 1",
         "population": [1000, 2000, 3000, 4000, 5000, 6000]},
        geometry=[box(106.6 + 0.02 * i, 10.7, 106.62 + 0.02 * i, 10.72) for i in range(6)],
        crs="EPSG:4326")


@pytest.fixture
def levels() -> pd.DataFrame:
    """Ward rows for all but the last ward (which must come out unknown), one block row."""
    return pd.DataFrame({
        "area_type": ["ward"] * 5 + ["block"], "ward_code": [*CODES[:5], "90001"],
        "block_code": [""] * 5 + ["01"],
        "level": ["xanh", "da_cam", "do", "phong_toa", "xanh", "phong_toa"],
        "source": ["report", "carried", "rollup", "report", "report", "report"],
        "report_date": [DAY, DAY - dt.timedelta(days=1), DAY, DAY, DAY, DAY],
        "stale": [False, True, False, False, False, False],
        "level_since": [dt.date(2021, 9, 1)] * 6, "new_cases": [0, 1, 2, 3, 4, 5],
        "tests_done": [10, 20, 30, None, 50, 60],
        "note": [XSS_NOTE, None, "ok", "", None, "block note"],
    })


def _features(wards, levels, lang="vi"):
    return feature_collection(join_levels(wards, levels), lang)["features"]


def test_one_feature_per_ward_and_missing_level_is_unknown(wards, levels):
    feats = _features(wards, levels)
    assert [f["id"] for f in feats] == CODES
    assert {f["id"]: f["properties"]["level"] for f in feats}["90006"] == "unknown"
    # The block row never colours its ward.
    assert feats[0]["properties"]["level"] == "xanh"


def test_colours_and_patterns_per_level(wards, levels):
    styles = {f["properties"]["level"]: ward_style(f) for f in _features(wards, levels)}
    assert styles["xanh"]["fillColor"] == LEVELS["xanh"].colour == "#009E73"
    assert styles["da_cam"]["fillColor"] == "#E69F00"
    assert styles["do"]["fillColor"] == "#D55E00"
    assert styles["phong_toa"]["fillColor"] == "url(#vx-pattern-phong_toa)"
    assert styles["unknown"]["fillColor"] == "url(#vx-pattern-unknown)"
    assert styles["da_cam"]["dashArray"]  # the stale ward looks stale
    html = render_html(build_level_map(wards, levels))
    # The patterns exist in the document, painted in the level's own colour.
    assert re.search(r'<pattern id="vx-pattern-phong_toa"[^>]*>.*?#3B0F2E.*?<line', html)
    assert re.search(r'<pattern id="vx-pattern-unknown"[^>]*>.*?#BBBBBB.*?<circle', html)


def test_tooltip_escapes_every_user_text(wards, levels):
    tips = {f["id"]: f["properties"]["tip"] for f in _features(wards, levels)}
    assert "&lt;img src=x onerror=alert(1)&gt;" in tips["90001"]
    assert "<img" not in tips["90001"]
    assert "&lt;b&gt;X&lt;/b&gt;" in tips["90006"]
    html = render_html(build_level_map(wards, levels))
    assert XSS_NOTE not in html and "<b>X</b>" not in html


def test_tooltip_shows_the_inputs_behind_the_level(wards, levels):
    tip = {f["id"]: f["properties"]["tip"] for f in _features(wards, levels)}
    assert "Vùng xanh" in tip["90001"] and "01/09/2021" in tip["90001"]
    assert "1.000" in tip["90001"]  # population, Vietnamese thousands separator
    assert "dữ liệu cũ" in tip["90002"] and "29/09/2021" in tip["90002"]
    en = {f["id"]: f["properties"]["tip"] for f in _features(wards, levels, "en")}
    assert "Orange" in en["90002"] and "stale data" in en["90002"]


def test_legend_counts_and_population(wards, levels):
    summary = level_summary(join_levels(wards, levels)).set_index("level")
    assert list(summary.index) == ["xanh", "da_cam", "do", "phong_toa", "unknown"]
    assert summary.loc["xanh", "count"] == 2 and summary.loc["xanh", "population"] == 6000
    assert summary.loc["unknown", "count"] == 1 and summary.loc["unknown", "population"] == 6000
    legend = legend_html(level_summary(join_levels(wards, levels)), "vi", DAY)
    assert "Vùng da cam (C)" in legend and "30/09/2021" in legend
    assert re.search(r"data-level='unknown'>.*?6\.000</td>", legend)
    html = render_html(build_level_map(wards, levels, as_of=DAY))
    assert "30/09/2021" in html and "vx-legend" in html


def test_no_cdn_reference_without_tiles(wards, levels):
    html = render_html(build_level_map(wards, levels))
    assert external_refs(html) == []
    for host in ("cdn.jsdelivr.net", "code.jquery.com", "cdnjs.cloudflare.com",
                 "bootstrapcdn", "tile.openstreetmap"):
        assert host not in html
    assert leaflet_js()[:200] in html and "leaflet-pane" in html
    assert "url(images/" not in html  # Leaflet's images are data URIs


def test_tiles_only_when_configured(wards, levels):
    url = "https://tiles.example.org/{z}/{x}/{y}.png"
    html = render_html(build_level_map(wards, levels, tiles=url, attr="© example"))
    assert url in html and external_refs(html) == []
    assert "L.tileLayer" not in render_html(build_level_map(wards, levels))


def test_offline_map_assets():
    assert "sourceMappingURL" not in leaflet_js()
    assert "data:image/png;base64," in leaflet_css()
    html = render_html(offline_map(jquery=True))
    assert jquery_js()[:100] in html and external_refs(html) == []
    assert jquery_js()[:100] not in render_html(offline_map())
    # folium's own default stays a CDN map: we changed an instance, not the class.
    assert folium.Map.default_js[0][1].startswith("https://")


def test_empty_map_still_renders():
    empty = gpd.GeoDataFrame({"ward_code": [], "ward_name": [], "population": []},
                             geometry=[], crs="EPSG:4326")
    levels = pd.DataFrame(columns=["ward_code", "block_code", "level"])
    html = render_html(build_level_map(empty, levels))
    assert "L.geoJson" not in html and "vx-legend" in html


def test_wards_frame_from_store(sqlite_url):
    store = small_store(sqlite_url, n_wards=3)
    frame = wards_frame(store.areas(), store.geometries("ward"))
    assert list(frame["ward_code"]) == ["90001", "90002", "90003"]
    assert frame.crs.to_epsg() == 4326 and frame.geometry.is_valid.all()
    assert frame.loc[0, "ward_name"] == "Phường Thử 1"
    store.dispose()


# ---- polygons for the fast map (geo/webmap/simplify.py) ----------------------------------


def test_ring_encoding_round_trips_at_one_metre():
    poly = Polygon([(106.123456, 10.654321), (106.2, 10.654321), (106.2, 10.7), (106.123456, 10.7)])
    enc = encode_geometry(poly)
    assert len(enc) == 1 and len(enc[0]) == 1  # one polygon, no hole
    points = decode_ring(enc[0][0])
    assert len(points) == 4  # the closing point is left to Leaflet
    assert np.abs(points - np.asarray(poly.exterior.coords)[:-1, ::-1]).max() <= QUANTUM / 2
    assert np.allclose(points / QUANTUM, np.rint(points / QUANTUM))
    assert encode_geometry(None) is None and encode_geometry(shapely.Point(1, 2)) is None


def test_holes_multipolygons_and_slivers():
    ring = box(106.0, 10.0, 106.1, 10.1).difference(box(106.04, 10.04, 106.06, 10.06))
    multi = shapely.MultiPolygon([ring, box(106.2, 10.0, 106.3, 10.1)])
    enc = encode_geometry(multi)
    assert [len(p) for p in enc] == [2, 1]  # shell + hole, then a plain square
    sliver = box(106.0, 10.0, 106.0 + QUANTUM / 10, 10.1)  # rounds to a line
    assert encode_geometry(sliver) is None


def test_coverage_simplify_keeps_shared_edges(sqlite_url):
    store = demo_store(sqlite_url)
    blocks = shapely.from_wkb([bytes(b) for b in store.geometries("block")["geometry"]])
    store.dispose()
    assert shapely.coverage_is_valid(blocks)
    simple = simplify_coverage(blocks, tolerance_m=25.0)  # coarse, so it really simplifies
    assert shapely.get_num_coordinates(simple).sum() < shapely.get_num_coordinates(blocks).sum()
    assert shapely.coverage_is_valid(simple)  # neighbours still share their edges
    # After rounding, the polygons the browser draws still tile without overlaps.
    drawn = [Polygon(decode_ring(encode_geometry(g)[0][0])[:, ::-1]) for g in simple]
    union = shapely.union_all(drawn)
    assert sum(p.area for p in drawn) == pytest.approx(union.area, rel=1e-6)


def test_simplify_leaves_missing_and_non_polygons_out():
    out = simplify_coverage([None, shapely.Point(106, 10), box(106, 10, 106.01, 10.01)])
    assert out[0] is None and out[1] is None and out[2].geom_type == "Polygon"
