"""The morning view, the dashboard's first page: for the chosen day and scope, who has
not reported, what changed since yesterday (or a chosen day), where it is worst, which
targets slip and which testing rounds are overdue, each with a link to the map and the
table focused on those areas. It shows what `data.services.today.morning` returns, the
same object `cli.py today --json` prints; the headlines are the CLI's sentences
(data.services.today_text). Tables are real HTML tables (caption, headers), every stored
text escaped, so a keyboard or screen-reader user reads the same as everyone.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from data.services import today_text as words
from data.services.today import Morning, morning
from geo.style import esc
from i18n import t as tr
from i18n.formats import fmt_date, fmt_int, fmt_percent
from ui import common, state
from ui.map_data import districts_of, report_span
from ui.markdown import md_text
from zones.levels import LEGEND_ORDER, label
from zones.problems import Unsaid, said

SCOPE, SINCE = "vx_scope", "vx_since"
SHOWN = 15  # rows of a long list shown; the links open all of them on the map and table
_STYLE = """<style>
.vx-today{border-collapse:collapse;font-size:14px;margin-bottom:.5rem}
.vx-today caption{text-align:left;font-weight:600;padding:.25rem 0}
.vx-today th,.vx-today td{border-bottom:1px solid #ccc;padding:.2rem .5rem;text-align:left}
.vx-today td.n{text-align:right;font-variant-numeric:tabular-nums}
.vx-today-wrap{overflow-x:auto;max-width:100%}
.vx-today-wrap:focus-visible{outline:3px solid #0072B2;outline-offset:2px}
</style>"""


@st.cache_data(show_spinner=False, max_entries=32)
def view(url: str, version: tuple, day: dt.date, scope: str, since: dt.date | None) -> Morning:
    """The morning view, kept per data version, day, scope and comparison day."""
    return morning(common.get_store(url), day, common.get_policy(), scope, since=since,
                   areas=common.areas(url, version))


def scopes(areas) -> dict[str, str]:
    """Scope text → name: the city, each province (when several), each district where
    there are districts, each ward."""
    out = {"city": ""}
    provinces = areas.drop_duplicates("province_code")
    if len(provinces) > 1:
        out |= {f"province:{c}": n for c, n in zip(provinces["province_code"],
                                                   provinces["province_name"], strict=True)}
    districts = areas.drop_duplicates("district_code")
    out |= {f"district:{c}": n for c, n in zip(districts["district_code"],
                                               districts["district_name"], strict=True) if c}
    wards = areas[areas["area_type"] == "ward"]
    out |= {f"ward:{c}": n for c, n in zip(wards["ward_code"], wards["ward_name"], strict=True)}
    return out


def _controls(span, names: dict[str, str], lang: str) -> tuple[dt.date, str, dt.date]:
    ss = st.session_state
    if SCOPE not in ss:
        ss[SCOPE] = st.query_params.get("scope", "city")
        ss[SINCE] = state.parse_date(st.query_params.get("since"), span[0], span[1])
    if ss[SCOPE] not in names:
        ss[SCOPE] = "city"
    day_col, scope_col, since_col = st.columns([1, 2, 1])
    day_col.date_input(tr("ui.date", lang), min_value=span[0], max_value=span[1],
                       format="DD/MM/YYYY", **state.bind("today_date", state.DATE))
    scope_col.selectbox(tr("today.page.scope", lang), list(names),
                        format_func=lambda s: names[s] or tr("today.scope_city", lang),
                        **state.bind("today_scope", SCOPE))
    day = ss[state.DATE]
    earlier = ss[SINCE] if ss[SINCE] is not None and ss[SINCE] < day else None
    since = since_col.date_input(tr("today.page.since", lang),
                                 value=earlier or day - dt.timedelta(days=1),
                                 max_value=day - dt.timedelta(days=1), format="DD/MM/YYYY",
                                 key=f"today_since_{day.isoformat()}")
    ss[SINCE] = since if since != day - dt.timedelta(days=1) else None
    return day, ss[SCOPE], since


def table(caption: str, head: list[str], rows: list[list], numeric: set[int]) -> str:
    """An HTML table; cells are escaped here, except a cell given as ("html", markup)."""
    def cell(i, v) -> str:
        cls = ' class="n"' if i in numeric else ""
        return f"<td{cls}>{v[1] if isinstance(v, tuple) else esc(v)}</td>"

    body = "".join("<tr>" + "".join(cell(i, v) for i, v in enumerate(r)) + "</tr>" for r in rows)
    heads = "".join(f'<th scope="col">{esc(h)}</th>' for h in head)
    # A wrapper that may scroll sideways on a phone is a named region one can reach by
    # keyboard (tabindex), to scroll it without a mouse.
    return (f'<div class="vx-today-wrap" tabindex="0" role="region" aria-label="{esc(caption)}">'
            f'<table class="vx-today"><caption>{esc(caption)}</caption><thead><tr>{heads}</tr>'
            f"</thead><tbody>{body}</tbody></table></div>")


def _focus_links(m: Morning, keys: list[str], lang: str) -> None:
    """Links to the map and the table showing these areas on the day."""
    if not keys:
        return
    params = {"date": m.as_of.isoformat(), "area": ",".join(keys)}
    if m.scope.startswith("district:"):
        params["district"] = m.scope.split(":", 1)[1]
    a, b = st.columns(2)
    with a:
        common.page_link("map", tr("today.page.on_map", lang, n=fmt_int(len(keys), lang)), params)
    with b:
        common.page_link("table", tr("today.page.in_table", lang), params)


def _headline(m: Morning, lang: str) -> None:
    up = sum(c["direction"] == "up" for c in m.changes)
    late = [t for t in m.targets if t["status"] in ("at_risk", "missed")]
    cols = st.columns(5)
    cols[0].metric(tr("today.page.m_reported", lang),
                   f"{fmt_int(len(m.reported), lang)}/{fmt_int(m.wards, lang)}")
    cols[1].metric(tr("today.page.m_up", lang), fmt_int(up, lang))
    cols[2].metric(tr("today.page.m_lockdowns", lang), fmt_int(len(words.new_lockdowns(m)), lang))
    cols[3].metric(tr("today.page.m_targets", lang), fmt_int(len(late), lang))
    cols[4].metric(tr("today.page.m_overdue", lang), fmt_int(len(m.overdue), lang))


def _reporting(m: Morning, lang: str) -> None:
    st.subheader(tr("today.page.h_reporting", lang))
    st.markdown(md_text(words.reporting(m, lang)))
    if m.not_reported:
        rows = [[r["ward_code"], r["name"], r["district_name"] or "",
                 fmt_date(r["last_reported"], lang) if r["last_reported"]
                 else tr("today.never_reported", lang)] for r in m.not_reported]
        st.html(table(tr("today.not_reported", lang, n=fmt_int(len(rows), lang)),
                               [tr("today.page.c_code", lang), tr("today.page.c_ward", lang),
                                tr("today.page.c_district", lang),
                                tr("today.page.c_last", lang)], rows, set()))
        _focus_links(m, [r["ward_code"] for r in m.not_reported], lang)
    st.markdown(md_text(tr("today.carried", lang, n=fmt_int(len(m.carried), lang))))
    st.html(_counts_table(m, lang))


def _counts_table(m: Morning, lang: str) -> str:
    """Wards and blocks per level, the reported and the carried apart; 'no data' is
    always a row, 0 only when nothing lacks data."""
    rows = []
    for level in LEGEND_ORDER:
        cells = {(c["area_type"], c["source"]): c["areas"] for c in m.counts
                 if c["level"] == level}
        pop = sum(c["population"] for c in m.counts
                  if c["level"] == level and c["area_type"] == "ward")
        row = [label(level, lang)]
        for kind in ("ward", "block"):
            carried = cells.get((kind, "carried"), 0)
            row += [fmt_int(sum(v for (k, _), v in cells.items() if k == kind) - carried, lang),
                    fmt_int(carried, lang)]
        rows.append([*row, fmt_int(pop, lang)])
    head = [tr("today.page.c_level", lang), tr("today.page.c_wards_fresh", lang),
            tr("today.page.c_wards_carried", lang), tr("today.page.c_blocks_fresh", lang),
            tr("today.page.c_blocks_carried", lang), tr("today.page.c_ward_pop", lang)]
    return table(tr("today.counts", lang), head, rows, {1, 2, 3, 4, 5})


def _changes(m: Morning, lang: str) -> None:
    st.subheader(tr("today.page.h_changes", lang, since=fmt_date(m.since, lang)))
    st.markdown(md_text(words.changes(m, lang)))
    if not m.changes:
        return
    rows = [[c["area"], c["name"], c["ward_name"] if c["area_type"] == "block" else "",
             label(c["from"], lang), label(c["to"], lang),
             tr(f"today.direction.{c['direction']}", lang), fmt_int(c["population"], lang)]
            for c in m.changes[:SHOWN]]
    st.html(table(words.changes(m, lang), [
        tr("today.page.c_code", lang), tr("today.page.c_area", lang),
        tr("today.page.c_ward", lang), tr("today.page.c_from", lang),
        tr("today.page.c_to", lang), tr("today.page.c_change", lang),
        tr("today.page.c_population", lang)], rows, {6}))
    _more(len(m.changes), lang)
    _focus_links(m, [c["area"] for c in m.changes], lang)


def _more(n: int, lang: str) -> None:
    if n > SHOWN:
        st.caption(tr("today.more", lang, n=fmt_int(n - SHOWN, lang)))


def _ranking(m: Morning, lang: str) -> None:
    st.subheader(tr("today.ranking", lang))
    rows = [[r["name"] or r["unit_code"], fmt_int(r["population_do"], lang),
             fmt_int(r["population_phong_toa"], lang), fmt_percent(r["share"], lang),
             words.signed_points(r["change_7d"], lang)] for r in m.ranking[:SHOWN]]
    unit = tr(f"today.page.c_{m.unit_kind}", lang)
    st.html(table(tr("today.ranking", lang), [
        unit, tr("today.page.c_do", lang), tr("today.page.c_lockdown", lang),
        tr("today.page.c_share", lang), tr("today.page.c_week", lang)], rows, {1, 2, 3, 4}))
    _more(len(m.ranking), lang)


def _deadlines(m: Morning, lang: str) -> None:
    st.subheader(tr("today.page.h_deadlines", lang))
    late = [t for t in m.targets if t["status"] in ("at_risk", "missed")]
    if late:
        rows = [[t["title_vi"] if lang == "vi" else t["title_en"],
                 tr(f"today.status.{t['status']}", lang), fmt_date(t["deadline"], lang),
                 words.days_text(t["days_left"], lang)] for t in late]
        st.html(table(tr("today.targets", lang), [
            tr("today.page.c_target", lang), tr("today.page.c_status", lang),
            tr("today.page.c_deadline", lang), tr("today.page.c_days", lang)], rows, set()))
        common.page_link("targets", tr("today.page.to_targets", lang),
                         {"date": m.as_of.isoformat()})
    else:
        st.markdown(md_text(tr("today.no_targets", lang)))
    st.markdown(md_text(tr("today.overdue", lang, n=fmt_int(len(m.overdue), lang))))
    if m.overdue:
        rows = [[r["area"], r["name"], label(r["level"], lang), fmt_int(r["days_overdue"], lang)]
                for r in m.overdue[:SHOWN]]
        st.html(table(tr("today.overdue", lang, n=fmt_int(len(m.overdue), lang)), [
            tr("today.page.c_code", lang), tr("today.page.c_area", lang),
            tr("today.page.c_level", lang), tr("today.page.c_overdue", lang)], rows, {3}))
        _more(len(m.overdue), lang)
        _focus_links(m, [r["area"] for r in m.overdue], lang)
        common.page_link("schedule", tr("today.page.to_schedule", lang),
                         {"date": m.as_of.isoformat()})


def render(store, lang: str) -> None:
    version = common.data_version(store)
    span = report_span(store.url, version)
    if span is None:
        st.info(tr("ui.no_reports", lang))
        return
    areas = common.areas(store.url, version)
    names = scopes(areas)
    state.load(*span, districts_of(areas))
    day, scope, since = _controls(span, names, lang)
    try:
        m = view(store.url, version, day, scope, since)
    except Unsaid as exc:
        st.warning(said(exc, lang))
        return
    st.html(_STYLE)  # once, for every table below
    _headline(m, lang)
    _reporting(m, lang)
    _changes(m, lang)
    _ranking(m, lang)
    _deadlines(m, lang)
    st.caption(tr("ui.policy_caption", lang, policy=m.policy, date=fmt_date(m.as_of, lang)))
    params = {"date": day.isoformat(), "scope": scope}
    if st.session_state[SINCE] is not None:
        params["since"] = st.session_state[SINCE].isoformat()
    if dict(st.query_params) != params:
        st.query_params.from_dict(params)
