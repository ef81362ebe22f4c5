"""District outlines for the zone map (ui/components/vxmap): the wards of each district
dissolved into one shape, with a point inside it for the district's name. They are made
from the wards as the map draws them (already simplified as a coverage), so an outline
lies on the ward edges on screen and needs no simplifying of its own. Data without
districts (two tiers, an empty district_code) gets none.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

from geo.webmap.simplify import QUANTUM, SCALE, encode_all


def dissolve_districts(simple: np.ndarray, is_ward: np.ndarray,
                       district: np.ndarray) -> tuple[list[str], np.ndarray]:
    """The district codes with at least one drawn ward, and each one's wards dissolved
    (EPSG:4326, holes dropped). `simple` holds every area's simplified polygon (None
    where it has none), `district` every area's district code ('' where none)."""
    codes = pd.Series(district, dtype=object).fillna("").astype(str).to_numpy()
    drawn = np.array([g is not None for g in simple], dtype=bool)
    use = is_ward & drawn & (codes != "")
    names = sorted(set(codes[use].tolist()))
    shapes = np.empty(len(names), dtype=object)
    for i, code in enumerate(names):
        # Snapping to the encoding's grid closes the hairline gaps that wards simplified
        # one by one (not as a coverage) leave between them.
        shapes[i] = _shell_only(shapely.union_all(simple[use & (codes == code)],
                                                  grid_size=QUANTUM))
    return names, shapes


def _shell_only(geom):
    """`geom` without holes: an outline is a line, and a hole's edge is the outline of
    the district inside it (or a sliver of the dissolve)."""
    parts = shapely.get_parts(geom)
    shells = [shapely.Polygon(p.exterior) for p in parts if p.geom_type == "Polygon"]
    return shapely.MultiPolygon(shells) if len(shells) > 1 else (shells[0] if shells else None)


def district_payload(simple: np.ndarray, is_ward: np.ndarray, district: np.ndarray) -> list:
    """[[code, encoded outline, name point], …] of every district with drawn wards,
    encoded as the polygons are (geo.webmap.simplify); the name point, the centre of the
    largest circle inside the district, is an offset from the outline's first vertex
    as the areas' `pt` is."""
    names, shapes = dissolve_districts(simple, is_ward, district)
    encoded = encode_all(shapes)
    out = []
    for code, shape, enc in zip(names, shapes, encoded, strict=True):
        if enc is None:
            continue
        centre = shapely.get_point(shapely.maximum_inscribed_circle(shape), 0)
        lat0, lng0 = enc[0][0][:2]
        out.append([code, enc, [round(centre.y * SCALE) - lat0,
                                round(centre.x * SCALE) - lng0]])
    return out
