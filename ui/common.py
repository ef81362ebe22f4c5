"""What every page shares: the store and policy (cached for the process), the data read
from the store (cached until an upload changes it), the language, the first-run demo."""

from __future__ import annotations

import datetime as dt
import threading
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from data.config import clock, settings
from data.config.policy_files import load_policy
from data.store.database import Store
from geo.style import wards_frame
from i18n import DEFAULT_LANGUAGE, LANGUAGES
from i18n import t as tr
from zones.policy import Policy

if TYPE_CHECKING:  # geopandas is imported where it is used: the map page needs none
    import geopandas as gpd

LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English"}  # each in its own language


def db_url() -> str:
    """The store: DATABASE_URL, or the file DATABASE_URL_FILE names, as for the CLI
    (data.config.settings.database_url); VUNGXANH_DB is an older name for DATABASE_URL."""
    return settings.database_url(legacy=True)


def today_vn() -> dt.date:
    """Today in Vietnam: uploads dated after it are refused (SPEC)."""
    return clock.today_vn()


# The pages of the navigation by url path (app.navigation fills it on every run), for
# st.page_link: a link to a page built from a function needs its Page object.
PAGES: dict[str, st.Page] = {}


def page_link(path: str, label: str, params: dict[str, str]) -> None:
    """A link to the page at /<path> with these query parameters (a URL one can send)."""
    target = PAGES.get(path)
    if target is not None:
        st.page_link(target, label=label, query_params=params, icon=":material/arrow_forward:")


def tiles() -> tuple[str | None, str | None]:
    """Optional base tiles (URL template, attribution); none by default, so the map works
    with no internet."""
    return settings.value("VUNGXANH_TILES"), settings.value("VUNGXANH_TILES_ATTR")


@st.cache_resource(show_spinner=False)
def get_store(url: str) -> Store:
    return Store(url)


@st.cache_resource(show_spinner=False)
def get_policy() -> Policy:
    return load_policy()


@st.cache_resource(show_spinner=False)
def _demo_lock(url: str) -> threading.Lock:
    # Two first visitors must not both load the demo into one empty store.
    return threading.Lock()


def data_version(store: Store) -> tuple[int, ...]:
    """The cache key of everything read below: changes whenever an upload, a round, an
    area or a polygon is stored (Store.data_version; a few index lookups a rerun)."""
    return store.data_version()


@st.cache_data(show_spinner=False, max_entries=8)
def areas(url: str, version: tuple) -> pd.DataFrame:
    return get_store(url).areas()


@st.cache_data(show_spinner=False, max_entries=8)
def wards(url: str, version: tuple) -> gpd.GeoDataFrame:
    store = get_store(url)
    return wards_frame(store.areas(), store.geometries("ward"))


def language() -> str:
    """The sidebar's language switch; Vietnamese unless the user picks English."""
    lang = st.session_state.get("lang", DEFAULT_LANGUAGE)
    return st.sidebar.radio(tr("ui.language", lang), LANGUAGES, key="lang",
                            format_func=LANGUAGE_NAMES.get, horizontal=True)


def ensure_demo(store: Store, lang: str) -> None:
    """Fill an empty store with the demo city, showing progress, so that a first start
    opens on a working dashboard (not a read-only one: it is shown as it is)."""
    if store.read_only or store.count("wards"):
        return
    from data.demo.city import generate_demo, load_demo  # only needed on a first start

    with _demo_lock(store.url):
        if store.count("wards"):
            return
        bar = st.progress(0.0, text=tr("ui.demo_loading", lang))

        def phase(start: float):
            def tick(done: int, total: int, label: str) -> None:
                share = start + 0.5 * min(done / max(total, 1), 1.0)
                bar.progress(share, text=tr("ui.demo_step", lang, label=label))
            return tick

        city = generate_demo(policy=get_policy(), progress=phase(0.0))
        load_demo(store, city, progress=phase(0.5))
        bar.empty()
    st.cache_data.clear()
    st.toast(tr("ui.demo_done", lang))
