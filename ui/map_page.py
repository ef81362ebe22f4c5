"""The map page: every ward (and, zoomed in or for one district, every block) coloured by
its effective level on the chosen day, drawn by the zone map component (polygons sent
once; a new day only recolours them, in the browser); a date slider and a replay;
district filter and search; the legend's numbers again as a table beneath the map.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd
import streamlit as st

from geo.fastmap import MapHistory, day_row, level_codes, search_mask, search_texts
from geo.labels import fmt_date, fmt_int, level_summary
from geo.map_store import MapFiles, map_files
from i18n import t as tr
from ui import common, state
from ui.components import vxmap

MAX_FOCUS = 300  # areas a search outlines on the map; the table lists them all
MAP_KEY = "vxmap"


@dataclass(frozen=True)
class MapData:
    """One version of the data, as the map and the table use it. Shared by every session
    (st.cache_resource), so nothing here may be changed in place."""

    areas: pd.DataFrame
    made: MapFiles
    files: dict[str, str]  # geometry, base, levels, details: the page's data files
    search: tuple[pd.Series, pd.Series]
    is_ward: np.ndarray
    districts: dict[str, str]
    unmapped_wards: int

    @property
    def history(self) -> MapHistory:
        return self.made.history

    @property
    def notes(self) -> dict:
        return self.made.notes

    @property
    def first(self) -> dt.date:
        return self.history.first_day

    @property
    def last(self) -> dt.date:
        return self.history.first_day + dt.timedelta(days=self.history.days - 1)


@st.cache_resource(show_spinner=False, max_entries=2)
def map_data(url: str, version: tuple) -> MapData:
    """The page's files and grids once per data version and process; made once per data
    version at all, since the store keeps them (geo.map_store)."""
    store = common.get_store(url)
    areas = common.areas(url, version)
    made = map_files(store, areas, common.get_policy())
    files = {name: vxmap.publish(data, name) for name, data in made.files.items()}
    is_ward = (areas["area_type"] == "ward").to_numpy()
    unmapped = int(is_ward[np.asarray(made.undrawn, dtype=np.int64)].sum())
    return MapData(areas, made, files, search_texts(areas), is_ward, districts_of(areas),
                   unmapped)


@st.cache_data(show_spinner=False, max_entries=8)
def report_span(url: str, version: tuple) -> tuple[dt.date, dt.date] | None:
    """First and last day with reports, None without any; cached per data version,
    since the query scans a million rows at city scale."""
    return common.get_store(url).date_range()


def districts_of(areas: pd.DataFrame) -> dict[str, str]:
    named = areas.drop_duplicates("district_code")
    return dict(zip(named["district_code"], named["district_name"], strict=True))


def in_scope(data: MapData, f: state.Filters) -> np.ndarray:
    if not f.district:
        return np.ones(len(data.areas), dtype=bool)
    return (data.areas["district_code"] == f.district).to_numpy()


def area_position(data: MapData, key: str) -> int | None:
    """Position of the area `ward` or `ward/block` (a link's `area`), None if unknown."""
    ward, _, block = key.partition("/")
    hit = np.flatnonzero((data.areas["ward_code"] == ward).to_numpy()
                         & (data.areas["block_code"] == block).to_numpy())
    return int(hit[0]) if len(hit) else None


def found(data: MapData, f: state.Filters) -> np.ndarray:
    """Positions of the areas a search (or a link's area) names, inside the district."""
    if f.area:
        pos = area_position(data, f.area)
        return np.array([] if pos is None else [pos], dtype=np.int64)
    mask = search_mask(data.search, data.is_ward, f.search) & in_scope(data, f)
    return np.flatnonzero(mask)


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


def _from_map(first: dt.date, last: dt.date) -> None:
    value = st.session_state.get(MAP_KEY)
    if isinstance(value, dict):
        state.set_date(value.get("date"), first, last)


def draw_map(data: MapData, f: state.Filters, focus: np.ndarray, lang: str) -> None:
    tiles, attr = common.tiles()
    vxmap.zone_map(
        key=MAP_KEY, on_change=partial(_from_map, data.first, data.last), lang=lang,
        geometry=data.files["geometry"], base=data.files["base"], levels=data.files["levels"],
        details=data.files["details"],
        days=data.history.days, date=f.date.isoformat(), day=day_row(data.history, f.date),
        district=f.district, focus=focus[:MAX_FOCUS].tolist(),
        focus_key=f"{f.area}|{f.search}|{f.district}", policy=common.get_policy().id,
        tiles=tiles, tiles_attr=attr)


def md_text(text: str) -> str:
    """Typed text shown literally inside Streamlit's Markdown (no links, no LaTeX)."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$:])", r"\\\1", text)


def _search_message(focus: np.ndarray, f: state.Filters, lang: str) -> None:
    if f.search and not f.area:
        if len(focus) == 0:
            st.warning(tr("map.page.no_match", lang, query=md_text(f.search)))
        elif len(focus) > MAX_FOCUS:
            st.caption(tr("map.page.too_many", lang, n=len(focus), shown=MAX_FOCUS))
        else:
            st.caption(tr("map.page.matches", lang, n=len(focus)))


def prepared(store, lang: str, page: str, date_key: str):
    """The map's data and the filters from the URL, with their widgets drawn; None (and a
    note) when the store has no reports yet. Shared by the map and the table view."""
    version = common.data_version(store)
    span = report_span(store.url, version)
    if span is None:
        st.info(tr("ui.no_reports", lang))
        return None
    # The filters first: the browser loads their code while the map's data is read.
    districts = districts_of(common.areas(store.url, version))
    f = state.load(*span, districts)
    state.filter_widgets(page, date_key, *span, districts, lang)
    with st.spinner(tr("map.page.preparing", lang)):
        data = map_data(store.url, version)
    return data, f


def render(store, lang: str) -> None:
    ready = prepared(store, lang, "map", "as_of")
    if ready is None:
        return
    data, f = ready
    focus = found(data, f)
    _search_message(focus, f, lang)
    draw_map(data, f, focus, lang)
    st.caption(tr("ui.policy_caption", lang, policy=common.get_policy().id,
                  date=fmt_date(f.date, lang)) + " · " + tr("map.page.blocks_hint", lang))
    if data.unmapped_wards:
        st.caption(tr("ui.no_polygon", lang, n=data.unmapped_wards))
    st.subheader(tr("ui.summary_title", lang))
    st.markdown(summary_markdown(summary_table(data, f, lang), lang))
    state.write_url(f)
