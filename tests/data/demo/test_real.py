"""`demo --boundaries`: synthetic blocks that tile real wards exactly, populations that add
up to the census, the demo's history over them, one city a store, an audited load, and a
dashboard that opens on the result."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time

import geopandas as gpd
import numpy as np
import pytest
import shapely

from cli import main
from data.demo import shapes as demo_geo
from data.demo.city import generate_demo, load_demo
from data.demo.real import DemoRefused, generate_real_demo, split_population
from data.store import audit
from data.store.database import Store
from geo.boundaries.read import read_boundaries
from tests.support.checks import fingerprint
from tests.support.paths import ROOT

TOLERANCE = 0.001  # 0.1 % of the area
UTM = "EPSG:32648"
# Quận 1 and Quận 4 (dense, side by side across a canal) and Huyện Nhà Bè (rural, concave,
# cut by rivers): 30 of the 312 HCMC wards.
SUBSET_DISTRICTS = ("760", "773", "786")


@pytest.fixture(scope="session")
def boundaries(shared_data):
    folder = shared_data / "boundaries"
    if not (folder / "hcmc_wards_2021.geojson").is_file():
        pytest.skip(f"no ward boundary files in {folder}: these tests cut blocks into them")
    return folder


@pytest.fixture(scope="session")
def subset_file(boundaries, tmp_path_factory):
    wards = gpd.read_file(boundaries / "hcmc_wards_2021.geojson")
    path = tmp_path_factory.mktemp("bounds") / "hcmc_subset.geojson"
    wards[wards["district_code"].isin(SUBSET_DISTRICTS)].to_file(path, driver="GeoJSON")
    return path


@pytest.fixture(scope="session")
def subset_wards(subset_file):
    return read_boundaries(subset_file, level="ward").gdf


@pytest.fixture(scope="module")
def city(subset_wards):
    return generate_real_demo(subset_wards, source="hcmc_subset.geojson", blocks_per_ward=8,
                              days=40)


def _utm_area(geoms) -> np.ndarray:
    return shapely.area(gpd.GeoSeries(geoms, crs="EPSG:4326").to_crs(UTM).to_numpy())


# ---- geometry ---------------------------------------------------------------------------


def test_blocks_tile_each_real_ward(city, subset_wards):
    blocks, wards = city.blocks.geometry.to_numpy(), city.wards.geometry.to_numpy()
    assert shapely.coverage_is_valid(blocks) and shapely.coverage_is_valid(wards)
    for code, ward in zip(city.wards["code"], wards, strict=True):
        own = blocks[(city.blocks["ward_code"] == code).to_numpy()]
        assert shapely.coverage_union_all(own).equals(ward), code  # vertex for vertex
    given = subset_wards.set_index("ward_code").geometry[city.wards["code"]].to_numpy()
    gap_or_overlap = _utm_area(shapely.symmetric_difference(wards, given))
    assert (gap_or_overlap <= TOLERANCE * _utm_area(given)).all()
    union = _utm_area([shapely.union_all(blocks)])[0]
    assert abs(_utm_area(blocks).sum() - union) <= TOLERANCE * union  # nothing overlaps


def test_blocks_are_single_pieces(city):
    # A Voronoi cell clipped to a concave ward can fall apart; the pieces are given to
    # their neighbours, so every tổ dân phố is one piece of land.
    assert (city.blocks.geom_type == "Polygon").all()
    assert shapely.is_valid(city.blocks.geometry.to_numpy()).all()


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


def test_a_ward_in_two_parts_keeps_both(boundaries):
    wards = read_boundaries(boundaries / "hanoi_hadong_wards_2021.geojson").gdf
    c = generate_real_demo(wards, source="hadong", blocks_per_ward=6, days=3)
    ha_cau = c.wards.set_index("code").geometry["09556"]  # has a detached part
    assert ha_cau.geom_type == "MultiPolygon"
    given = wards.set_index("ward_code").geometry["09556"]
    assert _utm_area([ha_cau.symmetric_difference(given)])[0] <= TOLERANCE * _utm_area([given])[0]


# ---- units, blocks, people --------------------------------------------------------------


def test_units_are_the_files(city, subset_wards):
    f = subset_wards.sort_values("ward_code")
    assert city.wards["code"].tolist() == f["ward_code"].tolist()
    assert city.wards["name"].tolist() == f["ward_name"].tolist()
    assert city.wards["district_code"].tolist() == f["district_code"].tolist()
    assert city.districts["code"].tolist() == list(SUBSET_DISTRICTS)
    assert "Quận 1" in city.districts["name"].tolist()
    assert city.provinces.to_dict("records") == [{"code": "79",
                                                  "name": "Thành phố Hồ Chí Minh"}]


def test_blocks_are_numbered_within_each_ward(city):
    assert city.blocks.groupby("ward_code").size().eq(8).all()
    first = city.blocks[city.blocks["ward_code"] == city.wards["code"][0]]
    assert first["block_code"].tolist() == [f"TDP{i:02d}" for i in range(1, 9)]
    assert first["name"].tolist() == [f"Tổ dân phố {i}" for i in range(1, 9)]


def test_block_populations_add_up_to_the_census(city, subset_wards):
    census = subset_wards.set_index("ward_code")["pop_2019"].astype(int)
    sums = city.blocks.groupby("ward_code")["population"].sum()
    assert (sums == census[sums.index]).all()
    assert (city.wards.set_index("code")["population"] == census[city.wards["code"]]).all()
    assert city.blocks["population"].min() >= 1
    assert city.settings["population"] == "pop_2019"


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


def test_history_is_the_demo_simulators(city):
    r = city.reports
    assert sorted(set(r["date"]))[-1] == dt.date(2021, 9, 30) and r["date"].nunique() == 40
    assert set(r["ward_code"]) == set(city.wards["code"])
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


# ---- the command: one city a store, audited ---------------------------------------------


def _demo(url, path, *extra) -> int:
    return main(["--db", url, "--lang", "en", "demo", "--boundaries", str(path),
                 "--blocks-per-ward", "3", "--days", "6", *extra])


def _counts(url) -> dict[str, int]:
    store = Store(url)
    try:
        return store.table_counts()
    finally:
        store.dispose()


def test_cli_stores_it_audited_and_again_changes_nothing(sqlite_url, subset_file, capsys):
    assert _demo(sqlite_url, subset_file) == 0
    assert "30 wards, 90 blocks" in capsys.readouterr().out
    counts = _counts(sqlite_url)
    assert counts["wards"] == 30 and counts["blocks"] == 90 and counts["uploads"] == 6
    store = Store(sqlite_url)
    try:
        log = audit.entries(store)
        areas = store.areas()
    finally:
        store.dispose()
    entry = log[log["action"] == "demo.load"].iloc[0]
    assert entry["target"] == "demo:hcmc_subset.geojson"
    detail = json.loads(entry["detail_json"])
    assert detail["blocks"] == 90 and detail["settings"]["blocks_per_ward"] == 3
    assert detail["settings"]["sha256"] == hashlib.sha256(subset_file.read_bytes()).hexdigest()
    assert "Phường Bến Nghé" in set(areas["ward_name"])
    assert _demo(sqlite_url, subset_file) == 0  # the same run: every day a repeat
    again = _counts(sqlite_url)
    assert again["zone_reports"] == counts["zone_reports"] and again["zone_report_history"] == 0


@pytest.mark.parametrize("extra", [["--seed", "9"], ["--days", "7"], ["--blocks-per-ward", "4"]])
def test_cli_refuses_to_mix_with_another_run(sqlite_url, subset_file, capsys, extra):
    assert _demo(sqlite_url, subset_file) == 0
    before = _counts(sqlite_url)
    capsys.readouterr()
    assert _demo(sqlite_url, subset_file, *extra) == 1
    err = capsys.readouterr().err
    assert "refused, nothing stored" in err and "store of its own" in err
    after = _counts(sqlite_url)
    assert {k: v for k, v in after.items() if k != "audit_log"} == \
        {k: v for k, v in before.items() if k != "audit_log"}


def test_cli_refuses_the_made_up_city_and_accepts_its_own_wards(tmp_path, subset_file,
                                                                   capsys):
    made_up = f"sqlite:///{tmp_path / 'a.db'}"
    assert main(["--db", made_up, "demo", "--wards", "2", "--blocks-per-ward", "2",
                 "--days", "3"]) == 0
    assert _demo(made_up, subset_file) == 1
    assert "90001" in capsys.readouterr().err
    assert _counts(made_up)["wards"] == 2
    imported = f"sqlite:///{tmp_path / 'b.db'}"
    assert main(["--db", imported, "import-boundaries", str(subset_file)]) == 0
    assert _demo(imported, subset_file) == 0  # the same wards, nothing else: fine


def test_cli_refuses_files_it_cannot_read(sqlite_url, tmp_path, subset_wards, capsys):
    garbage = tmp_path / "wards.geojson"
    garbage.write_text("not a boundary file", encoding="utf-8")
    no_names = tmp_path / "no_names.geojson"
    subset_wards.drop(columns="ward_name").to_file(no_names, driver="GeoJSON")
    assert _demo(sqlite_url, tmp_path / "missing.geojson") == 1
    assert "cannot read the file" in capsys.readouterr().err
    assert _demo(sqlite_url, garbage) == 1
    assert "refused, nothing stored" in capsys.readouterr().err
    assert _demo(sqlite_url, no_names) == 1
    assert "ward_name" in capsys.readouterr().err
    assert _demo(sqlite_url, no_names, "--wards", "3") == 2  # the file gives the wards
    assert _counts(sqlite_url)["wards"] == 0


def test_load_demo_writes_and_audits_in_one_go(store):
    load_demo(store, generate_demo(wards=2, blocks_per_ward=2, days=3), actor="Chị Lan")
    log = audit.entries(store)
    entry = log[log["action"] == "demo.load"]
    assert entry[["actor", "target"]].values.tolist() == [["Chị Lan", "demo-city"]]
    assert json.loads(entry["detail_json"].iloc[0])["settings"]["wards"] == 2
    assert (log["action"] == "upload.accepted").sum() == 3


# ---- the whole city and the dashboard ---------------------------------------------------


@pytest.mark.slow
def test_whole_hcmc_file_and_the_map_opens_on_it(boundaries, tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    url = f"sqlite:///{tmp_path / 'hcmc.db'}"
    start = time.monotonic()
    assert main(["--db", url, "demo", "--boundaries",
                 str(boundaries / "hcmc_wards_2021.geojson"), "--blocks-per-ward", "5",
                 "--days", "4"]) == 0
    assert time.monotonic() - start < 60
    store = Store(url)
    try:
        areas = store.areas()
    finally:
        store.dispose()
    assert (areas["area_type"] == "block").sum() == 312 * 5
    assert areas.loc[areas["area_type"] == "ward", "population"].sum() == 8_993_082
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("VUNGXANH_TILES", raising=False)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Bản đồ"
