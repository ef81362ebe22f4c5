"""Pure map builders: wards joined to their effective levels, drawn as an offline
folium map (no CDN, no tiles unless asked for), with a pattern, a letter mark and a
legend backing every colour, and every user-supplied text HTML-escaped.
"""

from __future__ import annotations

import datetime as dt

import folium
import geopandas as gpd
import pandas as pd
import shapely
from branca.element import Element, MacroElement
from folium.template import Template
from folium.utilities import JsCode

from geo.style import FILL_OPACITY, esc, fill_for, join_levels, level_summary, pattern_defs
from geo.webmap.assets import offline_map
from i18n import catalogue
from i18n import t as tr
from i18n.formats import fmt_date, fmt_int
from zones.levels import label

# Whole of Vietnam, for a map with no polygons at all.
_VN_CENTRE, _VN_ZOOM = (16.0, 106.0), 5
LEGEND_WIDTH_PX = 250


def _source_text(row, lang: str) -> str:
    """Where the level came from (own report, carried report, blocks' rollup)."""
    source = row["source"]
    if source is None or (not isinstance(source, str) and pd.isna(source)):
        return tr("map.tip.none", lang)
    key = f"map.source.{source}"
    if key not in catalogue(lang):
        return esc(source)
    return esc(tr(key, lang, date=fmt_date(row["report_date"], lang)))


def tooltip_html(row, lang: str = "vi") -> str:
    """The inputs behind one ward's level, as HTML; every stored text is escaped."""
    stale = f" <i>({esc(tr('map.tip.stale', lang))})</i>" if row["stale"] else ""
    lines = [
        f"<b>{esc(row['ward_name'])}</b> <small>{esc(row['ward_code'])}</small>",
        f"{esc(tr('map.tip.level', lang))}: <b>{esc(label(row['level'], lang))}</b>{stale}",
        f"{esc(tr('map.tip.since', lang))}: {fmt_date(row['level_since'], lang)}",
        f"{esc(tr('map.tip.new_cases', lang))}: {fmt_int(row['new_cases'], lang)}",
        f"{esc(tr('map.tip.tests_done', lang))}: {fmt_int(row['tests_done'], lang)}",
        f"{esc(tr('map.tip.population', lang))}: {fmt_int(row['population'], lang)}",
        f"{esc(tr('map.tip.source', lang))}: {_source_text(row, lang)}",
    ]
    if esc(row["note"]):
        lines.append(f"{esc(tr('map.tip.note', lang))}: {esc(row['note'])}")
    return "<br>".join(lines)


def feature_collection(frame: gpd.GeoDataFrame, lang: str = "vi") -> dict:
    """GeoJSON of the wards; properties carry the level and the escaped tooltip."""
    features = []
    for _, row in frame.iterrows():
        point = row.geometry.representative_point()  # inside the polygon, unlike a centroid
        features.append({
            "type": "Feature",
            "id": row["ward_code"],
            "geometry": shapely.geometry.mapping(row.geometry),
            "properties": {
                "ward_code": row["ward_code"], "level": row["level"],
                "stale": bool(row["stale"]), "tip": tooltip_html(row, lang),
                "mark": [point.y, point.x, esc(tr(f"map.short.{row['level']}", lang))],
            },
        })
    return {"type": "FeatureCollection", "features": features}


def ward_style(feature: dict) -> dict:
    p = feature["properties"]
    style = {"fillColor": fill_for(p["level"]), "fillOpacity": FILL_OPACITY,
             "color": "#333333", "weight": 1, "opacity": 1}
    if p["stale"]:  # stale data must look stale: dashed outline, washed-out fill
        style.update(dashArray="5 4", fillOpacity=0.5, weight=2)
    return style


def _highlight(_feature: dict) -> dict:
    return {"weight": 3, "color": "#000000"}


def _swatch(level: str) -> str:
    return (f'<svg width="22" height="14" aria-hidden="true"><rect width="22" height="14" '
            f'fill="{fill_for(level)}" fill-opacity="{FILL_OPACITY}" stroke="#333"/></svg>')


def legend_html(summary: pd.DataFrame, lang: str = "vi", as_of: dt.date | None = None,
                caption: str | None = None) -> str:
    """The legend: swatch, level, wards and population per level; `caption` (plain text,
    escaped here) is a last line, e.g. the policy the levels follow."""
    title = esc(tr("map.legend_title", lang))
    if as_of is not None:
        day = esc(tr("map.legend_as_of", lang, date=fmt_date(as_of, lang)))
        title += f" <small>({day})</small>"
    head = (f"<tr><th></th><th></th><th>{esc(tr('map.legend_wards', lang))}</th>"
            f"<th>{esc(tr('map.legend_population', lang))}</th></tr>")
    rows = "".join(
        f"<tr data-level='{esc(r.level)}'><td>{_swatch(r.level)}</td>"
        f"<td>{esc(r.label)} ({esc(tr(f'map.short.{r.level}', lang))})</td>"
        f"<td class='n'>{fmt_int(r.count, lang)}</td>"
        f"<td class='n'>{fmt_int(r.population, lang)}</td></tr>"
        for r in summary.itertuples()
    )
    foot = f"<div class='vx-foot'>{esc(tr('map.legend_stale', lang))}</div>"
    if caption:
        foot += f"<div class='vx-foot'>{esc(caption)}</div>"
    return f"<div class='vx-title'>{title}</div><table>{head}{rows}</table>{foot}"


