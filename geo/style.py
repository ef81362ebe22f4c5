"""What the maps and tables share: the level fills and their SVG patterns (the zone map
and the folium map), the level count table (legend order, zeros included), HTML escaping,
and wards joined to their polygons and levels (the folium map and the report map). No
folium and no matplotlib here, so a page that needs only these waits for neither library.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

import pandas as pd
import shapely

from zones.levels import LEGEND_ORDER, LEVELS, UNKNOWN, label

if TYPE_CHECKING:  # geopandas is imported where it is used: the map page needs none
    import geopandas as gpd

_INK_DARK, _INK_LIGHT = "#1A1A1A", "#FFFFFF"
FILL_OPACITY = 0.85  # the legend swatches use the same, so colours match


def esc(value) -> str:
    """HTML-escaped text of a value; missing values (None, NaN, NA) become ''."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return html.escape(str(value), quote=True)


def wards_frame(areas: pd.DataFrame, geometries: pd.DataFrame) -> gpd.GeoDataFrame:
    """Wards of `Store.areas()` with their polygons from `Store.geometries('ward')`.

    Wards without a polygon are left out (the map cannot draw them; tables still list them).
    """
    import geopandas as gpd

    wards = areas.loc[areas["area_type"] == "ward",
                      ["ward_code", "ward_name", "district_code", "district_name", "population"]]
    # PostgreSQL hands back memoryview, SQLite bytes: shapely wants bytes.
    wkb = [bytes(b) for b in geometries["geometry"]]
    geoms = gpd.GeoDataFrame(geometries[["ward_code"]].copy(),
                             geometry=shapely.from_wkb(wkb), crs="EPSG:4326")
    out = geoms.merge(wards, on="ward_code", how="inner")
    return out.sort_values("ward_code", ignore_index=True)


def ward_levels(levels: pd.DataFrame) -> pd.DataFrame:
    """The ward rows of an effective-levels table (blocks never colour a ward)."""
    if "area_type" in levels.columns:
        return levels[levels["area_type"] == "ward"]
    block = levels["block_code"] if "block_code" in levels.columns else pd.Series("", levels.index)
    return levels[block.isna() | (block == "")]


def join_levels(wards: gpd.GeoDataFrame, levels: pd.DataFrame) -> gpd.GeoDataFrame:
    """Wards with their level columns; a ward with no level row is `unknown`, never green."""
    cols = ["level", "source", "report_date", "stale", "level_since", "new_cases",
            "tests_done", "note"]
    lv = ward_levels(levels)
    lv = lv[["ward_code", *[c for c in cols if c in lv.columns]]]
    # Codes are text (SPEC); an empty frame's column may have come in as float.
    lv = lv.astype({"ward_code": str})
    out = wards.astype({"ward_code": str}).merge(lv, on="ward_code", how="left")
    for c in cols:
        if c not in out.columns:
            out[c] = None
    out["level"] = out["level"].fillna(UNKNOWN)
    out["stale"] = out["stale"].fillna(False).astype(bool)
    return out


def level_summary(frame: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """Count and population per level, in legend order, zeros included."""
    pop = pd.to_numeric(frame["population"], errors="coerce").fillna(0)
    grouped = pop.groupby(frame["level"]).agg(["size", "sum"])
    rows = [{"level": code, "label": label(code, lang),
             "count": int(grouped["size"].get(code, 0)),
             "population": int(grouped["sum"].get(code, 0))} for code in LEGEND_ORDER]
    return pd.DataFrame(rows, columns=["level", "label", "count", "population"])


def fill_for(level: str) -> str:
    """Leaflet fillColor: the level's colour, or its SVG pattern (which paints the colour
    under the hatching or dots) so the level reads without colour vision."""
    lv = LEVELS[level]
    return lv.colour if lv.pattern == "solid" else f"url(#vx-pattern-{lv.code})"


def _ink(colour: str) -> str:
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return _INK_LIGHT if 0.299 * r + 0.587 * g + 0.114 * b < 140 else _INK_DARK


def pattern_defs() -> str:
    """An invisible <svg> whose <pattern>s the ward paths and legend swatches fill with."""
    shapes = {
        "hatch": '<line x1="0" y1="0" x2="8" y2="8" stroke="{ink}" stroke-width="1.3"/>'
                 '<line x1="8" y1="0" x2="0" y2="8" stroke="{ink}" stroke-width="1.3"/>',
        "dots": '<circle cx="4" cy="4" r="1.5" fill="{ink}"/>',
    }
    defs = "".join(
        f'<pattern id="vx-pattern-{lv.code}" patternUnits="userSpaceOnUse" width="8" '
        f'height="8"><rect width="8" height="8" fill="{lv.colour}"/>'
        f"{shapes[lv.pattern].format(ink=_ink(lv.colour))}</pattern>"
        for lv in LEVELS.values() if lv.pattern in shapes
    )
    # Not display:none: some browsers then refuse to paint patterns referenced from it.
    return ('<svg width="0" height="0" style="position:absolute" aria-hidden="true" '
            f'focusable="false"><defs>{defs}</defs></svg>')
