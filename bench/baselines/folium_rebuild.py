"""The map benchmark's baseline (bench/map_speed.py): a folium map of every ward and block
rebuilt for each day shown, and GeoDataFrame.explore()'s page for the payload."""

from __future__ import annotations

import datetime as dt
import time

import geopandas as gpd
from common import ROOT  # noqa: F401  (puts the repository on sys.path for the imports below)

from geo.htmlmap.folium_map import build_level_map, render_html
from zones.effective import effective_levels


def naive_frame(p: dict, levels) -> tuple[gpd.GeoDataFrame, object]:
    """Wards and blocks as features of one folium map (each keyed by its full code)."""
    areas, drawn = p["areas"], [g is not None for g in p["geoms"]]
    key = areas["ward_code"] + areas["block_code"].map(lambda b: f"/{b}" if b else "")
    frame = gpd.GeoDataFrame({
        "ward_code": key, "ward_name": areas["ward_name"].where(
            areas["block_code"] == "", areas["block_name"]),
        "population": areas["population"]}, geometry=list(p["geoms"]), crs="EPSG:4326")[drawn]
    return frame, levels.assign(ward_code=key, area_type="ward", block_code="")


def naive_change(p: dict, day: dt.date) -> tuple[str, float]:
    """The baseline's date change: that day's levels, a new folium map, its HTML."""
    t0 = time.perf_counter()
    levels = effective_levels(p["areas"], p["reports"][p["reports"]["date"] <= day], day,
                              p["policy"])
    frame, lv = naive_frame(p, levels)
    html = render_html(build_level_map(frame, lv, as_of=day, marks=False))
    return html, time.perf_counter() - t0


def explore_html(gdf: gpd.GeoDataFrame) -> tuple[bytes, str]:
    """GeoDataFrame.explore()'s page; without its optional packages (matplotlib,
    mapclassify), the folium.GeoJson map with tooltips it would have built."""
    fields = ["ward_code", "ward_name", "level"]
    try:
        m = gdf.explore(column="level", tooltip=fields)
        how = "GeoDataFrame.explore() HTML"
    except ImportError:
        import folium

        m = folium.Map()
        folium.GeoJson(gdf, tooltip=folium.GeoJsonTooltip(fields)).add_to(m)
        how = "explore()-like folium.GeoJson HTML (no mapclassify here)"
    return m.get_root().render().encode("utf-8"), how
