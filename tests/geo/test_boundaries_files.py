"""Boundary files in every supported format, derived from the real Hà Đông file, read back
with geo.boundaries.read.read_boundaries: same codes, names, populations and polygons.

The writers here are also used by test_boundaries_import.py.
"""

from __future__ import annotations

import json
import shutil
import warnings
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import geopandas as gpd
import pyogrio
import pytest
import shapely

from geo.boundaries.read import BoundaryError, read_boundaries

HADONG = "boundaries/hanoi_hadong_wards_2021.geojson"
UTM48N = "EPSG:32648"


# ---- writers (tests derive every format from the real file) --------------------------------

def hadong(shared: Path) -> gpd.GeoDataFrame:
    return gpd.read_file(shared / HADONG)


def write_gpkg(gdf: gpd.GeoDataFrame, path: Path) -> Path:
    gdf.to_file(path, driver="GPKG", layer="wards")
    return path


def write_shp_zip(gdf: gpd.GeoDataFrame, path: Path, *, prj: bool = True) -> Path:
    """A zipped shapefile as GDAL writes it: field names cut to 10 characters."""
    folder = path.parent / f"{path.stem}_shp"
    folder.mkdir()
    with warnings.catch_warnings():  # GDAL announces the truncation; the tests check it
        warnings.simplefilter("ignore")
        gdf.to_file(folder / "wards.shp", driver="ESRI Shapefile", encoding="UTF-8")
    with zipfile.ZipFile(path, "w") as zf:
        for f in sorted(folder.iterdir()):
            if prj or f.suffix != ".prj":
                zf.write(f, f"wards/{f.name}")
    return path


def write_geojson(gdf: gpd.GeoDataFrame, path: Path, *, crs_member: bool = True) -> Path:
    """GeoJSON; without crs_member it has no `crs`, as RFC 7946 writers leave it out."""
    doc = json.loads(gdf.to_json())  # geopandas adds a `crs` member for any CRS but 4326
    if not crs_member:
        doc.pop("crs", None)
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def _kml_coords(ring) -> str:
    return " ".join(f"{x},{y},0" for x, y in ring.coords)  # altitude 0, as FME writes it


def _kml_polygon(poly) -> str:
    inner = "".join(f"<innerBoundaryIs><LinearRing><coordinates>{_kml_coords(r)}"
                    "</coordinates></LinearRing></innerBoundaryIs>" for r in poly.interiors)
    return (f"<Polygon><outerBoundaryIs><LinearRing><coordinates>{_kml_coords(poly.exterior)}"
            f"</coordinates></LinearRing></outerBoundaryIs>{inner}</Polygon>")


def kml_text(gdf: gpd.GeoDataFrame, *, folder_by: str = "district_name") -> str:
    """KML written by hand in FME's shape: a Schema, one Folder per district, attributes in
    ExtendedData/SchemaData, MultiGeometry for multipart wards."""
    fields = [c for c in gdf.columns if c != "geometry"]
    schema = "".join(f'<SimpleField name="{f}" type="string"/>' for f in fields)
    folders = []
    for name, part in gdf.groupby(folder_by, sort=False):
        marks = []
        for _, row in part.iterrows():
            data = "".join(f'<SimpleData name="{f}">{escape(str(row[f]))}</SimpleData>'
                           for f in fields)
            polys = shapely.get_parts(row.geometry)
            geom = "".join(_kml_polygon(p) for p in polys)
            geom = f"<MultiGeometry>{geom}</MultiGeometry>" if len(polys) > 1 else geom
            marks.append(f"<Placemark><name>{escape(row['ward_name'])}</name><ExtendedData>"
                         f'<SchemaData schemaUrl="#wards">{data}</SchemaData></ExtendedData>'
                         f"{geom}</Placemark>")
        folders.append(f"<Folder><name>{escape(name)}</name>{''.join(marks)}</Folder>")
    return ('<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2">'
            f'<Document><Schema name="wards" id="wards">{schema}</Schema>{"".join(folders)}'
            "</Document></kml>")


