"""The zone map component: declared once per process from a folder built at start-up
(geo.webmap.assets.build_component: our page with Leaflet inlined from XStatic), which also holds
the content-addressed data files the page fetches once per data version.

Python sends the names of those files, the day shown and that day's level bytes; the page
answers with the day the user stops the slider or the replay on.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit.components.v1 as components

from data.config import settings
from geo.style import pattern_defs
from geo.webmap.assets import build_component, write_content
from geo.webmap.history import layout_script
from i18n import t as tr
from zones.effective import SOURCES
from zones.levels import LEVELS, RANKED, label

SOURCE_DIR = Path(__file__).resolve().with_name("vxmap")
INITIAL_HEIGHT = 560  # px until the page sets its own height for its width


def cache_root() -> Path:
    """Where built components live: VUNGXANH_CACHE, else a folder in the system temp."""
    return Path(settings.value("VUNGXANH_CACHE") or Path(tempfile.gettempdir()) / "vungxanh")




def page_slots() -> dict[str, str]:
    """What build_component puts into the page besides Leaflet and this folder's files:
    the level patterns and the level cell's bit layout (geo.webmap.history.CELL_LAYOUT)."""
    return {"patterns": pattern_defs(), "layout.js": layout_script()}


FOLDER = build_component(SOURCE_DIR, cache_root() / "components", page_slots())
_component = components.declare_component("vxmap", path=str(FOLDER))


def publish(data: bytes, prefix: str) -> str:
    """Make `data` fetchable by the page; returns its file name (relative to the page)."""
    return write_content(FOLDER, data, prefix)


def component_text(lang: str) -> dict:
    """Every word the page shows, in `lang`; levels and sources in the order of the
    level cell (geo.webmap.history: RANKED, SOURCES)."""
    def keys(prefix: str, names) -> dict:
        return {n: tr(f"{prefix}.{n}", lang) for n in names}

    tip = keys("map.tip", ("level", "stale", "source", "since", "cases7", "cases14",
                           "last_round", "next_due", "overdue", "population", "note",
                           "policy", "loading"))
    return {
        "none": tr("map.tip.none", lang), "error": tr("map.ctl.error", lang),
        "labels": [label(code, lang) for code in RANKED],
        "short": [tr(f"map.short.{code}", lang) for code in RANKED],
        "sources": [tr(f"map.src.{s}", lang) for s in SOURCES],
        "tip": tip,
        "legend": {"title": tr("map.legend_title", lang), "wards": tr("map.legend_wards", lang),
                   "carried": tr("map.legend_carried", lang),
                   "population": tr("map.legend_population", lang),
                   "blocks": tr("map.legend_blocks", lang), "stale": tr("map.legend_stale", lang)},
        "controls": keys("map.ctl", ("play", "pause", "slider", "map", "showing")),
    }


def level_table() -> list[dict]:
    """The levels in the order of the level cell's rank, as the page styles them."""
    return [{"code": c, "colour": LEVELS[c].colour, "pattern": LEVELS[c].pattern}
            for c in RANKED]


def zone_map(*, key: str, on_change, lang: str, **args):
    """Mount the map. `args`: geometry, base, levels, details (file names), days, date
    (ISO), day (bytes), district, focus (area positions), focus_key, policy, tiles,
    tiles_attr."""
    return _component(key=key, on_change=on_change, default=None, lang=lang,
                      text=component_text(lang), level_table=level_table(),
                      height=INITIAL_HEIGHT, **args)
