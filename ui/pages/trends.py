"""The trends page: areas and people at each level over time (stacked, in the level
colours, legend in the user's language), for the city or one district, with the target
deadlines drawn in; then new cases and tests. Figures come from data.services.figures; the page
only reshapes them for Altair."""

from __future__ import annotations

import datetime as dt

import altair as alt
import pandas as pd
import streamlit as st

from data.config.policy_files import load_targets
from data.exports.levels import csv_bytes
from data.services.figures import trends_between
from i18n import t as tr
from i18n.formats import fmt_date
from ui import auth_gate, common
from zones.levels import LEVELS, RANKED, label
from zones.target_file import TargetsError
from zones.tiers import group_names, tier_label
from zones.trends import Trends, trends_table

DEFAULT_DAYS = 60
STACK = [*RANKED[1:], RANKED[0]]  # least severe at the bottom, no data on top
AXIS_FORMAT = {"vi": "%d/%m", "en": "%d %b"}
# Vega writes numbers the English way unless told: Vietnamese groups thousands with "."
NUMBER_LOCALE = {"vi": {"decimal": ",", "thousands": ".", "grouping": [3],
                        "currency": ["", " ₫"]},
                 "en": {"decimal": ".", "thousands": ",", "grouping": [3],
                        "currency": ["$", ""]}}
HEIGHT = 260


@st.cache_data(show_spinner=False, max_entries=16)
def trends(url: str, version: tuple, start: dt.date, end: dt.date,
           district: str | None) -> Trends:
    # One group: the district asked for, or the whole province (the city).
    by = "district_code" if district else "province_code"
    return trends_between(common.get_store(url), start, end, common.get_policy(),
                          district=district, by=by, areas=common.areas(url, version))


def level_frame(t: Trends, unit: str, lang: str) -> pd.DataFrame:
    """date, day (as written in `lang`), level, label, order, value: one row per day and
    level, the groups added up."""
    d = t.levels.groupby(["date", "level"], as_index=False)[unit].sum()
    return pd.DataFrame({
        "date": pd.to_datetime(d["date"]), "day": [fmt_date(x, lang) for x in d["date"]],
        "level": d["level"], "label": [label(c, lang) for c in d["level"]],
        "order": [STACK.index(c) for c in d["level"]], "value": d[unit],
    })


def deadline_frame(start: dt.date, end: dt.date, lang: str) -> pd.DataFrame:
    """One row per target deadline within start…end, naming the targets due that day."""
    due: dict[dt.date, list[str]] = {}
    try:
        targets = load_targets()
    except (OSError, TargetsError):  # the targets page names the problems; no rules here
        targets = []
    for t in targets:
        if start <= t.deadline <= end:
            due.setdefault(t.deadline, []).append(t.title_vi if lang == "vi" else t.title_en)
    return pd.DataFrame({"date": pd.to_datetime(list(due)),
                         "day": [fmt_date(d, lang) for d in due],
                         "short": [tr("pages.trends.due", lang, date=f"{d:%d/%m}") for d in due],
                         "targets": ["; ".join(v) for v in due.values()]})


def stacked_chart(data: pd.DataFrame, deadlines: pd.DataFrame, y_title: str,
                  lang: str) -> alt.LayerChart:
    colours = alt.Scale(domain=[label(c, lang) for c in STACK],
                        range=[LEVELS[c].colour for c in STACK])
    x = alt.X("date:T", title=None, axis=alt.Axis(format=AXIS_FORMAT[lang]))
    area = alt.Chart(data).mark_area().encode(
        x=x, y=alt.Y("value:Q", stack="zero", title=y_title),
        color=alt.Color("label:N", scale=colours, sort=[label(c, lang) for c in STACK],
                        legend=alt.Legend(title=tr("pages.col.level", lang), orient="bottom")),
        order=alt.Order("order:Q", sort="ascending"),
        tooltip=[alt.Tooltip("day:N", title=tr("pages.col.date", lang)),
                 alt.Tooltip("label:N", title=tr("pages.col.level", lang)),
                 alt.Tooltip("value:Q", title=y_title, format=",")])
    due = alt.Chart(deadlines).encode(
        x=x, tooltip=[alt.Tooltip("day:N", title=tr("pages.trends.deadline", lang)),
                      alt.Tooltip("targets:N", title=tr("pages.trends.targets", lang))])
    rules = due.mark_rule(color="#333333", strokeDash=[5, 3])
    # Named at the top, so the rule reads without hovering (no hover on a phone).
    names = due.mark_text(align="left", baseline="top", dx=3, dy=2, fontSize=11,
                          color="#333333").encode(y=alt.value(0), text="short:N")
    return styled(area + rules + names, lang)


