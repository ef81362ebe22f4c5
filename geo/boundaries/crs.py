"""Getting geometry out of a boundary file: its format (by content) and layers, its CRS,
reprojection to EPSG:4326, and polygon repair measured in square metres.

Only a CRS the file states (or the user passes) is trusted; a file without one is taken as
longitude/latitude only when its coordinates can be, so UTM metres are never stored as degrees.
"""

from __future__ import annotations

import warnings
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError as _PyprojCRSError

LONLAT = "EPSG:4326"
FORMATS = "GeoJSON, GeoPackage, zipped Shapefile, KML or KMZ"
# Cylindrical equal-area (NSIDC EASE-Grid 2.0): true areas anywhere in Vietnam, which spans
# UTM zones 48 and 49, so no zone has to be chosen per file.
EQUAL_AREA = "EPSG:6933"
CRS_ADVICE = (
    "pass --crs EPSG:XXXX with the file's CRS, e.g. EPSG:32648 (WGS 84 / UTM 48N) or "
    "EPSG:9210 (VN-2000 / TM-3 105°45′, Hà Nội and TP.HCM)"
)
CRS_ADVICE_VI = (
    "hãy chỉ định hệ toạ độ bằng --crs EPSG:XXXX, ví dụ EPSG:32648 (WGS 84 / UTM 48N) hoặc "
    "EPSG:9210 (VN-2000 / TM-3 105°45′, Hà Nội và TP.HCM)"
)


class SourceProblem(ValueError):
    """Why a file cannot be read or placed on the map, in English and Vietnamese."""

    def __init__(self, value: str, reason: str, reason_vi: str):
        super().__init__(reason)
        self.value, self.reason, self.reason_vi = value, reason, reason_vi


def _source_problem(reason: str, reason_vi: str, value: str = "") -> SourceProblem:
    return SourceProblem(value, reason, reason_vi)


def read_vector(path: Path) -> gpd.GeoDataFrame:
    """Every feature of the file, its CRS as the file states it; the format is decided by
    content, not by name (a .kmz renamed .zip is still KMZ)."""
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError as exc:
        raise _source_problem(f"cannot read the file: {exc}",
                              f"không đọc được tệp: {exc}") from None
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"PK\x03\x04"):
        sources, is_kml = _zip_sources(path)
    elif head.startswith((b"SQLite format 3\x00", b"\x00\x00\x27\x0a")) or text[:1] == b"{":
        sources, is_kml = [str(path)], False  # GeoPackage, bare .shp, GeoJSON
    elif text[:1] == b"<" and b"<kml" in head.lower():
        sources, is_kml = [str(path)], True
    else:
        raise _source_problem(f"not a {FORMATS} file",
                              "không phải tệp GeoJSON, GeoPackage, Shapefile nén zip, KML hay KMZ")
    frames = [f for src in sources for f in _read_layers(src)]
    if len(frames) > 1 and not is_kml:  # KML folders split one layer; elsewhere it is a choice
        found = ", ".join(str(f.attrs["layer"]) for f in frames)
        raise _source_problem(f"the file has several layers with features ({found}): "
                              "give one per file",
                              f"tệp có nhiều lớp dữ liệu ({found}): mỗi tệp chỉ một lớp", found)
    if not frames:
        raise _source_problem("the file has no features", "tệp không có đối tượng nào")
    gdf = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    return gpd.GeoDataFrame(gdf, geometry="geometry", crs=frames[0].crs)


