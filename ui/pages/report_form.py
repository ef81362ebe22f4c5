"""Report without a file, for ward Covid teams on phones: pick a ward and a day, change
what changed, add cases, tests and notes, send. The form becomes a CSV with the canonical
header and goes through exactly the same check, all-or-nothing storage and history as an
uploaded file (channel "form"). A signed-in reporter is offered their own wards only, and
the report is recorded under their account name. A read-only store turns the form off,
saying why."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pandas as pd
import streamlit as st

from data.demo.city import PROVINCE_CODE as DEMO_PROVINCE
from data.ingest.validate import FIELDS
from i18n import t as tr
from ui import auth_gate, common, upload_flow
from zones.effective import effective_levels
from zones.levels import by_severity, label

WARD_ROW = ""  # block_code of the row about the whole ward


def default_date(today: dt.date, last: dt.date | None, demo: bool) -> dt.date:
    """Today in Vietnam; for the demo city, whose made-up history ends in 2021, its last
    day, so the form opens on data rather than on a blank day."""
    return last if demo and last is not None and last < today else today


def form_csv(day: dt.date, ward_code: str, entries: list[dict]) -> tuple[bytes, list[str]]:
    """The entries (block_code, level or None, new_cases, tests_done, note, name) with a
    level as a canonical CSV, and the area name of each data row, in order."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(FIELDS)
    names = []
    for e in entries:
        if e["level"] is None:  # left blank: not reported (a ward then rolls up)
            continue
        writer.writerow([day.isoformat(), ward_code, e["block_code"], e["level"],
                         *("" if e[f] is None else int(e[f]) for f in ("new_cases",
                                                                        "tests_done")),
                         e["note"] or ""])
        names.append(e["name"])
    return out.getvalue().encode("utf-8"), names


def prefill(areas: pd.DataFrame, levels: pd.DataFrame, todays: pd.DataFrame) -> list[dict]:
    """What each area of one ward shows first (ward row first): that day's own report if
    there is one, else the current level without counts. The ward row is left blank when
    its level is only the rollup of its blocks, so that it keeps following them."""
    own = todays.set_index("block_code")
    level = levels.set_index("block_code")
    out = []
    for code, block in zip(areas["block_code"], areas["block_name"], strict=True):
        name = f"{block} ({code})" if block else code
        if code in own.index:
            r = own.loc[code]
            out.append({"block_code": code, "name": name, "level": r["level"],
                        "new_cases": _num(r["new_cases"]), "tests_done": _num(r["tests_done"]),
                        "note": r["note"] or ""})
            continue
        lv, source = level.loc[code, "level"], level.loc[code, "source"]
        rolled_up = code == WARD_ROW and source != "carried"
        out.append({"block_code": code, "name": name, "new_cases": None, "tests_done": None,
                    "note": "", "level": None if rolled_up or lv == "unknown" else lv})
    return out


@st.cache_data(show_spinner=False, max_entries=32)
def ward_state(url: str, version: tuple, ward: str, day: dt.date):
    """The ward's areas (ward row first), their effective levels on `day` and that day's
    own reports. Only this ward's reports, and only as far back as a level carries
    forward, are read: a phone waits for one ward, not for the city's history."""
    policy = common.get_policy()
    areas = common.areas(url, version)
    areas = areas[areas["ward_code"] == ward].sort_values("block_code")
    reports = common.get_store(url).reports(
        date_from=day - dt.timedelta(days=policy.carry_forward_days), date_to=day,
        ward_codes=[ward])
    levels = effective_levels(areas, reports, day, policy)
    return areas, levels, reports[reports["date"] == day]


def _num(v) -> int | None:
    return None if pd.isna(v) else int(v)


