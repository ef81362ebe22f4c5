"""The map page: every ward (and, zoomed in or for one district, every block) coloured by
its effective level on the chosen day, drawn by the zone map component (polygons sent
once; a new day only recolours them, in the browser); a date slider and a replay;
district filter and search; the deployment's base layer when its toggle is on; the
legend's numbers again as a table beneath the map, and the map in words (the wards at
each level, the areas found) for screen readers and for reading; the day's map as one
offline HTML file to send on, made only when asked for.
"""

from __future__ import annotations

import datetime as dt
from functools import partial

import numpy as np
import pandas as pd
import streamlit as st

from geo.style import level_summary
from geo.webmap.history import RANK_MASK, STALE_BIT, day_row, level_codes
from i18n import t as tr
from i18n.formats import fmt_date, fmt_int
from ui import common, state
from ui.components import vxmap
from ui.map_data import MapData, found, in_scope, prepared
from ui.markdown import md_text
from zones.levels import LEGEND_ORDER, label
from zones.tiers import tier_label

MAX_FOCUS = 300  # areas a search outlines on the map; the table lists them all
MAX_NAMED = 15  # ward names per level in the map in words
MAX_FOCUS_TEXT = 30  # areas found listed in words; the table lists them all
MAP_KEY = "vxmap"
TILES_KEY = "map_tiles"


def summary_table(data: MapData, f: state.Filters, lang: str) -> pd.DataFrame:
    """Wards, their population and blocks per level on the day, in the district: the
    legend's numbers, for all wards (with or without a polygon) and blocks."""
    frame = data.areas[["area_type", "population"]].assign(
        level=level_codes(data.history.codes[data.history.day(f.date)]))[in_scope(data, f)]
    wards = level_summary(frame[frame["area_type"] == "ward"], lang)
    blocks = level_summary(frame[frame["area_type"] == "block"], lang)
    return pd.DataFrame({
        tr("ui.col.level", lang): wards["label"],
        tr("ui.col.wards", lang): wards["count"],
        tr("ui.col.population", lang): wards["population"],
        tr("ui.col.blocks", lang): blocks["count"],
    })


def summary_markdown(table: pd.DataFrame, lang: str) -> str:
    """`summary_table` as a Markdown table: drawn with the page's text, where a data grid
    would first load its own code and hold up the map beside it."""
    def cell(value) -> str:
        return fmt_int(value, lang) if isinstance(value, int | np.integer) else md_text(str(value))

    head = "| " + " | ".join(md_text(str(c)) for c in table.columns) + " |"
    rule = "| --- |" + " ---: |" * (len(table.columns) - 1)
    rows = ["| " + " | ".join(cell(v) for v in row) + " |"
            for row in table.itertuples(index=False)]
    return "\n".join([head, rule, *rows])


def _names(names: list[str], lang: str) -> str:
    shown = ", ".join(md_text(n) for n in names[:MAX_NAMED])
    more = len(names) - MAX_NAMED
    return shown + (" " + tr("map.text.more", lang, n=more) if more > 0 else "")


def map_in_words(data: MapData, f: state.Filters, focus: np.ndarray, lang: str) -> str:
    """The map as text (Markdown): the wards of the district at each level on the day,
    most severe first, by name; then the areas a search or a link found, each with its
    level. Names are typed text, shown literally."""
    row = data.history.codes[data.history.day(f.date)]
    codes, wards = level_codes(row), data.is_ward & in_scope(data, f)
    names = data.areas["ward_name"].astype(str).to_numpy()
    lines = []
    for code in LEGEND_ORDER:
        hit = np.flatnonzero(wards & (codes == code))
        if len(hit):
            lines.append("- " + tr("map.text.level", lang, level=label(code, lang),
                                   n=fmt_int(len(hit), lang),
                                   names=_names(sorted(names[hit].tolist()), lang)))
    if len(focus):
        lines.append("\n**" + tr("map.text.found", lang) + "**\n")
        lines += [_found_line(data, int(a), row, lang) for a in focus[:MAX_FOCUS_TEXT]]
        if len(focus) > MAX_FOCUS_TEXT:
            lines.append("- " + tr("map.text.found_more", lang, n=len(focus) - MAX_FOCUS_TEXT))
    return "\n".join(lines)


