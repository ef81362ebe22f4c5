"""A static map of a report's scope, coloured by zone level, for Word and PDF: legend,
scale bar, north arrow and area labels, drawn with matplotlib alone (no tiles, no
internet) and readable when printed in black and white.

On paper in grey, green (#009E73) and red (#D55E00) print as nearly the same grey, so
here every level has its own hatching as well as its colour, and every label carries the
level's letter; the web map's patterns (zones.levels) only mark two levels, which is
enough on a screen.
"""

from __future__ import annotations

import datetime as dt
import io
import math

import geopandas as gpd
import pandas as pd
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle
from matplotlib.patheffects import withStroke

from geo.style import join_levels, wards_frame
from i18n import t as tr
from zones.levels import LEGEND_ORDER, LEVELS, label

# One hatching a level, told apart in grey print: none, horizontal lines, diagonal
# lines, cross-hatching (SPEC: phong tỏa is cross-hatched) and dots (SPEC: no data).
PRINT_HATCH = {"xanh": "", "da_cam": "---", "do": "///", "phong_toa": "xxx", "unknown": "..."}
# Drawn at the size it is printed (15 × 12.5 cm on an A4 page with official margins, under
# the header of page 1), so its type sizes are the sizes on paper.
WIDTH_IN = 5.9
MAX_HEIGHT_IN = 4.9
DPI = 200
EDGE = "#333333"
_PREFIXES = ("Phường ", "Xã ", "Thị trấn ", "Tổ dân phố ", "Khu phố ")


def hatch_ink(colour: str) -> str:
    """Hatching that shows on the fill: white on a dark colour, near-black on a light one."""
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return "#FFFFFF" if 0.299 * r + 0.587 * g + 0.114 * b < 140 else "#1A1A1A"


def _ward_geoms(areas, ward_geoms, levels) -> gpd.GeoDataFrame:
    wards = join_levels(wards_frame(areas, ward_geoms), levels)
    return wards.assign(name=wards["ward_name"], group=wards["district_code"])


def _block_geoms(areas, block_geoms, levels) -> gpd.GeoDataFrame:
    keys = ["ward_code", "block_code"]
    wkb = [bytes(b) for b in block_geoms["geometry"]]
    frame = gpd.GeoDataFrame(block_geoms[keys].copy(), geometry=shapely.from_wkb(wkb),
                             crs="EPSG:4326")
    named = areas.loc[areas["area_type"] == "block", [*keys, "block_name"]]
    frame = frame.merge(named, on=keys).merge(levels[[*keys, "level"]], on=keys, how="left")
    frame["level"] = frame["level"].fillna("unknown")
    return frame.assign(name=frame["block_name"], group=frame["ward_code"])


def scope_map_frame(areas: pd.DataFrame, ward_geoms: pd.DataFrame, block_geoms: pd.DataFrame,
                    levels: pd.DataFrame, scope_kind: str) -> gpd.GeoDataFrame:
    """The polygons to draw (EPSG:4326) with name, level and group (the unit whose
    outline is drawn bold): a ward scope shows its blocks when they have polygons, any
    other scope its wards. An area with no level row is unknown, never green."""
    cols = ["name", "level", "group", "geometry"]
    if scope_kind == "ward" and not block_geoms.empty:
        wanted = block_geoms[block_geoms["ward_code"].isin(set(areas["ward_code"]))]
        if not wanted.empty:
            return _block_geoms(areas, wanted, levels)[cols]
    if ward_geoms.empty:
        return gpd.GeoDataFrame(columns=cols, geometry="geometry", crs="EPSG:4326")
    return _ward_geoms(areas, ward_geoms, levels)[cols]


def short_name(name: str) -> str:
    """A label without the unit word: 'Phường Thới Đức' → 'Thới Đức'; 'Tổ dân phố 3' → '3'
    stays readable as 'Tổ 3'."""
    if name.startswith("Tổ dân phố "):
        return "Tổ " + name.removeprefix("Tổ dân phố ")
    for prefix in _PREFIXES:
        if name.startswith(prefix):
            return name.removeprefix(prefix)
    return name


def _nice_length(span_m: float) -> float:
    """The longest 1, 2 or 5 × 10^k metres within a quarter of the map's width."""
    target = span_m / 4
    power = 10 ** math.floor(math.log10(target))
    return max(m * power for m in (1, 2, 5) if m * power <= target)


def _scale_bar(ax, lang: str, below: float) -> None:
    """A two-part bar in the band under the areas (its top at `below`), labels beneath."""
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    length = _nice_length(x1 - x0)
    height = 0.012 * (y1 - y0)
    left, base = x0 + 0.04 * (x1 - x0), below - 0.01 * (y1 - y0) - height
    for i, fill in enumerate(("black", "white")):
        ax.add_patch(Rectangle((left + i * length / 2, base), length / 2, height,
                               facecolor=fill, edgecolor="black", linewidth=0.6, zorder=5))
    text = (tr("report.map.scale_km", lang, n=f"{length / 1000:g}") if length >= 1000
            else tr("report.map.scale_m", lang, n=f"{length:g}"))
    for x, s in ((left, "0"), (left + length, text)):
        ax.text(x, base - 0.6 * height, s, ha="center", va="top", fontsize=7, zorder=5)


