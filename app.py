"""The dashboard's entry point (`streamlit run app.py`): page setup, language, the store
(filled with the demo city on a first start), and the pages. Logic lives elsewhere."""

from __future__ import annotations

import streamlit as st

from i18n import t as tr
from ui import common, map_page, upload_page

st.set_page_config(page_title="Vùng xanh", layout="wide")
lang = common.language()
st.title(tr("ui.title", lang))
store = common.get_store(common.db_url())
common.ensure_demo(store, lang)
map_tab, upload_tab = st.tabs([tr("ui.tab_map", lang), tr("ui.tab_upload", lang)])
with map_tab:
    map_page.render(store, lang)
with upload_tab:
    upload_page.render(store, lang)
