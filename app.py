"""The dashboard's entry point (`streamlit run app.py`): page setup, language, the store
(filled with the demo city on a first start), and the navigation between pages. Each
page is a `render(store, lang)` function in ui/; logic lives elsewhere.

Every page has its own URL path (/upload, /trends…), so a link keeps the page.
"""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec

import streamlit as st

from i18n import t as tr
from ui import (
    common,
    history_page,
    map_page,
    report_form,
    reports_page,
    schedule_page,
    targets_page,
    trends_page,
    upload_page,
)

# The table view arrives with the map engineer's work; until then the page is left out
# (an error inside the module, once it exists, is still raised).
table_page = import_module("ui.table_page") if find_spec("ui.table_page") else None

# (section, url path, module): the url path is also the page's catalogue key
# (pages.nav.<path>). The first page is the default, served at the root URL.
PAGES = [
    ("monitor", "map", map_page),
    ("monitor", "table", table_page),
    ("monitor", "trends", trends_page),
    ("monitor", "targets", targets_page),
    ("report", "upload", upload_page),
    ("report", "report", report_form),
    ("report", "history", history_page),
    ("report", "periodic", reports_page),
    ("testing", "schedule", schedule_page),
]


def navigation(store, lang: str) -> dict[str, list[st.Page]]:
    """The pages by section, titled in `lang`; a page whose module is missing is left out."""
    def page(path: str, module) -> st.Page:
        return st.Page(lambda: module.render(store, lang), title=tr(f"pages.nav.{path}", lang),
                       url_path=path, default=path == PAGES[0][1])

    sections: dict[str, list[st.Page]] = {}
    for section, path, module in PAGES:
        if module is not None:
            title = tr(f"pages.section.{section}", lang)
            sections.setdefault(title, []).append(page(path, module))
    return sections


st.set_page_config(page_title="Vùng xanh", layout="wide")
lang = common.language()
store = common.get_store(common.db_url())
current = st.navigation(navigation(store, lang), expanded=True)
st.title(current.title)
common.ensure_demo(store, lang)
current.run()
