"""The map page: wards coloured by their effective level on a chosen day, the summary
per level, and the same data as a table for keyboard and screen-reader users."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from geo.mapbuild import build_level_map, fmt_date, level_summary, render_html, ward_levels
from i18n import t as tr
from ui import common
from zones.levels import label

MAP_HEIGHT = 580


@st.cache_data(show_spinner=False, max_entries=32)
def map_html(url: str, version: tuple, as_of: dt.date, lang: str,
             tiles: str | None, attr: str | None) -> str:
    levels = common.levels_on(url, version, as_of)
    m = build_level_map(common.wards(url, version), levels, lang=lang, as_of=as_of,
                        tiles=tiles, attr=attr)
    return render_html(m)


def summary_table(levels: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Wards, their population and blocks per level: what the legend says, for all wards
    (with or without a polygon) and for blocks too."""
    wards = level_summary(ward_levels(levels), lang)
    blocks = level_summary(levels[levels["area_type"] == "block"], lang)
    return pd.DataFrame({
        tr("ui.col.level", lang): wards["label"],
        tr("ui.col.wards", lang): wards["count"],
        tr("ui.col.population", lang): wards["population"],
        tr("ui.col.blocks", lang): blocks["count"],
    })


def ward_table(levels: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One row per ward; st.dataframe shows notes as plain text, never as HTML."""
    w = ward_levels(levels)
    return pd.DataFrame({
        tr("ui.col.ward_code", lang): w["ward_code"],
        tr("ui.col.ward_name", lang): w["ward_name"],
        tr("ui.col.district", lang): w["district_name"],
        tr("ui.col.level", lang): [label(c, lang) for c in w["level"]],
        tr("ui.col.since", lang): [fmt_date(d, lang) for d in w["level_since"]],
        tr("ui.col.stale", lang): w["stale"],
        tr("ui.col.new_cases", lang): w["new_cases"],
        tr("ui.col.tests_done", lang): w["tests_done"],
        tr("ui.col.note", lang): w["note"].fillna(""),
    }).reset_index(drop=True)


def render(store, lang: str) -> None:
    span = store.date_range()
    if span is None:
        st.info(tr("ui.no_reports", lang))
        return
    first, last = span
    as_of = st.date_input(tr("ui.date", lang), value=last, min_value=first, max_value=last,
                          format="DD/MM/YYYY", key="as_of")
    url, version = store.url, common.data_version(store)
    levels = common.levels_on(url, version, as_of)
    st.caption(tr("ui.policy_caption", lang, policy=common.get_policy().id,
                  date=fmt_date(as_of, lang)))
    html = map_html(url, version, as_of, lang, *common.tiles())
    st.iframe(html, height=MAP_HEIGHT, alt=tr("ui.map_alt", lang, date=fmt_date(as_of, lang)))
    unmapped = len(ward_levels(levels)) - len(common.wards(url, version))
    if unmapped > 0:
        st.caption(tr("ui.no_polygon", lang, n=unmapped))
    left, right = st.columns([1, 2])
    with left:
        st.subheader(tr("ui.summary_title", lang))
        st.dataframe(summary_table(levels, lang), hide_index=True)
    with right:
        st.subheader(tr("ui.table_title", lang))
        st.dataframe(ward_table(levels, lang), hide_index=True, height=320)