def _entry(e: dict, key: str, lang: str) -> dict:
    """One area's widgets; the level stays visible, the rest folds away on a phone."""
    levels = by_severity()
    e = dict(e)
    e["level"] = st.selectbox(e["name"], levels, format_func=lambda c: label(c, lang),
                              index=levels.index(e["level"]) if e["level"] else None,
                              placeholder=tr("pages.report.not_reported", lang), key=key)
    # Folded, but what is already there shows in the fold's title.
    known = [e[f] for f in ("new_cases", "tests_done")]
    title = tr("pages.report.details", lang) if known == [None, None] else tr(
        "pages.report.details_filled", lang, **{f: "—" if v is None else v for f, v in zip(
            ("new_cases", "tests_done"), known, strict=True)})
    with st.expander(title):
        for f in ("new_cases", "tests_done"):
            e[f] = st.number_input(tr(f"pages.col.{f}", lang), min_value=0, step=1,
                                   value=e[f], key=f"{key}_{f}")
        e["note"] = st.text_input(tr("pages.col.note", lang), value=e["note"],
                                  key=f"{key}_note")
    return e


def _send(store, day, ward, entries, user: str, lang: str) -> None:
    raw, names = form_csv(day, ward, entries)
    if not names:
        st.warning(tr("pages.report.nothing", lang))
        return
    name = f"form-{ward}-{day.isoformat()}.csv"
    report = upload_flow.check(store.url, common.data_version(store), raw, name,
                               common.today_vn(), upload_flow.allowed(store))
    if not report.accepted:  # a generated row number means nothing: name the area
        st.error(tr("pages.upload.rejected", lang, n=len(report.errors)))
        errors = upload_flow.problems_frame(report.errors, lang)
        errors.insert(0, tr("pages.col.area", lang),
                      [names[p.row - 2] if p.row and 0 <= p.row - 2 < len(names) else ""
                       for p in report.errors])
        st.dataframe(errors, hide_index=True)
    elif upload_flow.store_rows(store, raw, name, report.rows, user=user, channel="form",
                                lang=lang):
        st.rerun()


def render(store, lang: str) -> None:
    st.caption(tr("pages.report.intro", lang))
    if upload_flow.writes_off(store, lang):
        return
    version = common.data_version(store)
    areas = common.areas(store.url, version)
    wards = areas[areas["area_type"] == "ward"].sort_values(["district_name", "ward_name"])
    mine = auth_gate.access(store).allowed_wards  # None: any ward
    if mine is not None:
        wards = wards[wards["ward_code"].isin(mine)]
        if wards.empty:
            st.warning(tr("auth.no_wards", lang))
            return
    ward_label = dict(zip(wards["ward_code"], wards["ward_name"] + " · " +
                          wards["district_name"] + " (" + wards["ward_code"] + ")", strict=True))
    ward = st.selectbox(tr("pages.report.ward", lang), list(ward_label), index=None,
                        format_func=ward_label.get, key="report_ward",
                        placeholder=tr("pages.report.pick_ward", lang))
    if ward is None:
        return
    span, today = store.date_range(), common.today_vn()
    demo = (wards.loc[wards["ward_code"] == ward, "province_code"] == DEMO_PROVINCE).all()
    day = st.date_input(tr("pages.report.date", lang), max_value=today, format="DD/MM/YYYY",
                        value=default_date(today, span and span[1], demo), key="report_date")
    entries = prefill(*ward_state(store.url, version, ward, day))
    for e in entries:
        if e["block_code"] == WARD_ROW:
            e["name"] = tr("pages.report.whole_ward", lang)
    with st.form(f"report_{ward}_{day.isoformat()}"):
        entries = [_entry(e, f"rf_{ward}_{day.isoformat()}_{e['block_code']}", lang)
                   for e in entries]
        user = upload_flow.uploader(store, lang, "report_user", "pages.report.reporter")
        sent = st.form_submit_button(tr("pages.report.submit", lang), type="primary")
    if sent and not user:
        st.warning(tr("pages.report.need_reporter", lang))
    elif sent:
        _send(store, day, ward, entries, user, lang)
    # Below the button, where a phone user's thumb is after sending.
    upload_flow.show_stored(store, lang)
