"""District outlines and label data of the zone map (geo/webmap/districts.py, geometry.py):
each district's wards dissolved into one outline with no hole or hairline gap, a name
point inside it, nothing for data without districts, and the geometry file's key
following the districts, so a kept file never shows old outlines."""

from __future__ import annotations

import json
import zlib

import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import Point, box

from geo.webmap.districts import dissolve_districts, district_payload
from geo.webmap.geometry import geometry_payload
from geo.webmap.geometry_file import geometry_file, geometry_key
from geo.webmap.simplify import QUANTUM, decode_ring
from tests.support.browser import demo_store


def _grid(n: int, gap: float = 0.0) -> np.ndarray:
    """n wards as squares of 0.01° in a row, `gap` degrees apart."""
    step = 0.01 + gap
    return np.array([box(106.6 + i * step, 10.7, 106.61 + i * step, 10.71) for i in range(n)],
                    dtype=object)


def _decoded(encoded: list) -> shapely.Geometry:
    polys = [shapely.Polygon(decode_ring(rings[0])[:, ::-1],
                             [decode_ring(r)[:, ::-1] for r in rings[1:]]) for rings in encoded]
    return shapely.union_all(polys)


def test_each_district_is_its_wards_dissolved():
    wards = _grid(4)
    names, shapes = dissolve_districts(wards, np.ones(4, bool),
                                       np.array(["901", "901", "902", "902"]))
    assert names == ["901", "902"]
    for shape, part in zip(shapes, (wards[:2], wards[2:]), strict=True):
        assert shape.geom_type == "Polygon"  # one piece, the inner edge gone
        assert shape.symmetric_difference(shapely.union_all(part)).area < 1e-10


def test_hairline_gaps_and_holes_do_not_make_outlines():
    # Wards simplified one by one may leave sub-metre gaps between them; a ring of wards
    # round an enclave would leave a hole whose edge is the enclave's own outline.
    apart = _grid(2, gap=QUANTUM / 4)
    _names, (shape,) = dissolve_districts(apart, np.ones(2, bool), np.array(["901", "901"]))
    assert shape.geom_type == "Polygon" and len(shape.interiors) == 0
    ring = box(0, 0, 3, 3).difference(box(1, 1, 2, 2))
    _names, (shape,) = dissolve_districts(np.array([ring], dtype=object), np.ones(1, bool),
                                          np.array(["901"]))
    assert len(shape.interiors) == 0 and shape.area == pytest.approx(9)


def test_only_drawn_wards_with_a_district_count():
    wards = _grid(3)
    geoms = np.array([wards[0], None, wards[2]], dtype=object)
    is_ward = np.array([True, True, False])  # the third is a block: it never makes an outline
    names, shapes = dissolve_districts(geoms, is_ward, np.array(["901", "902", "902"]))
    assert names == ["901"] and shapes[0].equals(wards[0])


@pytest.mark.parametrize("codes", [["", "", ""], [None, None, None]])
def test_no_districts_no_outlines(codes):
    """Two tiers (from 1 July 2025): wards straight under the province."""
    assert district_payload(_grid(3), np.ones(3, bool), np.array(codes, dtype=object)) == []
    payload = geometry_payload(_grid(3), np.ones(3, bool), None, np.array(codes, dtype=object))
    assert payload["district_lines"] == [] and len(payload["geom"]) == 3


def test_name_point_is_inside_its_outline():
    # An L-shaped district: its centroid lies outside it; the name must not.
    wards = np.array([box(0, 0, 0.03, 0.01), box(0, 0.01, 0.01, 0.03)], dtype=object)
    assert not shapely.union_all(wards).contains(shapely.union_all(wards).centroid)
    [(code, encoded, pt)] = district_payload(wards, np.ones(2, bool), np.array(["901", "901"]))
    first = encoded[0][0][:2]
    name_at = Point((first[1] + pt[1]) * QUANTUM, (first[0] + pt[0]) * QUANTUM)
    outline = _decoded(encoded)
    assert code == "901" and outline.contains(name_at)
    assert outline.exterior.distance(name_at) > 0.004  # well inside, not on an edge


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    store = demo_store(f"sqlite:///{tmp_path_factory.mktemp('districts') / 'd.db'}",
                       wards=6, blocks_per_ward=3, days=3)
    yield store, store.areas(), store.geometries("ward"), store.geometries("block")
    store.dispose()


def test_the_geometry_file_outlines_every_district_round_its_wards(city):
    _store, areas, wards, blocks = city
    packed, _meta = geometry_file(areas, wards, blocks)
    payload = json.loads(zlib.decompress(packed))
    lines = {code: _decoded(enc) for code, enc, _pt in payload["district_lines"]}
    assert sorted(lines) == sorted(areas["district_code"].unique())
    for pos in np.flatnonzero((areas["area_type"] == "ward").to_numpy()):
        first = payload["geom"][pos][0][0][:2]
        pt = payload["pt"][pos]
        at = Point((first[1] + pt[1]) * QUANTUM, (first[0] + pt[0]) * QUANTUM)
        own = areas["district_code"].iloc[pos]
        assert lines[own].buffer(QUANTUM).contains(at)
        assert not any(d.contains(at) for c, d in lines.items() if c != own)


def test_the_geometry_key_follows_the_districts(city):
    """A ward moved to another district must not be drawn inside its old outline from a
    kept file (the key used to hash only codes, kinds and polygons)."""
    _store, areas, wards, blocks = city
    moved = areas.copy()
    moved.loc[moved["ward_code"] == moved["ward_code"].iloc[0], "district_code"] = "999"
    assert geometry_key(moved, wards, blocks) != geometry_key(areas, wards, blocks)
    assert geometry_key(areas.copy(), wards, blocks) == geometry_key(areas, wards, blocks)


def test_labels_send_nothing_per_day(city):
    """Names travel in the names file and points in the geometry file: what is sent for a
    day stays one byte per area (geo.webmap.history.day_row)."""
    store, areas, _wards, _blocks = city
    from data.config.policy_files import load_policy
    from data.store.map_files import map_files
    from geo.webmap.history import day_row

    made = map_files(store, areas, load_policy())
    assert len(day_row(made.history, made.history.first_day)) == len(areas)
    names = json.loads(zlib.decompress(made.files["base"]))
    assert names["name"] == [str(x) for x in np.where(areas["area_type"] == "ward",
                                                      areas["ward_name"],
                                                      areas["block_name"].fillna(""))]
    assert pd.Series([d[1] for d in names["districts"]]).is_unique
