"""Boundary files in every supported format, derived from the real Hà Đông file, read back
with geo.boundaries.read.read_boundaries: same codes, names, populations and polygons.

The writers are in tests/support/boundary_files.py.
"""

from __future__ import annotations

import shutil
import zipfile

import pyogrio
import pytest

from geo.boundaries.read import BoundaryError, read_boundaries
from tests.support.boundary_files import (
    HADONG,
    UTM48N,
    assert_same_wards,
    kml_text,
    write_geojson,
    write_gpkg,
    write_kmz,
    write_shp_zip,
)

# ---- formats -----------------------------------------------------------------------------

def test_real_files_read_as_they_are(shared_data):
    for name, count, total in [(HADONG, 17, 397_854),
                               ("boundaries/hcmc_wards_2021.geojson", 312, 8_993_082)]:
        bf = read_boundaries(shared_data / name)
        assert (len(bf.gdf), int(bf.gdf["pop_2019"].sum())) == (count, total)
        assert bf.source_crs == "EPSG:4326" and bf.repairs == [] and bf.ignored_columns == []
        assert bf.gdf["ward_code"].str.fullmatch(r"\d{5}").all()


@pytest.mark.parametrize("fmt", ["gpkg", "shp.zip", "kml_gdal", "kmz_gdal", "kml_fme", "kmz"])
def test_each_format_round_trips(fmt, hadong_wards, tmp_path):
    path = tmp_path / f"wards.{fmt}"
    if fmt == "gpkg":
        write_gpkg(hadong_wards, path)
    elif fmt == "shp.zip":
        write_shp_zip(hadong_wards, path)
        fields = pyogrio.read_info(f"/vsizip/{path}/wards/wards.shp")["fields"]
        assert {"province_c", "district_n"} <= set(fields)  # really cut to 10 characters
    elif fmt in ("kml_gdal", "kmz_gdal"):  # GDAL's own KML/KMZ (KMZ: doc.kml + layers/)
        path = path.with_suffix("." + fmt[:3])
        hadong_wards.to_file(path, driver="LIBKML")
    elif fmt == "kml_fme":
        path.write_text(kml_text(hadong_wards), encoding="utf-8")
    else:
        write_kmz(hadong_wards, path)
    bf = read_boundaries(path)
    assert_same_wards(bf, hadong_wards)
    assert bf.ignored_columns == []  # LIBKML's own fields (Name, description…) are not news


def test_projected_copy_with_crs_comes_back_within_a_metre(hadong_wards, tmp_path):
    utm = hadong_wards.to_crs(UTM48N)
    for path in (write_gpkg(utm, tmp_path / "utm.gpkg"),
                 write_geojson(utm, tmp_path / "utm.geojson"),
                 write_shp_zip(utm, tmp_path / "utm.zip")):  # ESRI WKT in the .prj
        bf = read_boundaries(path)
        assert bf.source_crs == UTM48N
        assert_same_wards(bf, hadong_wards, tolerance_m=1.0)


def test_format_is_decided_by_content_not_name(hadong_wards, tmp_path):
    gpkg = write_gpkg(hadong_wards, tmp_path / "a.gpkg")
    kmz = write_kmz(hadong_wards, tmp_path / "b.kmz")
    for src, disguise in [(gpkg, "wards.dat"), (kmz, "wards.zip"),
                          (tmp_path / "c", "wards.txt")]:
        if src.name == "c":
            src = write_geojson(hadong_wards, src)
        shutil.copy(src, tmp_path / disguise)
        assert len(read_boundaries(tmp_path / disguise).gdf) == 17


@pytest.mark.parametrize("content, expected", [
    (b"ward_code,ward_name\n09541,M\xe1\xbb\x99 Lao\n", "not a GeoJSON, GeoPackage"),
    (b"", "not a GeoJSON"),
    (None, "expected one .shp"),
])
def test_files_that_are_not_boundaries_are_refused(content, expected, hadong_wards, tmp_path):
    path = tmp_path / "x.zip"
    if content is None:  # a zip with two shapefiles: which one is meant?
        for name in ("a", "b"):
            write_shp_zip(hadong_wards, tmp_path / f"{name}.zip")
        with zipfile.ZipFile(path, "w") as zf:
            for name in ("a", "b"):
                zf.write(tmp_path / f"{name}_shp" / "wards.shp", f"{name}.shp")
    else:
        path.write_bytes(content)
    with pytest.raises(BoundaryError) as err:
        read_boundaries(path)
    [problem] = err.value.problems
    assert problem.feature is None and expected in problem.reason and problem.reason_vi


def test_numeric_codes_from_a_shapefile_are_zero_padded(hadong_wards, tmp_path):
    numeric = hadong_wards.assign(ward_code=hadong_wards["ward_code"].astype(int),
                              district_code=hadong_wards["district_code"].astype(int),
                              province_code=hadong_wards["province_code"].astype(int))
    assert numeric["ward_code"].iloc[0] == 9538
    bf = read_boundaries(write_shp_zip(numeric, tmp_path / "num.zip"))
    assert_same_wards(bf, hadong_wards)
    assert set(bf.gdf["province_code"]) == {"01"} and set(bf.gdf["district_code"]) == {"268"}


def test_vietnamese_aliases_and_nfd_names(hadong_wards, tmp_path):
    nfd = hadong_wards.rename(columns={"ward_code": "Mã phường", "ward_name": "Tên phường",
                                   "pop_2019": "Dân số"})
    nfd["Tên phường"] = nfd["Tên phường"].str.normalize("NFD")
    bf = read_boundaries(write_geojson(nfd, tmp_path / "vi.geojson"))
    assert_same_wards(bf, hadong_wards)


def test_lonlat_file_without_crs_is_taken_as_wgs84_and_says_so(hadong_wards, tmp_path):
    bf = read_boundaries(write_shp_zip(hadong_wards, tmp_path / "noprj.zip", prj=False))
    assert bf.source_crs == "EPSG:4326 (assumed)"
    assert_same_wards(bf, hadong_wards)
