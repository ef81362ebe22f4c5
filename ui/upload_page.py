"""The upload page: a ward reporter's daily zone file is checked with the same ingest as
the CLI; every problem is listed; nothing is stored until the user confirms a valid file."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from data.ingest import IngestReport, Problem, ingest_file, validate_bytes
from i18n import t as tr
from ui import common


def problems_frame(problems: list[Problem], lang: str) -> pd.DataFrame:
    """Row, column, value as written, and reason, in the user's language; a file-level
    problem (no row) says so instead of showing an empty row number."""
    whole = tr("ui.upload.file_level", lang)
    return pd.DataFrame({
        tr("ui.upload.col.row", lang): [whole if p.row is None else str(p.row)
                                        for p in problems],
        tr("ui.upload.col.column", lang): [p.column or "" for p in problems],
        tr("ui.upload.col.value", lang): [p.value for p in problems],
        tr("ui.upload.col.reason", lang): [p.reason_vi if lang == "vi" else p.reason
                                           for p in problems],
    })


@st.cache_data(show_spinner=False, max_entries=4)
def check(url: str, version: tuple, raw: bytes, name: str, today: dt.date) -> IngestReport:
    store = common.get_store(url)
    return validate_bytes(raw, name, store.known_areas(), today, common.get_policy())


def _show_report(report: IngestReport, lang: str) -> None:
    if not report.accepted:
        st.error(tr("ui.upload.rejected", lang, n=len(report.errors)))
        st.dataframe(problems_frame(report.errors, lang), hide_index=True)
    else:
        st.success(tr("ui.upload.valid", lang, rows=report.row_count))
    if report.warnings:
        st.warning(tr("ui.upload.warnings", lang, n=len(report.warnings)))
        st.dataframe(problems_frame(report.warnings, lang), hide_index=True)


def _store(store, raw: bytes, name: str, user: str, lang: str) -> None:
    report, outcome = ingest_file(store, raw, name, user=user, today=common.today_vn(),
                                  policy=common.get_policy())
    if outcome is None:  # the store changed between the check and the click
        _show_report(report, lang)
        return
    st.session_state["upload_result"] = (outcome.outcome, outcome.changed, outcome.replaced)
    st.session_state["upload_round"] = st.session_state.get("upload_round", 0) + 1
    st.cache_data.clear()
    st.rerun()  # from the top, so the map above shows the new values too


def _show_result(lang: str) -> None:
    result = st.session_state.pop("upload_result", None)
    if result is None:
        return
    outcome, changed, replaced = result
    if outcome == "repeat":
        st.info(tr("ui.upload.repeat", lang))
    else:
        st.success(tr("ui.upload.stored", lang, changed=changed, replaced=replaced))


def render(store, lang: str) -> None:
    st.subheader(tr("ui.upload.title", lang))
    _show_result(lang)
    # A new key after each stored file empties the uploader for the next one.
    file = st.file_uploader(tr("ui.upload.file", lang), type=["csv", "xlsx"],
                            key=f"upload_file_{st.session_state.get('upload_round', 0)}")
    if file is None:
        return
    raw = file.getvalue()
    report = check(store.url, common.data_version(store), raw, file.name, common.today_vn())
    _show_report(report, lang)
    if not report.accepted:
        return
    user = st.text_input(tr("ui.upload.user", lang), key="upload_user").strip()
    if st.button(tr("ui.upload.confirm", lang), type="primary", disabled=not user,
                 help=None if user else tr("ui.upload.need_user", lang)):
        _store(store, raw, file.name, user, lang)
