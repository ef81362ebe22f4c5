"""Boundary files in every supported format, derived from the real Hà Đông ward file
(../shared/data), for the tests of geo.boundaries.read and of importing boundaries into the
store: writers for GeoPackage, zipped shapefile, GeoJSON, KML in FME's shape and KMZ; the
check that wards read back are the original ones (codes, names, populations, polygons
within a tolerance); and invented geometries: a bow-tie polygon and block strips."""

from __future__ import annotations

import json
import warnings
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import geopandas as gpd
import shapely

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


# ---- invented geometries -----------------------------------------------------------------

def bow_tie(geom) -> shapely.Polygon:
    """A self-crossing ring over the geometry's bounding box (invalid: it crosses itself)."""
    x0, y0, x1, y1 = geom.bounds
    return shapely.Polygon([(x0, y0), (x1, y1), (x1, y0), (x0, y1), (x0, y0)])


def block_strips(ward_geom, ward_code: str, n: int) -> gpd.GeoDataFrame:
    """n block polygons cutting a ward into vertical strips (blocks are invented data)."""
    x0, y0, x1, y1 = ward_geom.bounds
    step = (x1 - x0) / n
    geoms = [ward_geom.intersection(shapely.box(x0 + i * step, y0, x0 + (i + 1) * step, y1))
             for i in range(n)]
    codes = [f"TDP{i + 1:02d}" for i in range(n)]
    return gpd.GeoDataFrame({"ward_code": ward_code, "block_code": codes}, geometry=geoms,
                            crs=4326)
