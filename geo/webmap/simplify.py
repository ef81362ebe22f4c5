"""Polygons made light enough to send to a browser once: simplified as a coverage (so
neighbouring wards and blocks keep sharing their edges), rounded to about a metre, and
written as small delta-encoded integers (geo.webmap.geometry adds what the map needs
to place them and the district outlines).

The encoding is what the map component (ui/components/vxmap) decodes: an area is a list
of polygons, a polygon a list of rings, a ring a flat list `[lat0, lng0, dlat1, dlng1, …]`
of integers in units of QUANTUM degrees, without the closing point.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import shapely

QUANTUM = 1e-5  # degrees: 1.1 m of latitude, about 1.1 m of longitude in Vietnam
SCALE = round(1 / QUANTUM)
DEFAULT_TOLERANCE_M = 3.0  # ≈ 2 px at the zoom where blocks appear: invisible on screen
_POLYGONAL = ("Polygon", "MultiPolygon")


def _polygonal(geoms: Sequence) -> tuple[np.ndarray, np.ndarray]:
    """The geometries as an object array, and a mask of the non-empty (multi)polygons."""
    arr = np.empty(len(geoms), dtype=object)
    arr[:] = list(geoms)
    kinds = shapely.get_type_id(arr)  # -1 for None
    keep = np.isin(kinds, [3, 6]) & ~shapely.is_empty(arr)
    return arr, keep


def simplify_coverage(geoms: Sequence, tolerance_m: float = DEFAULT_TOLERANCE_M) -> np.ndarray:
    """EPSG:4326 polygons simplified by about `tolerance_m` metres; None where an input is
    missing or not a polygon.

    A valid coverage (no overlaps, matching vertices on shared edges, as the demo city and
    clean GSO boundaries are) goes through shapely's coverage_simplify, which keeps every
    shared edge shared. Anything else is simplified polygon by polygon: its neighbours did
    not share exact edges to begin with, so there is nothing to keep.
    """
    import geopandas as gpd  # here, not at the top: the dashboard imports this module

    arr, keep = _polygonal(geoms)
    out = np.full(len(arr), None, dtype=object)
    if not keep.any():
        return out
    series = gpd.GeoSeries(arr[keep], crs="EPSG:4326")
    metric_crs = series.estimate_utm_crs()  # metres, so the tolerance means what it says
    metric = series.to_crs(metric_crs).to_numpy()
    if shapely.coverage_is_valid(metric):
        simple = shapely.coverage_simplify(metric, tolerance_m)
    else:
        simple = shapely.simplify(metric, tolerance_m, preserve_topology=True)
    out[keep] = gpd.GeoSeries(simple, crs=metric_crs).to_crs("EPSG:4326").to_numpy()
    return out


def _ring(coords: np.ndarray) -> list[int] | None:
    """One ring as delta-encoded integers; None once rounding leaves under 3 points."""
    q = np.rint(coords[:, ::-1] / QUANTUM).astype(np.int64)  # (lat, lng), as Leaflet wants
    step = np.diff(q, axis=0)
    # Rounding can make neighbouring vertices equal; a repeated point only costs bytes.
    q = np.vstack([q[:1], q[1:][(step != 0).any(axis=1)]])
    if len(q) > 1 and (q[0] == q[-1]).all():
        q = q[:-1]  # Leaflet closes rings itself
    if len(q) < 3:
        return None
    delta = np.vstack([q[:1], np.diff(q, axis=0)])
    return delta.ravel().tolist()


def encode_geometry(geom) -> list | None:
    """An area's (multi)polygon as [[ring, …], …]; None without a drawable polygon."""
    if geom is None or geom.is_empty or geom.geom_type not in _POLYGONAL:
        return None
    polygons = geom.geoms if geom.geom_type == "MultiPolygon" else [geom]
    out = []
    for poly in polygons:
        shell = _ring(np.asarray(poly.exterior.coords))
        if shell is None:
            continue
        holes = [r for r in (_ring(np.asarray(i.coords)) for i in poly.interiors) if r]
        out.append([shell, *holes])
    return out or None


def decode_ring(flat: Sequence[int]) -> np.ndarray:
    """(lat, lng) points of an encoded ring: the inverse of the encoding, for tests."""
    return np.cumsum(np.asarray(flat, dtype=np.int64).reshape(-1, 2), axis=0) * QUANTUM


def encode_all(geoms: Sequence) -> list:
    """`encode_geometry` of every geometry, on all their vertices at once: the rounding,
    deduplication and deltas are numpy operations, and only the final lists are built
    per ring (a city's 25,000 areas in a fraction of the per-geometry time)."""
    arr, keep = _polygonal(geoms)
    out: list = [None] * len(arr)
    if not keep.any():
        return out
    polys, owner = shapely.get_parts(arr[keep], return_index=True)
    owner = np.flatnonzero(keep)[owner]
    rings, poly_of = shapely.get_rings(polys, return_index=True)
    # get_rings lists each polygon's shell first, then its holes.
    shell = np.r_[True, poly_of[1:] != poly_of[:-1]]
    encoded = _encode_rings(rings)
    polygons: list = [None] * len(polys)
    for r in range(len(rings)):
        p = int(poly_of[r])
        if shell[r]:
            polygons[p] = [encoded[r]] if encoded[r] is not None else None
        elif polygons[p] is not None and encoded[r] is not None:
            polygons[p].append(encoded[r])
    for p, g in enumerate(owner.tolist()):
        if polygons[p] is not None:
            out[g] = (out[g] or []) + [polygons[p]]
    return out


def _encode_rings(rings: np.ndarray) -> list:
    """Each ring's vertices rounded to QUANTUM, repeats dropped, open (Leaflet closes
    rings itself), as flat (lat, lng) deltas; None for a ring left with < 3 points."""
    coords, ring_of = shapely.get_coordinates(rings, return_index=True)
    q = np.rint(coords[:, ::-1] / QUANTUM).astype(np.int64)
    first = np.r_[True, ring_of[1:] != ring_of[:-1]]
    kept = first | np.r_[False, (np.diff(q, axis=0) != 0).any(axis=1)]
    q, ring_of = q[kept], ring_of[kept]
    starts = np.flatnonzero(np.r_[True, ring_of[1:] != ring_of[:-1]])
    ends = np.r_[starts[1:], len(q)]
    closed = (ends - starts > 1) & (q[starts] == q[ends - 1]).all(axis=1)
    ends = ends - closed
    delta = q.copy()
    delta[1:] -= q[:-1]
    delta[starts] = q[starts]
    encoded: list = [None] * len(rings)
    for r, a, b in zip(ring_of[starts].tolist(), starts.tolist(), ends.tolist(), strict=True):
        if b - a >= 3:
            encoded[r] = delta[a:b].ravel().tolist()
    return encoded


def bounds(geoms: Sequence) -> list[float] | None:
    """[south, west, north, east] of the drawable geometries, None when there are none."""
    arr, keep = _polygonal(geoms)
    if not keep.any():
        return None
    minx, miny, maxx, maxy = shapely.total_bounds(arr[keep])
    return [float(miny), float(minx), float(maxy), float(maxx)]
