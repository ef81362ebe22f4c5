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

from zones.problems import FEATURE, Problem, Refused, Term

LONLAT = "EPSG:4326"
# Cylindrical equal-area (NSIDC EASE-Grid 2.0): true areas anywhere in Vietnam, which spans
# UTM zones 48 and 49, so no zone has to be chosen per file.
EQUAL_AREA = "EPSG:6933"
_ADVICE = Term("files.source.crs_advice")  # how to give the CRS, in the reader's language


class SourceProblem(Refused):
    """Why a file cannot be read or placed on the map: one whole-file Problem (message
    files.source.<key>; column "crs" when the CRS is the trouble). str() is its reason."""

    def __init__(self, key: str, value: str = "", column: str | None = None, **params):
        problem = Problem(None, column, value, f"files.source.{key}", params, place=FEATURE)
        super().__init__("", [problem])

    def text(self) -> str:
        return self.problems[0].reason


def _crs_problem(key: str, value: str = "", **params) -> SourceProblem:
    return SourceProblem(key, value, "crs", advice=_ADVICE, **params)


def read_vector(path: Path) -> gpd.GeoDataFrame:
    """Every feature of the file, its CRS as the file states it; the format is decided by
    content, not by name (a .kmz renamed .zip is still KMZ)."""
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError as exc:
        raise SourceProblem("unreadable", detail=str(exc)) from None
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"PK\x03\x04"):
        sources, is_kml = _zip_sources(path)
    elif head.startswith((b"SQLite format 3\x00", b"\x00\x00\x27\x0a")) or text[:1] == b"{":
        sources, is_kml = [str(path)], False  # GeoPackage, bare .shp, GeoJSON
    elif text[:1] == b"<" and b"<kml" in head.lower():
        sources, is_kml = [str(path)], True
    else:
        raise SourceProblem("unknown_format")
    frames = [f for src in sources for f in _read_layers(src)]
    if len(frames) > 1 and not is_kml:  # KML folders split one layer; elsewhere it is a choice
        found = ", ".join(str(f.attrs["layer"]) for f in frames)
        raise SourceProblem("several_layers", found)
    if not frames:
        raise SourceProblem("no_features")
    gdf = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    return gpd.GeoDataFrame(gdf, geometry="geometry", crs=frames[0].crs)


def _zip_sources(path: Path) -> tuple[list[str], bool]:
    """GDAL paths inside a zip: its one shapefile, or every KML of a KMZ."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise SourceProblem("bad_zip", detail=str(exc)) from None
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
    found = ", ".join(names[:8]) + (" …" if len(names) > 8 else "")
    raise SourceProblem("zip_contents", found, found=found or Term("files.source.nothing"))


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
            raise SourceProblem("unreadable", detail=str(exc)) from None


def parse_crs(text: str) -> CRS:
    """A user-given CRS (`EPSG:32648`, `32648`, WKT or PROJ string), or SourceProblem."""
    try:
        return CRS.from_user_input(int(text) if str(text).strip().isdigit() else text)
    except _PyprojCRSError:
        raise _crs_problem("unknown_crs", str(text), crs=repr(text)) from None


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
        raise _crs_problem("no_crs", _ranges(bounds))
    if source is None:
        return gdf.set_crs(LONLAT), f"{LONLAT} (assumed)"
    _check_fits(CRS(source), bounds, lonlat_ok)
    out = gdf.set_crs(source, allow_override=True).to_crs(LONLAT)
    if not _could_be_lonlat(out.total_bounds):
        raise _crs_problem("off_globe", _ranges(out.total_bounds))
    return out, crs_label(CRS(source))


def _check_fits(source: CRS, bounds, lonlat_ok: bool) -> None:
    """Refuse degrees labelled as metres and metres labelled as degrees.

    GDAL reads every GeoJSON without a `crs` member as EPSG:4326, so a UTM file exported
    that way arrives labelled geographic; and no ward file in metres fits within ±180 m of
    its projection's origin, so such small numbers are degrees with a wrong label.
    """
    rng = _ranges(bounds)
    if source.is_geographic and not lonlat_ok:
        raise _crs_problem("degrees_not_lonlat", rng, crs=crs_label(source))
    if source.is_projected and lonlat_ok:
        raise _crs_problem("metres_look_lonlat", rng, crs=crs_label(source))


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


def repair_polygons(geoms: gpd.GeoSeries, *, measure: bool = True):
    """Make invalid polygons valid, keeping their polygonal parts.

    Returns the repaired series, [(position, (x, y), area_before_m2, area_after_m2)] for
    each repair, and the positions where nothing polygonal was left. Areas are measured
    only when `measure` (the geometries are lon/lat), else None.
    """
    geoms = geoms.copy()
    bad = [i for i, g in enumerate(geoms) if g is not None and not g.is_valid]
    if not bad:
        return geoms, [], []
    fixed = [polygonal_part(shapely.make_valid(geoms.iloc[i])) for i in bad]
    none = [None] * len(bad)
    before = areas_m2(geoms.iloc[bad]) if measure else none
    after = areas_m2(gpd.GeoSeries(fixed)) if measure else none
    repairs, emptied = [], []
    for i, geom, a0, a1 in zip(bad, fixed, before, after, strict=True):
        if geom.is_empty:
            emptied.append(i)
            continue
        point = geom.representative_point()
        area = (None, None) if a0 is None else (float(a0), float(a1))
        repairs.append((i, (round(point.x, 6), round(point.y, 6)), *area))
        geoms.iloc[i] = geom
    return geoms, repairs, emptied
