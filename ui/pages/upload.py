"""The upload page: a ward reporter's daily zone file is checked with the same ingest as
the CLI; every problem is listed (and downloadable); nothing is stored until the user
confirms a valid file; the result names the areas whose level changed. A signed-in
reporter may store rows for their own wards only, under their account name. A store that
takes no write (read-only) turns uploads off, saying why."""

from __future__ import annotations

import streamlit as st

from i18n import t as tr
from i18n.formats import fmt_int, grouped
from ui import common
from ui.file_input import file_input
from ui.upload_flow import (
    allowed,
    check,
    rows_frame,
    show_report,
    show_stored,
    store_rows,
    uploader,
    writes_off,
)

TYPES = ["csv", "xlsx"]


def render(store, lang: str) -> None:
    st.caption(tr("pages.upload.intro", lang))
    limit = common.get_policy().max_upload_bytes
    if writes_off(store, lang):
        file_input(tr("pages.upload.file", lang), lang, key="upload_file_off", types=TYPES,
                   max_bytes=limit, disabled=True)
        return
    show_stored(store, lang)
    # A new key after each stored file empties the uploader for the next one.
    file = file_input(tr("pages.upload.file", lang), lang, types=TYPES, max_bytes=limit,
                      key=f"upload_file_{st.session_state.get('upload_round', 0)}")
    if file is None:
        return
    raw, version = file.getvalue(), common.data_version(store)
    report = check(store.url, version, raw, file.name, common.today_vn(), allowed(store))
    show_report(report, lang)
    if not report.accepted:
        return
    st.subheader(tr("pages.upload.preview", lang, rows=fmt_int(report.row_count, lang)))
    st.dataframe(grouped(rows_frame(report.rows, common.areas(store.url, version), lang), lang),
                 hide_index=True, placeholder="")
    user = uploader(store, lang, "upload_user")
    if st.button(tr("pages.upload.confirm", lang), type="primary", disabled=not user,
                 help=None if user else tr("pages.upload.need_user", lang)) and store_rows(
            store, raw, file.name, report.rows, user=user, channel="file", lang=lang):
        st.session_state["upload_round"] = st.session_state.get("upload_round", 0) + 1
        st.rerun()
