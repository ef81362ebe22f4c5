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
from i18n.formats import fmt_date, fmt_day_month, fmt_int
from ui import auth_gate, charts, common
from zones.levels import LEVELS, RANKED, label
from zones.target_file import TargetsError
from zones.targets import applicable
from zones.tiers import group_names, tier_label
from zones.trends import Trends, trends_table

DEFAULT_DAYS = 60
STACK = [*RANKED[1:], RANKED[0]]  # least severe at the bottom, no data on top
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


def deadline_frame(start: dt.date, end: dt.date, lang: str,
                   areas: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per target deadline within start…end, naming the targets due that day
    (with `areas`, only the targets that apply to them: not HCMC's on the demo city)."""
    due: dict[dt.date, list[str]] = {}
    try:
        targets = load_targets()
    except (OSError, TargetsError):  # the targets page names the problems; no rules here
        targets = []
    if areas is not None:
        targets = applicable(targets, areas)
    for t in targets:
        if start <= t.deadline <= end:
            due.setdefault(t.deadline, []).append(t.title_vi if lang == "vi" else t.title_en)
    return pd.DataFrame({"date": pd.to_datetime(list(due)),
                         "day": [fmt_date(d, lang) for d in due],
                         "short": [tr("pages.trends.due", lang, date=fmt_day_month(d, lang))
                                   for d in due],
                         "targets": ["; ".join(v) for v in due.values()],
                         "said": [tr("pages.trends.due", lang, date=fmt_date(d, lang)) + ": "
                                  + "; ".join(v) for d, v in due.items()]})


def stacked_chart(data: pd.DataFrame, deadlines: pd.DataFrame, y_title: str,
                  lang: str) -> alt.LayerChart:
    colours = alt.Scale(domain=[label(c, lang) for c in STACK],
                        range=[LEVELS[c].colour for c in STACK])
    x = charts.date_x(lang)
    area = alt.Chart(data).mark_area().encode(
        x=x, y=charts.count_y("value", y_title, lang, stack="zero"),
        color=alt.Color("label:N", scale=colours, sort=[label(c, lang) for c in STACK],
                        legend=charts.legend(tr("pages.col.level", lang), lang)),
        # One path per level: a description per day would split it (Vega-Lite groups by it).
        order=alt.Order("order:Q", sort="ascending"), description=charts.said("label"),
        tooltip=[alt.Tooltip("day:N", title=tr("pages.col.date", lang)),
                 alt.Tooltip("label:N", title=tr("pages.col.level", lang)),
                 charts.count_tooltip("value", y_title)])
    due = alt.Chart(deadlines).encode(
        x=x, description=charts.said(),
        tooltip=[alt.Tooltip("day:N", title=tr("pages.trends.deadline", lang)),
                 alt.Tooltip("targets:N", title=tr("pages.trends.targets", lang))])
    # With no deadline the layers stay (one chart shape) but are hidden from screen
    # readers: an empty mark group is an unnamed graphic to them (axe svg-img-alt).
    shown = not deadlines.empty
    rules = due.mark_rule(color="#333333", strokeDash=[5, 3], aria=shown)
    # Named at the top, so the rule reads without hovering (no hover on a phone).
    names = due.mark_text(align="left", baseline="top", dx=3, dy=2, fontSize=11,
                          color="#333333", aria=shown).encode(y=alt.value(0), text="short:N")
    return styled(area + rules + names, lang)


def styled(chart, lang: str):
    return charts.localised(chart.properties(height=HEIGHT), lang)


def counts_charts(t: Trends, lang: str) -> tuple[alt.Chart, alt.Chart]:
    d = t.counts.groupby("date", as_index=False)[["new_cases", "tests_done"]].sum()
    d = d.assign(day=[fmt_date(x, lang) for x in d["date"]], date=pd.to_datetime(d["date"]))
    d["said"] = [charts.point_text(day, tr("pages.col.new_cases", lang), fmt_int(v, lang), lang)
                 for day, v in zip(d["day"], d["new_cases"], strict=True)]
    x = charts.date_x(lang)
    out = []
    for field, mark in (("new_cases", "bar"), ("tests_done", "line")):
        title = tr(f"pages.col.{field}", lang)
        chart = getattr(alt.Chart(d), f"mark_{mark}")(color="#0072B2")
        chart = chart.encode(x=x, y=charts.count_y(field, title, lang),
                             # a bar each day; the line is one path: its title says it
                             description=charts.said() if mark == "bar" else alt.value(title),
                             tooltip=[
            alt.Tooltip("day:N", title=tr("pages.col.date", lang)),
            charts.count_tooltip(field, title)])
        out.append(charts.localised(chart.properties(height=200), lang))
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
    deadlines = deadline_frame(start, end, lang, common.areas(url, version))
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