_CSS = """<style>
.vx-legend{background:rgba(255,255,255,.95);padding:6px 8px;border-radius:4px;
  box-shadow:0 1px 4px rgba(0,0,0,.4);font:12px/1.35 system-ui,sans-serif;color:#1a1a1a}
.vx-legend .vx-title{font-weight:600;margin-bottom:3px}
.vx-legend td,.vx-legend th{padding:1px 4px;vertical-align:middle}
.vx-legend th{font-weight:500;text-align:right;color:#444}
.vx-legend td.n{text-align:right;font-variant-numeric:tabular-nums}
.vx-legend .vx-foot{margin-top:3px;color:#444}
.vx-mark{font:700 12px system-ui,sans-serif;color:#111;text-align:center;white-space:nowrap;
  text-shadow:0 0 2px #fff,0 0 2px #fff,0 0 3px #fff;pointer-events:none}
.vx-tip{font:12px/1.4 system-ui,sans-serif;width:max-content;max-width:320px;white-space:normal}
.leaflet-container{background:#f4f4f1}
</style>"""


class _Overlay(MacroElement):
    """Legend control and the level marks: our own few lines of Leaflet, no plugin."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function(map) {
            var legend = L.control({position: "bottomright"});
            legend.onAdd = function() {
                var div = L.DomUtil.create("div", "vx-legend");
                div.innerHTML = {{ this.legend|tojson }};
                L.DomEvent.disableClickPropagation(div);
                return div;
            };
            legend.addTo(map);
            var marks = L.layerGroup().addTo(map);
            {{ this.marks|tojson }}.forEach(function(m) {
                L.marker([m[0], m[1]], {interactive: false, keyboard: false, icon: L.divIcon(
                    {className: "vx-mark", html: m[2], iconSize: [28, 14]})}).addTo(marks);
            });
        })({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, legend: str, marks: list):
        super().__init__()
        self._name = "VxOverlay"
        self.legend = legend
        self.marks = marks


_BIND_TIP = JsCode("""function(feature, layer) {
    layer.bindTooltip(feature.properties.tip, {sticky: true, className: "vx-tip"});
}""")


def build_level_map(wards: gpd.GeoDataFrame, levels: pd.DataFrame, *, lang: str = "vi",
                    as_of: dt.date | None = None, tiles: str | None = None,
                    attr: str | None = None, marks: bool = True, title: str | None = None,
                    caption: str | None = None) -> folium.Map:
    """Wards coloured by effective level, with tooltip, level marks and legend.

    wards: `wards_frame(...)` (EPSG:4326); levels: an effective-levels table. `title`
    (the document's <title>) and `caption` (the legend's last line) are plain text.
    """
    frame = join_levels(wards, levels)
    # Quarter zoom steps let fitBounds fill the frame instead of rounding down a level.
    m = offline_map(tiles=tiles, attr=attr, location=_VN_CENTRE, zoom_start=_VN_ZOOM,
                    control_scale=True, zoom_snap=0.25)
    root = m.get_root()
    root.header.add_child(Element(_CSS), name="vx_css")
    if title:
        root.header.add_child(Element(f"<title>{esc(title)}</title>"), name="vx_title")
    root.html.add_child(Element(pattern_defs()), name="vx_patterns")
    fc = feature_collection(frame, lang)
    if fc["features"]:
        folium.GeoJson(fc, name="wards", style_function=ward_style,
                       highlight_function=_highlight, on_each_feature=_BIND_TIP).add_to(m)
        minx, miny, maxx, maxy = frame.total_bounds
        # Room on the right for the legend, so it does not hide wards.
        m.fit_bounds([[miny, minx], [maxy, maxx]], padding_top_left=(20, 20),
                     padding_bottom_right=(LEGEND_WIDTH_PX, 20))
    legend = legend_html(level_summary(frame, lang), lang, as_of, caption)
    points = [f["properties"]["mark"] for f in fc["features"]] if marks else []
    _Overlay(legend, points).add_to(m)
    return m


def render_html(m: folium.Map) -> str:
    """The map as one self-contained HTML document (what the dashboard embeds)."""
    return m.get_root().render()
