"""What the dashboard adds to Streamlit's look so that every page passes axe-core's
serious and critical checks (WCAG 2.1 AA): the page links of the sidebar, and a little
CSS, both drawn once per page run by `navigation`.

Streamlit's own sidebar navigation puts each section's header and links in a <div>
inside its <ul> (axe `list`, `listitem`), so the pages are listed as page links instead.
"""

from __future__ import annotations

import streamlit as st

# Captions are Streamlit's text colour (#2f2d2b) drawn at 60 % opacity: 3.9:1 on white,
# below WCAG AA's 4.5:1 for small text. Drawn opaque in #5c5b5a they are about 6.8:1 on
# white, still lighter than body text.
CSS = """<style>
[data-testid="stCaptionContainer"] { opacity: 1; color: #5c5b5a; }
</style>"""


def navigation(sections: dict[str, list[st.Page]]) -> st.Page:
    """`st.navigation` over `sections` (title: pages), its menu drawn as page links under
    a caption per section; the CSS above injected. Returns the page to run."""
    current = st.navigation(sections, position="hidden")
    st.html(CSS)
    for title, pages in sections.items():
        st.sidebar.caption(title)
        for page in pages:
            if page.visibility != "hidden":
                st.sidebar.page_link(page, width="stretch")
    st.sidebar.divider()
    return current
