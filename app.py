"""The dashboard's entry point (`streamlit run app.py`): page setup, language, the store
(filled with the demo city on a first start), and the navigation between pages. Each
page is a `render(store, lang)` function in ui/; logic lives elsewhere.

Every page has its own URL path (/upload, /trends…), so a link keeps the page.
"""

from __future__ import annotations

import streamlit as st

from i18n import t as tr
from ui import (
    common,
    history_page,
    map_page,
    report_form,
    reports_page,
    schedule_page,
    table_page,
    targets_page,
    trends_page,
    upload_page,
)

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
    """The pages by section, titled in `lang`."""
    def page(path: str, module) -> st.Page:
        return st.Page(lambda: module.render(store, lang), title=tr(f"pages.nav.{path}", lang),
                       url_path=path, default=path == PAGES[0][1])

    sections: dict[str, list[st.Page]] = {}
    for section, path, module in PAGES:
        sections.setdefault(tr(f"pages.section.{section}", lang), []).append(page(path, module))
    return sections


st.set_page_config(page_title="Vùng xanh", layout="wide")
lang = common.language()
store = common.get_store(common.db_url())
current = st.navigation(navigation(store, lang), expanded=True)
st.title(current.title)
common.ensure_demo(store, lang)
current.run()