def _north_arrow(ax, lang: str) -> None:
    # The map is drawn in UTM, where grid north is within a degree of true north here.
    # It stands in the band left empty above the areas (level_map_figure), so it never
    # hides one.
    ax.annotate("", xy=(0.96, 0.975), xytext=(0.96, 0.905), xycoords="axes fraction",
                arrowprops={"facecolor": "black", "edgecolor": "black", "width": 2.5,
                            "headwidth": 9, "headlength": 8}, zorder=5)
    ax.text(0.935, 0.94, tr("report.map.north", lang), transform=ax.transAxes, ha="right",
            va="center", fontsize=10, fontweight="bold", zorder=5)


def _draw_levels(ax, frame: gpd.GeoDataFrame) -> dict[str, int]:
    counts = {}
    for code in LEGEND_ORDER:
        part = frame[frame["level"] == code]
        counts[code] = len(part)
        if part.empty:
            continue
        lv = LEVELS[code]
        part.plot(ax=ax, facecolor=lv.colour, edgecolor=EDGE, linewidth=0.5,
                  hatch=PRINT_HATCH[code], hatchcolor=hatch_ink(lv.colour), zorder=1)
    return counts


def _labels(ax, frame: gpd.GeoDataFrame, lang: str) -> None:
    size = 8 if len(frame) <= 25 else 6
    halo = [withStroke(linewidth=2.2, foreground="white")]
    for row in frame.itertuples(index=False):
        point = row.geometry.representative_point()
        short = tr(f"map.short.{row.level}", lang)
        ax.text(point.x, point.y, f"{short_name(row.name)}\n({short})", ha="center",
                va="center", fontsize=size, path_effects=halo, zorder=4, linespacing=1.1)


def _legend(fig: Figure, counts: dict[str, int], lang: str, as_of: dt.date) -> None:
    handles = [Patch(facecolor=LEVELS[c].colour, edgecolor=EDGE, hatch=PRINT_HATCH[c],
                     label=f"{tr(f'map.short.{c}', lang)}  {label(c, lang)}: {counts[c]}")
               for c in LEGEND_ORDER]
    for h, c in zip(handles, LEGEND_ORDER, strict=True):
        h.set_hatchcolor(hatch_ink(LEVELS[c].colour))
    date = as_of.strftime("%d/%m/%Y") if lang == "vi" else as_of.isoformat()
    fig.legend(handles=handles, loc="lower center", ncol=3, frameon=False, fontsize=8,
               title=tr("report.map.legend_title", lang, date=date), title_fontsize=8.5,
               handlelength=2.6, handleheight=1.6, columnspacing=1.4)


def level_map_figure(frame: gpd.GeoDataFrame, lang: str, as_of: dt.date) -> Figure:
    """The map as a matplotlib Figure (no pyplot: no global state, safe in a server)."""
    metric = frame.to_crs(frame.estimate_utm_crs())
    x0, y0, x1, y1 = metric.total_bounds
    pad_x, pad_y = 0.05 * (x1 - x0), 0.05 * (y1 - y0)
    # Bands above and below the areas hold the north arrow and the scale bar, so
    # neither ever hides an area.
    top = 0.14 * max(y1 - y0, x1 - x0)
    bottom = pad_y + 0.10 * max(y1 - y0, x1 - x0)
    aspect = (y1 - y0 + bottom + top) / (x1 - x0 + 2 * pad_x)
    legend_in = 0.9
    height = min(WIDTH_IN * aspect + legend_in, MAX_HEIGHT_IN)
    fig = Figure(figsize=(WIDTH_IN, height), dpi=DPI)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.02, legend_in / height, 0.96, 1 - legend_in / height - 0.01))
    counts = _draw_levels(ax, metric)
    outline = metric.dissolve("group").boundary
    outline.plot(ax=ax, color="black", linewidth=1.3, zorder=3)
    ax.set_xlim(x0 - pad_x, x1 + pad_x)
    ax.set_ylim(y0 - bottom, y1 + top)
    ax.set_aspect("equal", adjustable="box")
    ax.set_axis_off()
    _labels(ax, metric, lang)
    _scale_bar(ax, lang, below=y0 - 0.5 * pad_y)
    _north_arrow(ax, lang)
    _legend(fig, counts, lang, as_of)
    return fig


def map_png(frame: gpd.GeoDataFrame, lang: str, as_of: dt.date, dpi: int = DPI) -> bytes:
    """The map as PNG bytes (white background, so it prints as drawn)."""
    fig = level_map_figure(frame, lang, as_of)
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=dpi, facecolor="white")
    return out.getvalue()
