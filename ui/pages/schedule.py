"""The schedule page: pick the as-of date, horizon and capacity; the shortfall first (which
areas go overdue and the extra capacity that would fix it), the daily load against
capacity, the plan as a calendar-like table, the three exports (in the interface's
language: Vietnamese headers and labels, or English with the CSV's contract header), and
marking a round done.
Anyone may look at the plan; its downloads need the schedule right and marking a round the
rounds right (coordinators and admins), as the CLI's `schedule` and `record-rounds`. A
store that takes no write (read-only) turns marking off, saying why."""

from __future__ import annotations

import datetime as dt

import altair as alt
import pandas as pd
import streamlit as st

from data.exports.schedule import event_location, schedule_csv, schedule_ics, schedule_xlsx
from data.ingest.plan_inputs import PlanInputError, read_capacity_file
from data.services.figures import schedule_as_of
from data.store.engine import StoreUnusable
from i18n import t as tr
from i18n.formats import fmt_date, fmt_int
from ui import auth_gate, charts, common
from ui.file_input import file_input
from zones.levels import label
from zones.problems import said

FORMATS = {"csv": ("text/csv", schedule_csv), "xlsx": (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", schedule_xlsx),
    "ics": ("text/calendar", schedule_ics)}


@st.cache_data(show_spinner=False, max_entries=8)
def plan(url: str, version: tuple, as_of: dt.date, days: int, capacity, unit: str):
    return schedule_as_of(common.get_store(url), as_of, common.get_policy(), days=days,
                          capacity=capacity, unit=unit)


def _inputs(store, lang: str):
    first, last = store.date_range()
    c1, c2, c3, c4 = st.columns(4)
    as_of = c1.date_input(tr("schedule.as_of", lang), value=last, min_value=first,
                          max_value=last, format="DD/MM/YYYY" if lang == "vi" else "YYYY-MM-DD")
    days = c2.number_input(tr("schedule.days", lang), 1, 60, 14)
    unit = c3.selectbox(tr("schedule.unit", lang), ["samples", "tubes"],
                        format_func=lambda u: tr(f"schedule.unit_{u}", lang))
    capacity = c4.number_input(tr("schedule.capacity", lang), 1, 10_000_000, 20_000, step=1000)
    upload = file_input(tr("schedule.capacity_file", lang), lang, key="schedule_capacity",
                        types=["csv"])
    if upload is not None:
        try:
            capacity = read_capacity_file(upload, store.areas(), common.today_vn())
        except PlanInputError as exc:
            st.error(tr("schedule.capacity_refused", lang))
            st.dataframe(pd.DataFrame({
                tr("schedule.col.row", lang): [p.row for p in exc.problems],
                tr("schedule.col.reason", lang): [p.reason_vi if lang == "vi" else p.reason
                                                  for p in exc.problems]}), hide_index=True)
            return None
    return as_of, int(days), capacity, unit, last


def _shortfall(p, lang: str) -> None:
    """Overdue areas first: the coordinator's question is what cannot be covered."""
    if p.overdue.empty:
        st.success(tr("schedule.feasible", lang))
        return
    late = p.overdue.sort_values("overdue_days", ascending=False)
    st.error(tr("schedule.overdue", lang, n=len(late), days=int(late["overdue_days"].sum())))
    for _, r in p.extra.iterrows():
        st.warning(tr("schedule.extra", lang, pool=r["pool"],
                      extra=fmt_int(r["extra_per_day"], lang),
                      bound=fmt_int(r["lower_bound"], lang),
                      unit=tr(f"schedule.unit_{r['unit']}", lang)))
    st.dataframe(overdue_frame(late, lang), hide_index=True)


def overdue_frame(late: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The overdue areas as the page lists them: the answer first (area, level, why, days),
    so a phone shows it without scrolling sideways; then the area's key and population."""
    return pd.DataFrame({
        tr("schedule.col.area", lang): [event_location(b, w) for b, w in
                                        zip(late["block_name"], late["ward_name"], strict=True)],
        tr("schedule.col.level", lang): [label(v, lang) for v in late["level"]],
        tr("schedule.col.reason", lang): [tr(f"schedule.reason.{c}", lang)
                                           for c in late["reason"]],
        tr("schedule.col.overdue_days", lang): late["overdue_days"],
        tr("map.table.col.code", lang): (late["ward_code"] + "/" + late["block_code"]
                                         ).str.rstrip("/"),
        tr("schedule.col.population", lang): late["population"],
    })


def _load_chart(p, lang: str) -> None:
    daily = p.load.groupby("date", as_index=False)[["used", "capacity"]].sum()
    daily["day"] = pd.to_datetime(daily["date"])
    bars = alt.Chart(daily).mark_bar(color="#0072B2").encode(
        x=charts.date_x(lang, "day", tr("schedule.col.date", lang)),
        y=alt.Y("used:Q", title=tr(f"schedule.unit_{p.unit}", lang)))
    cap = alt.Chart(daily).mark_line(color="#D55E00", strokeDash=[6, 3]).encode(
        x="day:T", y="capacity:Q")
    st.altair_chart(charts.localised(bars + cap, lang), width="stretch")
    st.caption(tr("schedule.chart_caption", lang))


def _calendar(p, lang: str) -> pd.DataFrame:
    """One row per area, one column per day, a mark on its sampling days."""
    r = p.rounds.assign(area=p.rounds["ward_name"] + " · " + p.rounds["block_name"],
                        day=[fmt_date(d, lang)[:5] for d in p.rounds["date"]])
    grid = pd.crosstab([r["district_name"], r["area"]], r["day"]).astype(bool)
    grid = grid.replace({True: "●", False: ""})
    return grid.reset_index().rename(columns={"district_name": tr("schedule.col.district", lang),
                                              "area": tr("schedule.col.area", lang)})


def _downloads(store, p, lang: str) -> None:
    if not auth_gate.require(store, "schedule", lang, page=False):
        return
    cols = st.columns(len(FORMATS))
    for col, (fmt, (mime, write)) in zip(cols, FORMATS.items(), strict=True):
        col.download_button(tr(f"schedule.download_{fmt}", lang), data=write(p, lang),
                            file_name=f"lich-xet-nghiem-{p.as_of}.{fmt}", mime=mime,
                            key=f"dl-{fmt}")


def _mark_done(store, p, lang: str) -> None:
    """Record a planned round as done (recorded in the store as a dashboard round); off,
    saying why, when the store takes no write (opened read-only)."""
    today = common.today_vn()
    due = p.rounds[pd.to_datetime(p.rounds["date"]).dt.date <= today]
    if due.empty or not auth_gate.require(store, "rounds", lang, page=False):
        return
    signed_in, refused = auth_gate.access(store).name, store.refused()
    with st.form("mark-done"):
        st.markdown(f"**{tr('schedule.mark_title', lang)}**")
        options = list(due.index)
        pick = st.selectbox(tr("schedule.col.area", lang), options, format_func=lambda i: (
            f"{fmt_date(due.at[i, 'date'], lang)} · {due.at[i, 'ward_name']} · "
            f"{due.at[i, 'block_name']}"))
        if signed_in is None:  # local mode: the name is typed, as before accounts
            user = st.text_input(tr("schedule.user", lang), disabled=refused is not None)
        else:
            user = signed_in
            st.caption(tr("auth.recorded_as", lang, name=auth_gate.md(signed_in)))
        if refused is not None:
            st.caption(tr("schedule.mark_off", lang, why=refused.text(lang)))
        if st.form_submit_button(tr("schedule.mark_done", lang), disabled=refused is not None):
            _record(store, due.loc[[pick]], user.strip(), lang)


def _record(store, row: pd.DataFrame, user: str, lang: str) -> None:
    """Store the round `row` under `user`; a full disk or a read-only store is said in the
    user's language (the write was rolled back), not as an incident."""
    if not user:
        st.error(tr("schedule.need_user", lang))
        return
    try:
        store.record_rounds(row[["ward_code", "block_code", "date", "samples"]],
                            source="dashboard", user=user)
    except StoreUnusable as exc:
        st.error(exc.text(lang))
        return
    st.success(tr("schedule.marked", lang))


def render(store, lang: str) -> None:
    if store.date_range() is None:
        st.info(tr("ui.no_reports", lang))
        return
    chosen = _inputs(store, lang)
    if chosen is None:
        return
    as_of, days, capacity, unit, last = chosen
    try:  # st.cache_data hashes the capacity table's content, so a new file re-plans
        p = plan(common.db_url(), common.data_version(store), as_of, days, capacity, unit)
    except ValueError as exc:  # no levels that day, a capacity table that leaves areas out
        st.error(said(exc, lang))
        return
    st.caption(tr("schedule.current", lang, as_of=fmt_date(as_of, lang), policy=p.policy_id,
                  rounds=len(p.rounds)))
    if as_of < last:
        st.info(tr("schedule.newer_data", lang, last=fmt_date(last, lang)))
    _shortfall(p, lang)
    _load_chart(p, lang)
    _downloads(store, p, lang)
    st.subheader(tr("schedule.calendar", lang))
    st.dataframe(_calendar(p, lang), hide_index=True)
    _mark_done(store, p, lang)
