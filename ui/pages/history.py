"""The history page: who stored what and when (every upload, form and repeat), told in
words with the levels each moved and its hash and JSON one click away, then as a table;
for one area and day every value it has had, oldest first, with who gave it; for admins
(and in local mode) the audit log of every change, downloadable as CSV."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from data.config.clock import VN_TZ
from data.services.upload_story import change_counts, level_changes_by_upload
from data.store.audit import count, entries, export_bytes
from i18n import t as tr
from i18n.formats import fmt_date, grouped
from ui import auth_gate, common
from ui.history_words import changes_line, upload_json, upload_line
from zones.levels import fold, label

WARD_ROW = ""
_TIME = {"vi": "%d/%m/%Y %H:%M", "en": "%Y-%m-%d %H:%M"}
AUDIT_SHOWN = 500  # newest entries on screen; the download holds them all
TOLD = 10  # newest uploads told in words; the table below lists them all


def local_times(values: pd.Series, lang: str) -> list[str]:
    """Stored times are UTC (naive on SQLite): shown in Vietnam's time zone."""
    times = pd.to_datetime(values)
    times = times.dt.tz_localize("UTC") if times.dt.tz is None else times
    return list(times.dt.tz_convert(VN_TZ).dt.strftime(_TIME[lang]))


def matching(uploads: pd.DataFrame, search: str = "") -> pd.DataFrame:
    """Newest first; `search` matches the user or file name, accents and case aside."""
    if search:
        needle = fold(search.strip())
        hit = [needle in fold(f"{u} {f}") for u, f in zip(uploads["user_name"],
                                                          uploads["file_name"], strict=True)]
        uploads = uploads[hit]
    return uploads.sort_values("id", ascending=False)


def uploads_frame(uploads: pd.DataFrame, lang: str, search: str = "") -> pd.DataFrame:
    u = matching(uploads, search)
    return pd.DataFrame({
        tr("pages.col.time", lang): local_times(u["uploaded_at"], lang),
        tr("pages.col.user", lang): u["user_name"],
        tr("pages.col.file", lang): u["file_name"],
        tr("pages.col.channel", lang): [tr(f"pages.history.channel.{c}", lang)
                                        for c in u["channel"]],
        tr("pages.col.rows", lang): u["rows"],
        tr("pages.col.outcome", lang): [tr(f"pages.history.outcome.{o}", lang)
                                        for o in u["outcome"]],
        tr("pages.col.changed", lang): u["changed"],
        tr("pages.col.sha256", lang): u["sha256"],
    })


def versions_frame(replaced: pd.DataFrame, current: pd.DataFrame, uploads: pd.DataFrame,
                   lang: str) -> pd.DataFrame:
    """Every value of one area and day: the replaced ones (Store.report_history) then the
    one in use (a Store.reports row, joined to its upload for who and when)."""
    who = ["user_name", "uploaded_at", "file_name", "sha256"]
    now = current.merge(uploads[["id", *who]], left_on="upload_id", right_on="id")
    rows = pd.concat([replaced.assign(state="replaced"), now.assign(state="current")],
                     ignore_index=True)
    return pd.DataFrame({
        tr("pages.col.status", lang): [tr(f"pages.history.state.{s}", lang)
                                       for s in rows["state"]],
        tr("pages.col.level", lang): [label(c, lang) for c in rows["level"]],
        tr("pages.col.new_cases", lang): rows["new_cases"].astype("Int64"),
        tr("pages.col.tests_done", lang): rows["tests_done"].astype("Int64"),
        tr("pages.col.note", lang): rows["note"].astype(object).fillna(""),
        tr("pages.col.user", lang): rows["user_name"],
        tr("pages.col.time", lang): local_times(rows["uploaded_at"], lang),
        tr("pages.col.file", lang): rows["file_name"],
        tr("pages.col.sha256", lang): rows["sha256"],
    })