def _found_line(data: MapData, a: int, row: np.ndarray, lang: str) -> str:
    area = data.areas.iloc[a]
    block = area["area_type"] != "ward"
    name = f"{area['block_name']}, {area['ward_name']}" if block else area["ward_name"]
    key = f"{area['ward_code']}/{area['block_code']}" if block else area["ward_code"]
    level = label(level_codes(row[a:a + 1])[0], lang)
    if row[a] & STALE_BIT:
        level += " (" + tr("map.text.stale", lang) + ")"
    return "- " + tr("map.text.area", lang, name=md_text(str(name)), key=md_text(str(key)),
                     level=level)


def _from_map(first: dt.date, last: dt.date) -> None:
    value = st.session_state.get(MAP_KEY)
    if isinstance(value, dict):
        state.set_date(value.get("date"), first, last)


def base_layer(lang: str) -> tuple[str | None, str | None]:
    """The deployment's tiles (VUNGXANH_TILES) when the reader turns them on; off by
    default, and no toggle at all where none are set."""
    tiles, attr = common.tiles()
    if not tiles:
        return None, None
    on = st.toggle(tr("map.page.base_layer", lang), value=False, key=TILES_KEY,
                   help=tr("map.page.base_layer_help", lang, source=md_text(attr or tiles)))
    return (tiles, attr) if on else (None, None)


def draw_map(data: MapData, f: state.Filters, focus: np.ndarray, lang: str) -> None:
    tiles, attr = base_layer(lang)
    vxmap.zone_map(
        key=MAP_KEY, on_change=partial(_from_map, data.first, data.last), lang=lang,
        geometry=data.files["geometry"], base=data.files["base"], levels=data.files["levels"],
        details=data.files["details"],
        days=data.history.days, date=f.date.isoformat(), day=day_row(data.history, f.date),
        district=f.district, focus=focus[:MAX_FOCUS].tolist(),
        focus_key=f"{f.area}|{f.search}|{f.district}", policy=common.get_policy().id,
        tiles=tiles, tiles_attr=attr)


@st.cache_data(show_spinner=False, max_entries=4)
def day_map_file(url: str, version: tuple, day: dt.date, lang: str) -> bytes:
    """The offline HTML map of `day` (data.exports.map_html), made when the button is
    pressed, on Streamlit's worker thread, then kept per data version, day and language."""
    from data.exports.map_html import day_map_html  # folium only once a file is asked for

    return day_map_html(common.get_store(url), day, common.get_policy(), lang)


def _download(store, data: MapData, f: state.Filters, lang: str) -> None:
    if not (data.history.codes[data.history.day(f.date)] & RANK_MASK).any():
        st.caption(tr("htmlmap.no_levels", lang, date=fmt_date(f.date, lang)))
        return
    url, version, day = store.url, common.data_version(store), f.date
    st.download_button(tr("htmlmap.download", lang),
                       data=lambda: day_map_file(url, version, day, lang),
                       file_name=f"ban-do-cap-do_{day.isoformat()}.html", mime="text/html",
                       on_click="ignore", key="map_html_download",
                       help=tr("htmlmap.download_help", lang))


def _search_message(focus: np.ndarray, f: state.Filters, lang: str) -> None:
    if f.search and not f.area:
        if len(focus) == 0:
            st.warning(tr("map.page.no_match", lang, query=md_text(f.search)))
        elif len(focus) > MAX_FOCUS:
            st.caption(tr("map.page.too_many", lang, n=len(focus), shown=MAX_FOCUS))
        else:
            st.caption(tr("map.page.matches", lang, n=len(focus)))


def render(store, lang: str) -> None:
    ready = prepared(store, lang, "map", "as_of")
    if ready is None:
        return
    data, f = ready
    focus = found(data, f)
    _search_message(focus, f, lang)
    draw_map(data, f, focus, lang)
    st.caption(tr("ui.policy_caption", lang, policy=common.get_policy().id,
                  date=fmt_date(f.date, lang)) + " · "
               + tr(f"map.page.blocks_hint_{tier_label(data.areas)}", lang))
    if data.unmapped_wards:
        st.caption(tr("ui.no_polygon", lang, n=data.unmapped_wards))
    _download(store, data, f, lang)
    st.subheader(tr("ui.summary_title", lang))
    st.markdown(summary_markdown(summary_table(data, f, lang), lang))
    st.subheader(tr("map.text.title", lang, date=fmt_date(f.date, lang)))
    st.markdown(map_in_words(data, f, focus, lang))
    state.write_url(f)
