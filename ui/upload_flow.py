"""Checking and storing a day's reports, shared by the upload page and the report form:
the check as ingest judges it, the problems as a table, who the rows are recorded under,
and what changed once they are stored."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from data.exports.levels import csv_bytes
from data.ingest.zone_file import IngestReport, ingest_file, validate_bytes
from data.services.changes import level_changes, levels_for
from data.store.engine import StoreUnusable
from i18n import t as tr
from i18n.formats import fmt_date, fmt_int
from ui import auth_gate, common
from zones.levels import label
from zones.problems import Problem


def problems_frame(problems: list[Problem], lang: str) -> pd.DataFrame:
    """Row, column, value as written, and reason, in the user's language; a file-level
    problem (no row) says so instead of showing an empty row number."""
    whole = tr("pages.upload.file_level", lang)
    return pd.DataFrame({
        tr("pages.col.row", lang): [whole if p.row is None else str(p.row) for p in problems],
        tr("pages.col.column", lang): [p.column or "" for p in problems],
        tr("pages.col.value", lang): [p.value for p in problems],
        tr("pages.col.reason", lang): [p.message(lang) for p in problems],
    })


def block_names(named: pd.DataFrame, lang: str) -> pd.Series:
    """Block names, and a word for the rows about a whole ward (no block code)."""
    return named["block_name"].where(named["block_code"] != "", tr("pages.whole_ward", lang))


def where(rows: pd.DataFrame, areas: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, dict]:
    """`rows` (date, ward_code, block_code…) with the area names, and its date, ward and
    block columns as a reporter reads them."""
    named = rows.merge(areas[["ward_code", "block_code", "ward_name", "block_name"]],
                       on=["ward_code", "block_code"], how="left")
    return named, {tr("pages.col.date", lang): [fmt_date(d, lang) for d in named["date"]],
                   tr("pages.col.ward", lang): named["ward_name"],
                   tr("pages.col.block", lang): block_names(named, lang)}


def rows_frame(rows: pd.DataFrame, areas: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Parsed report rows with names, level labels and dates as the language writes
    them; notes stay plain text for st.dataframe."""
    named, columns = where(rows, areas, lang)
    return pd.DataFrame(columns | {
        tr("pages.col.level", lang): [label(c, lang) for c in named["level"]],
        tr("pages.col.new_cases", lang): named["new_cases"],
        tr("pages.col.tests_done", lang): named["tests_done"],
        tr("pages.col.note", lang): named["note"].fillna(""),
    })


def allowed(store) -> tuple[str, ...] | None:
    """The wards this session may upload for (None: any), hashable for st.cache_data."""
    wards = auth_gate.access(store).allowed_wards
    return None if wards is None else tuple(sorted(wards))


def writes_off(store, lang: str) -> bool:
    """Whether the store takes no write (opened read-only), after saying so and why."""
    refused = store.refused()
    if refused is not None:
        st.warning(tr("pages.upload.off", lang, why=refused.text(lang)))
    return refused is not None


def uploader(store, lang: str, key: str, label: str = "pages.upload.user") -> str:
    """Who the upload is recorded under: the signed-in account, else (local mode) a name
    typed into the text input `key`."""
    name = auth_gate.access(store).name
    if name is not None:
        st.caption(tr("auth.recorded_as", lang, name=auth_gate.md(name)))
        return name
    return st.text_input(tr(label, lang), key=key).strip()


def store_rows(store, raw: bytes, name: str, rows: pd.DataFrame, *, user: str, channel: str,
               lang: str) -> bool:
    """Store a checked file (`rows`: what its check parsed) and remember for the next run
    what changed; False, with the errors shown, if the store changed since the check and
    the file is no longer valid. Rows for wards outside the session's are refused here
    too, whatever the check said. A full disk or a read-only store is said as such."""
    before = _levels_for(store, rows)
    wards = allowed(store)
    try:
        report, outcome = ingest_file(store, raw, name, user=user, today=common.today_vn(),
                                      policy=common.get_policy(), channel=channel,
                                      allowed_wards=None if wards is None else set(wards))
    except StoreUnusable as exc:  # rolled back: nothing of the file was stored
        st.error(exc.text(lang))
        return False
    if outcome is None:
        show_report(report, lang)
        return False
    st.cache_data.clear()  # cached figures are keyed by the old data version: free them
    changes = level_changes(before, _levels_for(store, report.rows))
    st.session_state["stored_result"] = (outcome.outcome, outcome.changed, outcome.replaced,
                                         changes)
    return True


def show_stored(store, lang: str) -> None:
    """The outcome of the last stored file or form, once, with the level changes."""
    result = st.session_state.pop("stored_result", None)
    if result is None:
        return
    outcome, changed, replaced, changes = result
    if outcome == "repeat":
        st.info(tr("pages.upload.repeat", lang))
        return
    st.success(tr("pages.upload.stored", lang, changed=fmt_int(changed, lang),
                  replaced=fmt_int(replaced, lang)))
    if changes.empty:
        st.caption(tr("pages.upload.no_level_change", lang))
        return
    st.subheader(tr("pages.upload.changed_title", lang, n=fmt_int(len(changes), lang)))
    named, columns = where(changes, common.areas(store.url, common.data_version(store)), lang)
    st.dataframe(pd.DataFrame(columns | {
        tr("pages.col.level_before", lang): [label(c, lang) for c in named["before"]],
        tr("pages.col.level_after", lang): [label(c, lang) for c in named["after"]],
    }), hide_index=True, placeholder="")


@st.cache_data(show_spinner=False, max_entries=4)
def check(url: str, version: tuple, raw: bytes, name: str, today: dt.date,
          wards: tuple[str, ...] | None = None) -> IngestReport:
    """The file judged as ingest will judge it; `wards`: those the uploader may name."""
    store = common.get_store(url)
    return validate_bytes(raw, name, store.known_areas(), today, common.get_policy(),
                          allowed_wards=None if wards is None else set(wards))


def show_report(report: IngestReport, lang: str, download: bool = True) -> None:
    if not report.accepted:
        st.error(tr("pages.upload.rejected", lang, n=fmt_int(len(report.errors), lang)))
        errors = problems_frame(report.errors, lang)
        st.dataframe(errors, hide_index=True)
        if download:
            st.download_button(tr("pages.upload.download_errors", lang), csv_bytes(errors),
                               file_name=f"{report.file_name}.errors.csv", mime="text/csv")
    else:
        st.success(tr("pages.upload.valid", lang, rows=fmt_int(report.row_count, lang)))
    if report.warnings:
        st.warning(tr("pages.upload.warnings", lang, n=fmt_int(len(report.warnings), lang)))
        st.dataframe(problems_frame(report.warnings, lang), hide_index=True)


def _levels_for(store, rows: pd.DataFrame) -> pd.DataFrame:
    return levels_for(store, rows, common.areas(store.url, common.data_version(store)),
                      common.get_policy())
