"""The map's data as the map and the table pages share it: one version of the areas, the
map's kept files and search texts per data version and process, and the filters from the
URL with their widgets drawn."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

from data.store.map_files import MapFiles, map_files
from geo.webmap.history import MapHistory
from geo.webmap.payload import search_mask, search_texts
from i18n import t as tr
from ui import common, state
from ui.components import vxmap
from zones.tiers import group_names, tier_label, unit_groups


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
    version at all, since the store keeps them (data.store.map_files)."""
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
    """The filter's choices: districts, or (a ward without one) its province."""
    return group_names(areas)


def in_scope(data: MapData, f: state.Filters) -> np.ndarray:
    if not f.district:
        return np.ones(len(data.areas), dtype=bool)
    return (unit_groups(data.areas) == f.district).to_numpy()


def area_positions(data: MapData, keys: str) -> np.ndarray:
    """Positions of the areas of a link's `area`: keys `ward` or `ward/block`, separated
    by commas (the morning view links to all the areas of one of its lists); unknown keys
    are left out."""
    wanted = [k.strip().partition("/") for k in keys.split(",") if k.strip()]
    if not wanted:
        return np.array([], dtype=np.int64)
    index = pd.MultiIndex.from_arrays([data.areas["ward_code"], data.areas["block_code"]])
    at = index.get_indexer(pd.MultiIndex.from_tuples([(w, b) for w, _, b in wanted]))
    return np.unique(at[at >= 0]).astype(np.int64)


def found(data: MapData, f: state.Filters) -> np.ndarray:
    """Positions of the areas a search (or a link's areas) names, inside the district."""
    if f.area:
        return area_positions(data, f.area)
    mask = search_mask(data.search, data.is_ward, f.search) & in_scope(data, f)
    return np.flatnonzero(mask)


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
    state.filter_widgets(page, date_key, *span, districts, lang,
                         tier=tier_label(common.areas(store.url, version)))
    with st.spinner(tr("map.page.preparing", lang)):
        data = map_data(store.url, version)
    return data, f