def write_kmz(gdf: gpd.GeoDataFrame, path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("doc.kml", kml_text(gdf))
    return path


# ---- checks ------------------------------------------------------------------------------

def max_shift_m(got: gpd.GeoSeries, want: gpd.GeoSeries) -> float:
    """Largest Hausdorff distance between matching polygons, in metres (UTM 48N)."""
    a, b = got.to_crs(UTM48N), want.to_crs(UTM48N)
    return float(max(shapely.hausdorff_distance(x, y) for x, y in zip(a, b, strict=True)))


def assert_same_wards(bf, original: gpd.GeoDataFrame, *, tolerance_m: float = 0.01) -> None:
    got = bf.gdf.sort_values("ward_code", ignore_index=True)
    want = original.sort_values("ward_code", ignore_index=True)
    assert got.crs.to_epsg() == 4326
    cols = ["province_code", "province_name", "district_code", "district_name", "ward_code",
            "ward_name"]
    assert got[cols].to_dict("records") == want[cols].to_dict("records")
    assert got["pop_2019"].tolist() == want["pop_2019"].tolist()
    assert got.geometry.is_valid.all()
    assert set(got.geom_type) <= {"Polygon", "MultiPolygon"}
    assert not got.geometry.has_z.any()
    assert max_shift_m(got.geometry, want.geometry) <= tolerance_m


@pytest.fixture(scope="module")
def original(shared_data) -> gpd.GeoDataFrame:
    return hadong(shared_data)


# ---- formats -----------------------------------------------------------------------------

def test_real_files_read_as_they_are(shared_data):
    for name, count, total in [(HADONG, 17, 397_854),
                               ("boundaries/hcmc_wards_2021.geojson", 312, 8_993_082)]:
        bf = read_boundaries(shared_data / name)
        assert (len(bf.gdf), int(bf.gdf["pop_2019"].sum())) == (count, total)
        assert bf.source_crs == "EPSG:4326" and bf.repairs == [] and bf.ignored_columns == []
        assert bf.gdf["ward_code"].str.fullmatch(r"\d{5}").all()


@pytest.mark.parametrize("fmt", ["gpkg", "shp.zip", "kml_gdal", "kmz_gdal", "kml_fme", "kmz"])
def test_each_format_round_trips(fmt, original, tmp_path):
    path = tmp_path / f"wards.{fmt}"
    if fmt == "gpkg":
        write_gpkg(original, path)
    elif fmt == "shp.zip":
        write_shp_zip(original, path)
        fields = pyogrio.read_info(f"/vsizip/{path}/wards/wards.shp")["fields"]
        assert {"province_c", "district_n"} <= set(fields)  # really cut to 10 characters
    elif fmt in ("kml_gdal", "kmz_gdal"):  # GDAL's own KML/KMZ (KMZ: doc.kml + layers/)
        path = path.with_suffix("." + fmt[:3])
        original.to_file(path, driver="LIBKML")
    elif fmt == "kml_fme":
        path.write_text(kml_text(original), encoding="utf-8")
    else:
        write_kmz(original, path)
    bf = read_boundaries(path)
    assert_same_wards(bf, original)
    assert bf.ignored_columns == []  # LIBKML's own fields (Name, description…) are not news


def test_projected_copy_with_crs_comes_back_within_a_metre(original, tmp_path):
    utm = original.to_crs(UTM48N)
    for path in (write_gpkg(utm, tmp_path / "utm.gpkg"),
                 write_geojson(utm, tmp_path / "utm.geojson"),
                 write_shp_zip(utm, tmp_path / "utm.zip")):  # ESRI WKT in the .prj
        bf = read_boundaries(path)
        assert bf.source_crs == UTM48N
        assert_same_wards(bf, original, tolerance_m=1.0)


def test_format_is_decided_by_content_not_name(original, tmp_path):
    gpkg = write_gpkg(original, tmp_path / "a.gpkg")
    kmz = write_kmz(original, tmp_path / "b.kmz")
    for src, disguise in [(gpkg, "wards.dat"), (kmz, "wards.zip"),
                          (tmp_path / "c", "wards.txt")]:
        if src.name == "c":
            src = write_geojson(original, src)
        shutil.copy(src, tmp_path / disguise)
        assert len(read_boundaries(tmp_path / disguise).gdf) == 17


@pytest.mark.parametrize("content, expected", [
    (b"ward_code,ward_name\n09541,M\xe1\xbb\x99 Lao\n", "not a GeoJSON, GeoPackage"),
    (b"", "not a GeoJSON"),
    (None, "expected one .shp"),
])
def test_files_that_are_not_boundaries_are_refused(content, expected, original, tmp_path):
    path = tmp_path / "x.zip"
    if content is None:  # a zip with two shapefiles: which one is meant?
        for name in ("a", "b"):
            write_shp_zip(original, tmp_path / f"{name}.zip")
        with zipfile.ZipFile(path, "w") as zf:
            for name in ("a", "b"):
                zf.write(tmp_path / f"{name}_shp" / "wards.shp", f"{name}.shp")
    else:
        path.write_bytes(content)
    with pytest.raises(BoundaryError) as err:
        read_boundaries(path)
    [problem] = err.value.problems
    assert problem.feature is None and expected in problem.reason and problem.reason_vi


def test_numeric_codes_from_a_shapefile_are_zero_padded(original, tmp_path):
    numeric = original.assign(ward_code=original["ward_code"].astype(int),
                              district_code=original["district_code"].astype(int),
                              province_code=original["province_code"].astype(int))
    assert numeric["ward_code"].iloc[0] == 9538
    bf = read_boundaries(write_shp_zip(numeric, tmp_path / "num.zip"))
    assert_same_wards(bf, original)
    assert set(bf.gdf["province_code"]) == {"01"} and set(bf.gdf["district_code"]) == {"268"}


def test_vietnamese_aliases_and_nfd_names(original, tmp_path):
    nfd = original.rename(columns={"ward_code": "Mã phường", "ward_name": "Tên phường",
                                   "pop_2019": "Dân số"})
    nfd["Tên phường"] = nfd["Tên phường"].str.normalize("NFD")
    bf = read_boundaries(write_geojson(nfd, tmp_path / "vi.geojson"))
    assert_same_wards(bf, original)


def test_lonlat_file_without_crs_is_taken_as_wgs84_and_says_so(original, tmp_path):
    bf = read_boundaries(write_shp_zip(original, tmp_path / "noprj.zip", prj=False))
    assert bf.source_crs == "EPSG:4326 (assumed)"
    assert_same_wards(bf, original)
