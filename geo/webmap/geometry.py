"""What the zone map draws, sent once per import: every area's polygon (simplified and
encoded by geo.webmap.simplify) with a point for its letters and name, the districts'
outlines and name points (geo.webmap.districts), and the zoom from which blocks show.
Names themselves travel in the names file (geo.webmap.payload), so labels add nothing
to what is sent per day.
"""

from __future__ import annotations

import numpy as np
import shapely

from geo.webmap.districts import district_payload
from geo.webmap.simplify import SCALE, bounds, encode_all, simplify_coverage


def geometry_payload(geoms: np.ndarray, is_ward: np.ndarray,
                     tolerance_m: float | None = None,
                     district: np.ndarray | None = None) -> dict:
    """Encoded polygons, a point inside each for its level letters and name (as an
    offset from the polygon's first vertex), the wards' bounds, the zoom from which
    blocks are drawn, and the outlines of the districts named by `district` (each area's
    code; none without it). Wards and blocks are simplified as two coverages (a block's
    edges are not its ward's after simplification, by < tolerance)."""
    simple = np.full(len(geoms), None, dtype=object)
    kw = {} if tolerance_m is None else {"tolerance_m": tolerance_m}
    for part in (is_ward, ~is_ward):
        simple[part] = simplify_coverage(geoms[part], **kw)
    encoded = encode_all(simple)
    drawn = np.array([e is not None for e in encoded], dtype=bool)
    points: list = [None] * len(simple)
    # Relative to the area's first vertex: small numbers, a third of the bytes.
    for i, p in zip(np.flatnonzero(drawn), shapely.point_on_surface(simple[drawn]), strict=True):
        lat0, lng0 = encoded[i][0][0][:2]
        points[i] = [round(p.y * SCALE) - lat0, round(p.x * SCALE) - lng0]
    return {"scale": SCALE, "geom": encoded, "pt": points,
            "bounds": bounds(simple[is_ward]) or bounds(simple),
            "block_zoom": block_zoom(simple[~is_ward]),
            "district_lines": ([] if district is None
                               else district_payload(simple, is_ward, np.asarray(district)))}


def block_zoom(blocks: np.ndarray, min_px: float = 24.0) -> int | None:
    """The first web-map zoom at which a typical block is `min_px` wide: below it, blocks
    would be specks, and the map shows wards only (unless one district is chosen)."""
    drawn = np.array([g for g in blocks if g is not None], dtype=object)
    if len(drawn) == 0:
        return None
    minx, miny, maxx, maxy = shapely.bounds(drawn).T
    lat = np.radians(np.median((miny + maxy) / 2))
    width_m = np.median(np.hypot((maxx - minx) * np.cos(lat), maxy - miny)) * 111_320 / 1.4
    metres_per_px_z0 = 156_543.03 * np.cos(lat)
    return int(np.clip(np.ceil(np.log2(metres_per_px_z0 * min_px / max(width_m, 1.0))), 10, 19))