def _zip_sources(path: Path) -> tuple[list[str], bool]:
    """GDAL paths inside a zip: its one shapefile, or every KML of a KMZ."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise _source_problem(f"cannot read the zip: {exc}",
                              f"không đọc được tệp zip: {exc}") from None
    # macOS adds __MACOSX/._name.shp resource forks that are not shapefiles.
    names = [n for n in names if not n.endswith("/") and "__MACOSX/" not in n
             and not Path(n).name.startswith("._")]
    shp = [n for n in names if n.lower().endswith(".shp")]
    kml = [n for n in names if n.lower().endswith(".kml")]
    # {…} lets GDAL open the archive whatever its extension (.kmz, .zip or none).
    if len(shp) == 1 and not kml:
        return [f"/vsizip/{{{path.resolve()}}}/{shp[0]}"], False
    if kml and not shp:
        return [f"/vsizip/{{{path.resolve()}}}/{n}" for n in kml], True
    found = ", ".join(names[:8]) + (" …" if len(names) > 8 else "") if names else "nothing"
    raise _source_problem(
        f"the zip holds {found}: expected one .shp (with .dbf, .shx, .prj) or KML",
        f"tệp zip chứa {found}: cần đúng một .shp (kèm .dbf, .shx, .prj) hoặc KML", found)


def _read_layers(src: str) -> list[gpd.GeoDataFrame]:
    with warnings.catch_warnings():
        # GDAL warns about a GeoPackage not named .gpkg: we decide by content on purpose.
        warnings.filterwarnings("ignore", message=".*non conformant file extension")
        # A GeoJSON column mixing numbers and text stays text: the checks report the bad cell.
        warnings.filterwarnings("ignore", message="Could not parse column .* as JSON")
        try:
            out = []
            for name, _type in pyogrio.list_layers(src):
                gdf = pyogrio.read_dataframe(src, layer=name)
                if len(gdf):
                    gdf.attrs["layer"] = name
                    out.append(gdf)
            return out
        except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
            raise _source_problem(f"cannot read the file: {exc}",
                                  f"không đọc được tệp: {exc}") from None


def parse_crs(text: str) -> CRS:
    """A user-given CRS (`EPSG:32648`, `32648`, WKT or PROJ string), or SourceProblem."""
    try:
        return CRS.from_user_input(int(text) if str(text).strip().isdigit() else text)
    except _PyprojCRSError:
        raise SourceProblem(str(text), f"unknown CRS {text!r}; {CRS_ADVICE}",
                         f"không nhận ra hệ toạ độ {text!r}; {CRS_ADVICE_VI}") from None


def crs_label(crs: CRS) -> str:
    """`EPSG:32648` when the CRS has an EPSG code, else its name (fits source_crs)."""
    code = crs.to_epsg(min_confidence=90)
    return f"EPSG:{code}" if code else crs.name[:64]


def _ranges(bounds) -> str:
    xmin, ymin, xmax, ymax = (float(v) for v in bounds)
    return f"x {xmin:.6g} … {xmax:.6g}, y {ymin:.6g} … {ymax:.6g}"


def _could_be_lonlat(bounds) -> bool:
    xmin, ymin, xmax, ymax = bounds
    return -180 <= xmin <= xmax <= 180 and -90 <= ymin <= ymax <= 90


def to_lonlat(gdf: gpd.GeoDataFrame, crs: str | None = None) -> tuple[gpd.GeoDataFrame, str]:
    """The frame in EPSG:4326 and the label of the CRS it came in; SourceProblem if unsure.

    `crs` overrides what the file says. With neither, coordinates that can be lon/lat are
    taken as EPSG:4326 (the label says "assumed"); any others are refused.
    """
    bounds = gdf.total_bounds
    if not np.all(np.isfinite(bounds)):
        return gdf.set_crs(parse_crs(crs) if crs else LONLAT, allow_override=True), LONLAT
    source = parse_crs(crs) if crs else gdf.crs
    lonlat_ok = _could_be_lonlat(bounds)
    if source is None and not lonlat_ok:
        raise SourceProblem(
            _ranges(bounds),
            f"the file has no CRS and its coordinates ({_ranges(bounds)}) cannot be "
            f"longitude/latitude; {CRS_ADVICE}",
            f"tệp không có hệ toạ độ và toạ độ ({_ranges(bounds)}) không thể là kinh độ/vĩ "
            f"độ; {CRS_ADVICE_VI}",
        )
    if source is None:
        return gdf.set_crs(LONLAT), f"{LONLAT} (assumed)"
    _check_fits(CRS(source), bounds, lonlat_ok)
    out = gdf.set_crs(source, allow_override=True).to_crs(LONLAT)
    if not _could_be_lonlat(out.total_bounds):
        raise SourceProblem(_ranges(out.total_bounds),
                         f"reprojected coordinates fall off the globe; {CRS_ADVICE}",
                         f"toạ độ sau khi chuyển đổi nằm ngoài trái đất; {CRS_ADVICE_VI}")
    return out, crs_label(CRS(source))


def _check_fits(source: CRS, bounds, lonlat_ok: bool) -> None:
    """Refuse degrees labelled as metres and metres labelled as degrees.

    GDAL reads every GeoJSON without a `crs` member as EPSG:4326, so a UTM file exported
    that way arrives labelled geographic; and no ward file in metres fits within ±180 m of
    its projection's origin, so such small numbers are degrees with a wrong label.
    """
    rng = _ranges(bounds)
    if source.is_geographic and not lonlat_ok:
        raise SourceProblem(
            rng,
            f"the file says {crs_label(source)} (degrees) but its coordinates ({rng}) cannot "
            f"be longitude/latitude; {CRS_ADVICE}",
            f"tệp ghi hệ {crs_label(source)} (độ) nhưng toạ độ ({rng}) không thể là kinh độ/"
            f"vĩ độ; {CRS_ADVICE_VI}",
        )
    if source.is_projected and lonlat_ok:
        raise SourceProblem(
            rng,
            f"the file says {crs_label(source)} (metres) but its coordinates ({rng}) look like "
            "longitude/latitude; pass --crs EPSG:4326 if they are",
            f"tệp ghi hệ {crs_label(source)} (mét) nhưng toạ độ ({rng}) giống kinh độ/vĩ độ; "
            "nếu đúng vậy hãy chỉ định --crs EPSG:4326",
        )


def areas_m2(geoms: gpd.GeoSeries) -> np.ndarray:
    """Areas in m² of lon/lat geometries (invalid ones too: shapely measures their rings)."""
    return gpd.GeoSeries(geoms, crs=LONLAT).to_crs(EQUAL_AREA).area.to_numpy()


def polygonal_part(geom) -> shapely.Geometry:
    """The polygons in a geometry, as Polygon or MultiPolygon (empty if there are none)."""
    parts = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
    polys = [p for g in parts for p in shapely.get_parts(g)]
    if not polys:
        return shapely.Polygon()
    return polys[0] if len(polys) == 1 else shapely.MultiPolygon(polys)


def repair_polygons(geoms: gpd.GeoSeries):
    """Make invalid lon/lat polygons valid, keeping their polygonal parts.

    Returns the repaired series, [(position, (lon, lat), area_before_m2, area_after_m2)]
    for each repair, and the positions where nothing polygonal was left.
    """
    geoms = geoms.copy()
    bad = [i for i, g in enumerate(geoms) if g is not None and not g.is_valid]
    if not bad:
        return geoms, [], []
    fixed = [polygonal_part(shapely.make_valid(geoms.iloc[i])) for i in bad]
    before = areas_m2(geoms.iloc[bad])
    after = areas_m2(gpd.GeoSeries(fixed))
    repairs, emptied = [], []
    for i, geom, a0, a1 in zip(bad, fixed, before, after, strict=True):
        if geom.is_empty:
            emptied.append(i)
            continue
        point = geom.representative_point()
        repairs.append((i, (round(point.x, 6), round(point.y, 6)), float(a0), float(a1)))
        geoms.iloc[i] = geom
    return geoms, repairs, emptied