def _pick_area(areas: pd.DataFrame, span, lang: str):
    wards = areas[areas["area_type"] == "ward"].sort_values(["district_name", "ward_name"])
    names = dict(zip(wards["ward_code"], wards["ward_name"] + " (" + wards["ward_code"] + ")",
                     strict=True))
    left, mid, right = st.columns(3)
    ward = left.selectbox(tr("pages.col.ward", lang), list(names), format_func=names.get,
                          key="history_ward")
    blocks = areas[(areas["ward_code"] == ward) & (areas["area_type"] == "block")]
    block_names = {WARD_ROW: tr("pages.whole_ward", lang)} | dict(
        zip(blocks["block_code"], blocks["block_name"] + " (" + blocks["block_code"] + ")",
            strict=True))
    block = mid.selectbox(tr("pages.col.block", lang), list(block_names),
                          format_func=block_names.get, key="history_block")
    day = right.date_input(tr("pages.col.date", lang), value=span[1], format="DD/MM/YYYY",
                           key="history_date")
    return ward, block, day


def audit_frame(log: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Audit entries with the columns in the user's language; text stays plain text."""
    return pd.DataFrame({
        tr("auth.audit.col_time", lang): local_times(log["at"], lang),
        tr("auth.audit.col_actor", lang): log["actor"],
        tr("auth.audit.col_action", lang): log["action"],
        tr("auth.audit.col_target", lang): log["target"],
        tr("auth.audit.col_detail", lang): log["detail_json"],
    })


def _audit_log(store, lang: str) -> None:
    st.subheader(tr("auth.audit.title", lang))
    log = entries(store, limit=AUDIT_SHOWN)
    if log.empty:
        st.info(tr("auth.audit.empty", lang))
        return
    st.caption(tr("auth.audit.caption", lang, shown=len(log), total=count(store)))
    st.dataframe(audit_frame(log, lang), hide_index=True, height=280)
    # The whole log, formulas neutralised, read only when the button is pressed.
    st.download_button(tr("auth.audit.download", lang), lambda: export_bytes(entries(store), "csv"),
                       file_name="audit-log.csv", mime="text/csv", key="audit_download")


@st.cache_data(show_spinner=False, max_entries=8)
def changes_of(url: str, version: tuple, ids: tuple[int, ...]) -> pd.DataFrame:
    return level_changes_by_upload(common.get_store(url), list(ids))


def _told(store, uploads: pd.DataFrame, lang: str) -> None:
    """The newest uploads in words, each with its details behind an expander."""
    if uploads.empty:
        return
    newest = uploads.head(TOLD)
    changes = changes_of(store.url, common.data_version(store), tuple(newest["id"]))
    counts = change_counts(changes)
    st.caption(tr("words.history.shown", lang, shown=len(newest), total=len(uploads)))
    for u, when in zip(newest.itertuples(), local_times(newest["uploaded_at"], lang),
                       strict=True):
        st.markdown(upload_line(u, when, lang))
        if u.outcome != "repeat":
            st.caption(changes_line(counts[counts["upload_id"] == u.id], lang))
        with st.expander(tr("words.history.details", lang)):
            st.code(u.sha256, language=None)
            st.code(upload_json(u, changes[changes["upload_id"] == u.id]), language="json")


def render(store, lang: str) -> None:
    _history(store, lang)
    if auth_gate.access(store).can("audit"):
        _audit_log(store, lang)


def _history(store, lang: str) -> None:
    version = common.data_version(store)
    uploads = store.uploads()
    st.subheader(tr("pages.history.uploads_title", lang))
    search = st.text_input(tr("pages.history.search", lang), key="history_search")
    _told(store, matching(uploads, search), lang)
    with st.expander(tr("words.history.table", lang)):
        st.dataframe(grouped(uploads_frame(uploads, lang, search), lang), hide_index=True,
                     height=280)
    st.subheader(tr("pages.history.area_title", lang))
    span = store.date_range()
    if span is None:
        st.info(tr("pages.no_reports", lang))
        return
    ward, block, day = _pick_area(common.areas(store.url, version), span, lang)
    current = store.reports(date_from=day, date_to=day, ward_codes=[ward])
    current = current[current["block_code"] == block]
    replaced = store.report_history(ward, block, day)
    if current.empty and replaced.empty:
        st.info(tr("pages.history.no_report", lang, date=fmt_date(day, lang)))
        return
    st.dataframe(grouped(versions_frame(replaced, current, uploads, lang), lang),
                 hide_index=True, placeholder="")
    if replaced.empty:
        st.caption(tr("pages.history.never_replaced", lang))
