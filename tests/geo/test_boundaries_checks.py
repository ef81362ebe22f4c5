"""What read_boundaries refuses or repairs: CRS it cannot trust, invalid polygons, duplicate
codes, bad cells, and all problems of a file reported together."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

from geo.boundaries.read import BoundaryError, read_boundaries
from tests.support.boundary_files import (
    UTM48N,
    assert_same_wards,
    block_strips,
    bow_tie,
    max_shift_m,
    write_geojson,
    write_shp_zip,
)


def refused(path, **kwargs) -> list:
    with pytest.raises(BoundaryError) as err:
        read_boundaries(path, **kwargs)
    assert str(err.value).startswith(str(path))
    return err.value.problems


# ---- CRS ----------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["shp.zip", "geojson"])
def test_projected_file_without_crs_is_refused_with_its_range(fmt, hadong_wards, tmp_path):
    utm = hadong_wards.to_crs(UTM48N)
    if fmt == "shp.zip":  # no .prj: no CRS at all
        path = write_shp_zip(utm, tmp_path / "utm.zip", prj=False)
    else:  # no crs member: GDAL takes it for EPSG:4326, whose degrees it cannot be
        path = write_geojson(utm, tmp_path / "utm.geojson", crs_member=False)
    [problem] = refused(path)
    xmin, ymin, xmax, ymax = utm.total_bounds
    assert problem.feature is None and problem.column == "crs"
    assert f"x {xmin:.6g} … {xmax:.6g}, y {ymin:.6g} … {ymax:.6g}" in problem.reason
    assert "--crs EPSG:" in problem.reason and "EPSG:32648" in problem.reason
    assert "--crs EPSG:" in problem.reason_vi
    bf = read_boundaries(path, crs="EPSG:32648")
    assert bf.source_crs == UTM48N
    assert_same_wards(bf, hadong_wards, tolerance_m=1.0)


def test_crs_argument_overrides_the_file(hadong_wards, tmp_path):
    """The Hà Đông source KML said WGS 84 but was VN-2000: --crs EPSG:4756 moves it ~224 m."""
    path = write_geojson(hadong_wards, tmp_path / "wards.geojson")
    bf = read_boundaries(path, crs="EPSG:4756")
    assert bf.source_crs == "EPSG:4756"
    assert 150 < max_shift_m(bf.gdf.geometry, hadong_wards.geometry) < 300


def test_degrees_labelled_as_metres_and_unknown_crs_are_refused(hadong_wards, tmp_path):
    path = write_geojson(hadong_wards.set_crs(UTM48N, allow_override=True), tmp_path / "x.geojson")
    [problem] = refused(path)
    assert "look like longitude/latitude" in problem.reason
    [problem] = refused(tmp_path / "x.geojson", crs="EPSG:999999")
    assert problem.column == "crs" and "unknown CRS" in problem.reason


# ---- geometry -----------------------------------------------------------------------------

def test_bow_tie_is_repaired_and_reported(hadong_wards, tmp_path):
    broken = hadong_wards.copy()
    broken.loc[3, "geometry"] = bow_tie(hadong_wards.geometry[3])
    bf = read_boundaries(write_geojson(broken, tmp_path / "bowtie.geojson"))
    [repair] = bf.repairs
    assert (repair.code, repair.feature) == (hadong_wards["ward_code"][3], 4)
    x0, y0, x1, y1 = hadong_wards.geometry[3].bounds
    assert x0 < repair.where[0] < x1 and y0 < repair.where[1] < y1
    # The crossing cancels the shoelace area; the repair keeps both triangles, half the box.
    box_m2 = gpd.GeoSeries([shapely.box(x0, y0, x1, y1)], crs=4326).to_crs(UTM48N).area[0]
    assert repair.area_before_m2 == pytest.approx(0, abs=1)
    assert repair.area_after_m2 == pytest.approx(box_m2 / 2, rel=0.01)
    fixed = bf.gdf.geometry[3]
    assert fixed.is_valid and fixed.geom_type == "MultiPolygon" and len(fixed.geoms) == 2
    assert "m²" in str(repair)


def test_features_without_polygons_are_problems(hadong_wards, tmp_path):
    bad = hadong_wards.copy()
    bad.loc[0, "geometry"] = None
    bad.loc[1, "geometry"] = shapely.Point(105.78, 20.97)
    problems = refused(write_geojson(bad, tmp_path / "x.geojson"))
    assert [(p.feature, p.code, p.column) for p in problems] == [
        (1, "09538", "geometry"), (2, "09541", "geometry")]
    assert "not a polygon" in problems[1].reason and problems[1].value == "Point"


# ---- attributes ---------------------------------------------------------------------------

def test_duplicate_ward_codes_name_both_features(hadong_wards, tmp_path):
    dup = hadong_wards.copy()
    dup.loc[9, "ward_code"] = dup.loc[2, "ward_code"]
    [problem] = refused(write_geojson(dup, tmp_path / "dup.geojson"))
    assert (problem.feature, problem.code, problem.column) == (10, "09542", "ward_code")
    assert "features 3 and 10" in problem.reason and "3 và 10" in problem.reason_vi


def test_every_problem_of_a_file_is_reported_at_once(hadong_wards, tmp_path):
    bad = hadong_wards.copy()
    bad.loc[0, "ward_name"] = "  "
    bad.loc[1, "ward_code"] = "95A1"
    bad.loc[2, "pop_2019"] = -5
    bad.loc[4, "district_name"] = "Quận Hà Tây"
    bad.loc[5, "ward_code"] = bad.loc[6, "ward_code"]
    bad.loc[7, "geometry"] = shapely.Polygon()
    bad["pop_2019"] = bad["pop_2019"].astype(object)
    bad.loc[8, "pop_2019"] = "12,5"
    problems = refused(write_geojson(bad, tmp_path / "bad.geojson"))
    assert [(p.feature, p.column, p.value) for p in problems] == [
        (1, "ward_name", ""), (2, "ward_code", "95A1"), (3, "pop_2019", "-5"),
        (5, "district_name", "Quận Hà Tây"), (7, "ward_code", "09551"),
        (8, "geometry", ""), (9, "pop_2019", "12,5")]
    assert all(p.reason and p.reason_vi for p in problems)


def test_missing_and_doubled_columns(hadong_wards, tmp_path):
    cut = hadong_wards.drop(columns=["ward_name"]).assign(ma_xa=hadong_wards["ward_code"])
    problems = refused(write_geojson(cut, tmp_path / "x.geojson"))
    assert sorted((p.column, p.feature) for p in problems) == [
        ("ward_code", None), ("ward_name", None)]
    assert any("ward_code, ma_xa" in p.reason for p in problems)


def test_unknown_level_is_a_programming_error(tmp_path):
    with pytest.raises(ValueError, match="level must be one of"):
        read_boundaries(tmp_path / "x", level="district")


# ---- block files --------------------------------------------------------------------------

def test_block_file_problems_need_the_store_for_some(hadong_wards, tmp_path):
    blocks = block_strips(hadong_wards.geometry[16], "10123", 4)
    blocks.loc[1, "ward_code"] = "9541"  # padded to 09541: fine on its own
    blocks.loc[2, "block_code"] = "TDP01"  # duplicate of feature 1
    blocks.loc[3, "ward_code"] = "09999"
    path = write_geojson(blocks, tmp_path / "blocks.geojson")
    problems = refused(path, level="block")
    assert [(p.feature, p.code) for p in problems] == [(3, "10123/TDP01")]
    known = {"10123": {"TDP01"}, "09541": {"TDP01"}}  # 09541/TDP02 would be new
    problems = refused(path, level="block", known_areas=known)
    assert [(p.feature, p.column, p.value) for p in problems] == [
        (2, "block_name", "TDP02"), (3, "block_code", "10123/TDP01"), (4, "ward_code", "09999")]
    assert "not in the store" in problems[2].reason