def styled(chart, lang: str):
    return chart.properties(height=HEIGHT).configure(locale={"number": NUMBER_LOCALE[lang]})


def counts_charts(t: Trends, lang: str) -> tuple[alt.Chart, alt.Chart]:
    d = t.counts.groupby("date", as_index=False)[["new_cases", "tests_done"]].sum()
    d = d.assign(day=[fmt_date(x, lang) for x in d["date"]], date=pd.to_datetime(d["date"]))
    x = alt.X("date:T", title=None, axis=alt.Axis(format=AXIS_FORMAT[lang]))
    out = []
    for field, mark in (("new_cases", "bar"), ("tests_done", "line")):
        title = tr(f"pages.col.{field}", lang)
        chart = getattr(alt.Chart(d), f"mark_{mark}")(color="#0072B2")
        out.append(chart.encode(x=x, y=alt.Y(f"{field}:Q", title=title), tooltip=[
            alt.Tooltip("day:N", title=tr("pages.col.date", lang)),
            alt.Tooltip(f"{field}:Q", title=title, format=",")]).properties(height=200)
            .configure(locale={"number": NUMBER_LOCALE[lang]}))
    return out[0], out[1]


def _controls(areas: pd.DataFrame, span: tuple[dt.date, dt.date], lang: str):
    names = group_names(areas)  # districts, or the province of wards without one
    tier = tier_label(areas)
    left, mid, right = st.columns([2, 2, 1])
    district = left.selectbox(tr(f"pages.col.{tier}", lang), [None, *sorted(names)],
                              format_func=lambda c: names.get(c) or tr(f"pages.all_{tier}s",
                                                                       lang),
                              key="trends_district")
    first = max(span[0], span[1] - dt.timedelta(days=DEFAULT_DAYS - 1))
    picked = mid.date_input(tr("pages.trends.range", lang), value=(first, span[1]),
                            min_value=span[0], max_value=span[1], format="DD/MM/YYYY",
                            key="trends_range")
    unit = right.radio(tr("pages.trends.count", lang), ("wards", "blocks"), horizontal=True,
                       format_func=lambda u: tr(f"pages.trends.unit.{u}", lang),
                       key="trends_unit")
    return district, picked, unit


def render(store, lang: str) -> None:
    span = store.date_range()
    if span is None:
        st.info(tr("pages.no_reports", lang))
        return
    url, version = store.url, common.data_version(store)
    district, picked, unit = _controls(common.areas(url, version), span, lang)
    if len(picked) < 2:  # the calendar is half-way through picking a range
        st.caption(tr("pages.trends.pick_end", lang))
        return
    start, end = picked
    with st.spinner(tr("pages.computing", lang)):
        t = trends(url, version, start, end, district)
    deadlines = deadline_frame(start, end, lang)
    for key, field in (("areas", unit), ("population", "population")):
        title = tr(f"pages.trends.{key}_title", lang, unit=tr(f"pages.trends.unit.{unit}", lang))
        st.subheader(title)
        y = tr(f"pages.trends.unit.{field}", lang)
        st.altair_chart(stacked_chart(level_frame(t, field, lang), deadlines, y, lang),
                        alt=title)
    st.subheader(tr("pages.trends.counts_title", lang))
    left, right = st.columns(2)
    cases, tests = counts_charts(t, lang)
    left.altair_chart(cases, alt=tr("pages.col.new_cases", lang))
    right.altair_chart(tests, alt=tr("pages.col.tests_done", lang))
    if auth_gate.require(store, "export", lang, page=False):  # as the CLI's exports
        st.download_button(tr("pages.trends.download", lang), csv_bytes(trends_table(t)),
                           file_name=f"trends-{start}-{end}.csv", mime="text/csv")
