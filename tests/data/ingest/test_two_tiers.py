"""Boundary files without districts (the 2025 shape) imported as two tiers, on SQLite and
PostgreSQL: the real HCMC and national files, self-intersections repaired and reported,
and one report listing every problem of a bad file, with nothing stored."""

from __future__ import annotations

import shapely
from sqlalchemy import select

from cli import main
from data.ingest.boundaries import import_boundaries
from data.store.schema import districts, wards
from geo.boundaries.read import BoundaryError, read_boundaries
from tests.support.two_tier import commune_feature, square, write_communes

HCMC_2025 = "boundaries/hcmc_communes_2025.geojson"
VN_2025 = "boundaries/vn_communes_2025.geojson"


def test_hcmc_2025_is_stored_as_two_tiers(store, shared_data):
    summary = import_boundaries(store, shared_data / HCMC_2025)
    assert summary.inserted == {"provinces": 1, "districts": 0, "wards": 168}
    assert summary.population == 12_870_573  # as the data README says
    # The file's self-intersecting polygons (3 in HCMC) are repaired, named, not refused.
    assert len(summary.repairs) == 3
    assert all(r.name and r.name.split()[0] in ("Phường", "Xã") for r in summary.repairs)
    assert {"unit_type", "area_km2", "prior_units"} <= set(summary.ignored_columns)
    areas = store.areas()
    ward_rows = areas[areas["area_type"] == "ward"]
    assert len(ward_rows) == 168 and set(ward_rows["province_code"]) == {"79"}
    assert set(ward_rows["district_code"]) == {""} and set(ward_rows["district_name"]) == {""}
    assert ward_rows["population"].sum() == 12_870_573
    with store.engine.connect() as c:
        assert c.execute(select(districts.c.code)).all() == []
        stored = c.execute(select(wards.c.geometry)).scalars().all()
    assert all(shapely.from_wkb(g).is_valid for g in stored)


def test_national_2025_file_imports_every_commune(store, shared_data):
    summary = import_boundaries(store, shared_data / VN_2025)
    assert summary.inserted["wards"] == 3_320 and summary.inserted["districts"] == 0
    assert summary.inserted["provinces"] == 34
    assert summary.population == 101_410_246
    assert len(summary.repairs) == 4
    # Đặc khu Hoàng Sa has no population in the source: stored as unknown, not refused.
    hoang_sa = store.areas().set_index("ward_code").loc["20333"]
    assert hoang_sa["population"] is None or str(hoang_sa["population"]) == "<NA>"


def test_a_district_field_needs_its_pair(tmp_path, shared_data):
    bf = read_boundaries(shared_data / HCMC_2025)
    gdf = bf.gdf.head(3).assign(district_code="760")
    path = tmp_path / "half.geojson"
    path.write_text(gdf.to_json(), encoding="utf-8")
    try:
        read_boundaries(path)
    except BoundaryError as exc:
        assert [(p.column, p.key) for p in exc.problems] == [
            ("district_name", "files.boundary.missing_column")]
    else:
        raise AssertionError("a file with district_code but no district_name was accepted")


def bad_file(tmp_path):
    """Four kinds of problem: UTM metres without a CRS, a self-intersecting polygon, a
    code used twice, a commune without a name."""
    x, y = 680_000.0, 1_190_000.0  # UTM 48N metres in HCMC
    bow = shapely.Polygon([(x, y), (x + 900, y + 900), (x + 900, y), (x, y + 900)])
    return write_communes(tmp_path / "bad.geojson", [
        commune_feature("26734", "Phường Sài Gòn", square(x + 2000, y, 900)),
        commune_feature("26740", "Phường Tân Định", bow),
        commune_feature("26734", "Phường Bến Thành", square(x + 4000, y, 900)),
        commune_feature("27004", "", square(x + 6000, y, 900)),
    ])


def test_every_problem_of_a_file_is_in_one_report_and_nothing_is_stored(store, tmp_path):
    try:
        import_boundaries(store, bad_file(tmp_path))
    except BoundaryError as exc:
        found = {p.key.rsplit(".", 1)[1]: p for p in exc.problems}
        repairs = exc.repairs
    else:
        raise AssertionError("a file with four kinds of problem was accepted")
    assert set(found) == {"duplicate", "missing_value", "degrees_not_lonlat"}
    assert (found["duplicate"].code, found["duplicate"].name) == ("26734", "Phường Bến Thành")
    assert (found["missing_value"].code, found["missing_value"].column) == ("27004", "ward_name")
    assert found["degrees_not_lonlat"].column == "crs"
    [repair] = repairs  # the bow-tie is repaired even though the file is refused
    assert (repair.code, repair.name, repair.feature) == ("26740", "Phường Tân Định", 2)
    assert repair.area_before_m2 is None  # no metres without a known CRS
    assert store.table_counts()["wards"] == 0 and store.table_counts()["audit_log"] == 0


def test_the_cli_prints_the_whole_report(sqlite_url, tmp_path, capsys):
    code = main(["--db", sqlite_url, "--lang", "en", "import-boundaries",
                 str(bad_file(tmp_path))])
    err = capsys.readouterr().err
    assert code == 1
    assert "26734 Phường Bến Thành" in err and "appears twice" in err
    assert "27004 ward_name" in err and "missing required value" in err
    assert "invalid polygon of 26740 Phường Tân Định" in err and "EPSG" in err
