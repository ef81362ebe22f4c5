"""`demo --boundaries`: synthetic blocks that tile real wards exactly, populations that add
up to the census, and the demo's history over them."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
import shapely

from data.demo import shapes as demo_geo
from data.demo.real import DemoRefused, generate_real_demo, split_population
from geo.boundaries.read import read_boundaries
from tests.support.checks import fingerprint
from tests.support.real_city_cases import (
    SUBSET_DISTRICTS,
    TOLERANCE,
    utm_area,
)

# ---- geometry ---------------------------------------------------------------------------


def test_blocks_tile_each_real_ward(real_city, subset_wards):
    blocks, wards = real_city.blocks.geometry.to_numpy(), real_city.wards.geometry.to_numpy()
    assert shapely.coverage_is_valid(blocks) and shapely.coverage_is_valid(wards)
    for code, ward in zip(real_city.wards["code"], wards, strict=True):
        own = blocks[(real_city.blocks["ward_code"] == code).to_numpy()]
        assert shapely.coverage_union_all(own).equals(ward), code  # vertex for vertex
    given = subset_wards.set_index("ward_code").geometry[real_city.wards["code"]].to_numpy()
    gap_or_overlap = utm_area(shapely.symmetric_difference(wards, given))
    assert (gap_or_overlap <= TOLERANCE * utm_area(given)).all()
    union = utm_area([shapely.union_all(blocks)])[0]
    assert abs(utm_area(blocks).sum() - union) <= TOLERANCE * union  # nothing overlaps


def test_blocks_are_single_pieces(real_city):
    # A Voronoi cell clipped to a concave ward can fall apart; the pieces are given to
    # their neighbours, so every tổ dân phố is one piece of land.
    assert (real_city.blocks.geom_type == "Polygon").all()
    assert shapely.is_valid(real_city.blocks.geometry.to_numpy()).all()


def test_a_comb_shaped_ward_gets_whole_blocks():
    # Teeth 40 m wide, 10 m apart: Voronoi cells straddle the gaps and fall apart.
    teeth = [shapely.box(x, 0, x + 40, 400) for x in range(0, 500, 50)]
    comb = np.array([shapely.union_all([shapely.box(0, 400, 490, 450), *teeth])])
    raw, _ = demo_geo.tessellate(comb, np.array([12]), np.random.default_rng(0))
    assert (shapely.get_num_geometries(raw) > 1).any()  # the case is exercised
    blocks, owner, rebuilt = demo_geo.subdivide(comb, np.array([12]), np.random.default_rng(0))
    assert len(blocks) == 12 and (owner == 0).all()
    assert (shapely.get_type_id(blocks) == 3).all()  # all Polygon
    assert shapely.coverage_is_valid(blocks) and rebuilt[0].equals(comb[0])


def test_a_detached_piece_goes_to_the_longest_shared_edge_or_stays():
    far = shapely.box(9, 9, 10, 10)  # an exclave: no neighbour to take it
    blocks = np.array([shapely.MultiPolygon([shapely.box(0, 0, 1, 1), shapely.box(2, 0, 3, .2),
                                             far]),
                       shapely.box(1, 0, 2, 1), shapely.box(2, .2, 3, 1)], dtype=object)
    out = demo_geo.absorb_fragments(blocks, np.zeros(3, int))
    assert out[0].equals(shapely.MultiPolygon([shapely.box(0, 0, 1, 1), far]))
    assert out[1].equals(blocks[1])  # shares 0.2 of an edge with the piece
    assert out[2].equals(shapely.box(2, 0, 3, 1))  # shares 1: takes it


def test_a_ward_in_two_parts_keeps_both(hcmc_boundaries):
    wards = read_boundaries(hcmc_boundaries / "hanoi_hadong_wards_2021.geojson").gdf
    c = generate_real_demo(wards, source="hadong", blocks_per_ward=6, days=3)
    ha_cau = c.wards.set_index("code").geometry["09556"]  # has a detached part
    assert ha_cau.geom_type == "MultiPolygon"
    given = wards.set_index("ward_code").geometry["09556"]
    assert utm_area([ha_cau.symmetric_difference(given)])[0] <= TOLERANCE * utm_area([given])[0]


# ---- units, blocks, people --------------------------------------------------------------


def test_units_are_the_files(real_city, subset_wards):
    f = subset_wards.sort_values("ward_code")
    assert real_city.wards["code"].tolist() == f["ward_code"].tolist()
    assert real_city.wards["name"].tolist() == f["ward_name"].tolist()
    assert real_city.wards["district_code"].tolist() == f["district_code"].tolist()
    assert real_city.districts["code"].tolist() == list(SUBSET_DISTRICTS)
    assert "Quận 1" in real_city.districts["name"].tolist()
    assert real_city.provinces.to_dict("records") == [{"code": "79",
                                                  "name": "Thành phố Hồ Chí Minh"}]


def test_blocks_are_numbered_within_each_ward(real_city):
    assert real_city.blocks.groupby("ward_code").size().eq(8).all()
    first = real_city.blocks[real_city.blocks["ward_code"] == real_city.wards["code"][0]]
    assert first["block_code"].tolist() == [f"TDP{i:02d}" for i in range(1, 9)]
    assert first["name"].tolist() == [f"Tổ dân phố {i}" for i in range(1, 9)]


def test_block_populations_add_up_to_the_census(real_city, subset_wards):
    census = subset_wards.set_index("ward_code")["pop_2019"].astype(int)
    sums = real_city.blocks.groupby("ward_code")["population"].sum()
    assert (sums == census[sums.index]).all()
    wards = real_city.wards.set_index("code")["population"]
    assert (wards == census[real_city.wards["code"]]).all()
    assert real_city.blocks["population"].min() >= 1
    assert real_city.settings["population"] == "pop_2019"


def test_split_population_is_exact_and_at_least_one_a_block():
    rng = np.random.default_rng(3)
    pop = np.array([8, 9, 1000, 123_457])
    block_ward = np.repeat(np.arange(4), [8, 3, 7, 80])
    out = split_population(pop, block_ward, rng)
    assert np.bincount(block_ward, weights=out).astype(int).tolist() == pop.tolist()
    assert out.min() >= 1 and out[:8].tolist() == [1] * 8
    again = split_population(pop, block_ward, np.random.default_rng(3))
    assert out.tolist() == again.tolist()


def test_without_pop_2019_blocks_get_the_demo_sizes(subset_wards):
    c = generate_real_demo(subset_wards.drop(columns="pop_2019"), source="x",
                           blocks_per_ward=3, days=2)
    assert c.blocks["population"].between(300, 3000).all()
    assert (c.wards.set_index("code")["population"]
            == c.blocks.groupby("ward_code")["population"].sum()).all()
    assert c.settings["population"] == "fallback"


def test_a_ward_with_fewer_people_than_blocks_is_refused(subset_wards):
    wards = subset_wards.copy()
    wards.loc[0, "pop_2019"] = 5
    with pytest.raises(DemoRefused, match=f"{wards['ward_code'][0]} \\(5\\)"):
        generate_real_demo(wards, source="x", blocks_per_ward=8, days=2)


# ---- history and determinism ------------------------------------------------------------


def test_history_is_the_demo_simulators(real_city):
    r = real_city.reports
    assert sorted(set(r["date"]))[-1] == dt.date(2021, 9, 30) and r["date"].nunique() == 40
    assert set(r["ward_code"]) == set(real_city.wards["code"])
    assert set(r["level"]) <= {"xanh", "da_cam", "do", "phong_toa"} and r["level"].nunique() >= 3
    blocks = r[r["block_code"] != ""]
    assert blocks.loc[blocks["new_cases"] > 0, "level"].isin(["do", "phong_toa"]).all()
    first, last = (blocks[blocks["date"] == d] for d in (min(r["date"]), max(r["date"])))
    assert (last["level"] == "xanh").mean() > (first["level"] == "xanh").mean()




def test_same_arguments_same_bytes_whatever_the_feature_order(subset_wards):
    args = {"source": "x", "blocks_per_ward": 4, "days": 6, "seed": 11}
    a = generate_real_demo(subset_wards, **args)
    b = generate_real_demo(subset_wards.iloc[::-1].reset_index(drop=True), **args)
    other = generate_real_demo(subset_wards, **{**args, "seed": 12})
    assert fingerprint(a) == fingerprint(b)
    assert fingerprint(a) != fingerprint(other)


def test_progress_reaches_its_total(subset_wards):
    seen = []
    generate_real_demo(subset_wards, source="x", blocks_per_ward=2, days=4,
                       progress=lambda d, n, label: seen.append((d, n, label)))
    assert seen[-1][0] == seen[-1][1] == 3 + 4 + 1
    assert [s[0] for s in seen] == sorted(s[0] for s in seen)
