"""The polygons of a boundary file checked: each feature must be polygonal; invalid ones
(self-intersections, as real files have) are repaired and each repair is reported, with
the feature's code and name, whether or not the rest of the file is refused."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import shapely

from geo.boundaries.crs import SourceProblem, polygonal_part, repair_polygons, to_lonlat
from zones.problems import FEATURE, Problem


@dataclass(frozen=True)
class Repair:
    """An invalid polygon made valid: where it is and how much area the fix changed (None
    when the file's CRS is unknown, so metres cannot be measured)."""

    code: str
    where: tuple[float, float]  # (lon, lat), or the file's x, y, of a point inside it
    area_before_m2: float | None
    area_after_m2: float | None
    feature: int | None = None
    name: str | None = None  # the unit's name, when the file gives one

    def __str__(self) -> str:
        x, y = self.where
        unit = f"{self.code} {self.name}" if self.name else self.code
        if self.area_before_m2 is None:
            return f"repaired {unit} near ({x:.6f}, {y:.6f})"
        return (f"repaired {unit} near ({x:.6f}, {y:.6f}): "
                f"{self.area_before_m2:,.1f} m² → {self.area_after_m2:,.1f} m²")


def feature_problem(key: str, feature=None, code=None, fld=None, value="", name=None,
                    **params) -> Problem:
    """A problem of feature `feature` (1-based), message files.boundary.<key>."""
    return Problem(feature, fld, str(value), f"files.boundary.{key}", params, code, FEATURE,
                   name)


def _polygonal(raw: gpd.GeoSeries, labels: list, names: list):
    """The polygonal geometries (others None) and a problem for each feature without one."""
    problems, kept = [], []
    for i, geom in enumerate(shapely.force_2d(raw.to_numpy())):  # KML carries altitude 0
        parts = [] if geom is None else shapely.get_parts(geom)
        if geom is None or geom.is_empty:
            problems.append(feature_problem("no_geometry", i + 1, labels[i], "geometry",
                                            name=names[i]))
        elif not all(p.geom_type in ("Polygon", "MultiPolygon") for p in parts):
            problems.append(feature_problem("not_polygon", i + 1, labels[i], "geometry",
                                            geom.geom_type, name=names[i]))
        else:
            kept.append((i, polygonal_part(geom)))  # a KML MultiGeometry of polygons is fine
    series = gpd.GeoSeries([None] * len(raw), crs=raw.crs)
    series.iloc[[i for i, _ in kept]] = [g for _, g in kept]
    return series, problems


def check_geometries(raw: gpd.GeoSeries, labels: list, names: list, crs: str | None):
    """Lon/lat, valid polygons; the CRS they came in; repairs made; problems found.

    A CRS problem does not hide the others: the polygons are then repaired where they
    are, so the report still lists every repair (without areas)."""
    series, problems = _polygonal(raw, labels, names)
    try:
        lonlat, source_crs = to_lonlat(gpd.GeoDataFrame(geometry=series), crs)
    except SourceProblem as exc:
        _, repaired, emptied = repair_polygons(series, measure=False)
        return series, "", _repairs(repaired, labels, names), problems + exc.problems
    fixed, repaired, emptied = repair_polygons(lonlat.geometry)
    problems += [feature_problem("nothing_left", i + 1, labels[i], "geometry",
                                 fixed.iloc[i].wkt[:60], name=names[i]) for i in emptied]
    # RFC 7946 winding (exterior counter-clockwise), whatever the source used.
    oriented = shapely.orient_polygons(fixed.to_numpy(), exterior_cw=False)
    return (gpd.GeoSeries(oriented, crs=lonlat.crs), source_crs,
            _repairs(repaired, labels, names), problems)


def _repairs(repaired: list, labels: list, names: list) -> list[Repair]:
    return [Repair(labels[i] or "?", where, a0, a1, i + 1, names[i])
            for i, where, a0, a1 in repaired]
