"""The dashboard's entry point (`streamlit run app.py`): page setup, language, who is
signed in, the store (filled with the demo city on a first start), and the navigation
between pages. Each page is a `render(store, lang)` function in ui/; logic lives elsewhere.

Every page has its own URL path (/upload, /trends…), so a link keeps the page. An
unexpected error in a page shows the user a reference id; its traceback goes to the log.

The file plays two parts. Streamlit runs it as `__main__` for every page run: the
dashboard. `streamlit run app.py` first finds the `st.App` below and imports the file to
serve it: the Streamlit server with two HTTP routes of the sign-in besides
(ui.session_routes), which set and clear its HTTP-only cookie, and the HTTP API under
/api/v1 (api.routes).
"""

from __future__ import annotations

import importlib

import streamlit as st

from data.config import settings
from data.config.access import PAGE_NEEDS
from data.store.audit import incident
from i18n import DEFAULT_LANGUAGE
from i18n import t as tr
from ui import auth_gate, theme
from zones.problems import Unsaid, said

# (section, url path, module in ui/): the url path is also the page's catalogue key
# (pages.nav.<path>) and its key in data.config.access.PAGE_NEEDS, the action it needs
# ("read": anyone, signed in or not). The first page is the default: the root URL opens
# it at its own URL (Streamlit serves its default page only at the root, so the root is a
# hidden page that switches to it, keeping the query). A page's module is imported when
# the page is first shown, so the map does not wait for the charting, spreadsheet and
# report libraries of the other pages.
PAGES = [
    ("monitor", "today", "today"),
    ("monitor", "map", "map"),
    ("monitor", "table", "table"),
    ("monitor", "trends", "trends"),
    ("monitor", "targets", "targets"),
    ("report", "upload", "upload"),
    ("report", "report", "report_form"),
    ("report", "history", "history"),
    ("report", "periodic", "reports"),
    ("testing", "schedule", "schedule"),
]


def setup_log() -> None:
    """Tracebacks of unexpected errors go to VUNGXANH_LOG_FILE (default vungxanh.log), as
    the CLI's do, never to the browser."""
    settings.log_to_file()


def guarded(run, lang: str) -> None:
    """Run `run`; an unexpected exception becomes a message with a reference id.
    Streamlit's rerun and stop are BaseExceptions and pass through."""
    try:
        run()
    except Exception as exc:
        st.error(tr("auth.incident", lang, ref=incident(exc)))


def navigation(store, lang: str) -> dict[str, list[st.Page]]:
    """The pages by section, titled in `lang`."""
    def page(path: str, module: str, need: str) -> st.Page:
        def run() -> None:
            if auth_gate.require(store, need, lang):
                importlib.import_module(f"ui.pages.{module}").render(store, lang)

        return st.Page(lambda: guarded(run, lang), title=tr(f"pages.nav.{path}", lang),
                       url_path=path)

    sections: dict[str, list[st.Page]] = {}
    for section, path, module in PAGES:
        sections.setdefault(tr(f"pages.section.{section}", lang), []).append(
            page(path, module, PAGE_NEEDS[path]))
    from ui import common

    common.PAGES.clear()
    common.PAGES.update({p.url_path: p for pages in sections.values() for p in pages})
    first = next(iter(sections.values()))[0]
    root = st.Page(lambda: st.switch_page(first, query_params=st.query_params.to_dict()),
                   title=first.title, url_path="root", default=True, visibility="hidden")
    first_section = next(iter(sections))
    sections[first_section] = [*sections[first_section], root]
    return sections


def main() -> None:
    from ui import common  # here, not on top: the server's import of this file needs none

    lang = common.language()
    try:
        store = common.get_store(common.db_url())
    except Unsaid as exc:  # a store made by a newer version, or one that cannot be read
        st.error(said(exc, lang))
        return
    current = theme.navigation(navigation(store, lang))  # Streamlit's menu fails axe
    acc = auth_gate.sidebar(store, lang)
    st.title(current.title)
    # The demo fills an empty store on a first start; with accounts, only for an admin.
    if acc.can("areas"):
        common.ensure_demo(store, lang)
    current.run()


if __name__ == "__main__":  # a page run
    setup_log()
    st.set_page_config(page_title="Vùng xanh", layout="wide")
    guarded(main, st.session_state.get("lang", DEFAULT_LANGUAGE))
else:  # imported by the server `streamlit run app.py` starts (uvicorn)
    from streamlit.starlette import App

    from api.routes import PREFIX
    from api.routes import routes as api_routes
    from ui import session_routes

    app = App(__file__, routes=[*session_routes.routes(),
                                *api_routes(session_routes.url_path(PREFIX))])
