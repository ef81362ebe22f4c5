"""Walking every page of the dashboard in one browser session, as a person does: the
pages read from app.py's PAGES (so a new page is covered without a test changing), the
language chosen once in the sidebar (it is session state, lost on a reload), then each
page opened by its sidebar link, at a desktop or a phone width."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from tests.support.paths import ROOT

DESKTOP = {"width": 1400, "height": 900}
PHONE = {"width": 360, "height": 780}
LANGUAGE_LABEL = {"vi": "Tiếng Việt", "en": "English"}
TIMEOUT_MS = 90_000


def app_pages() -> list[str]:
    """The url path of every page in app.PAGES, read from app.py's source (importing
    app.py would run the dashboard)."""
    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    node = next(n for n in tree.body if isinstance(n, ast.Assign)
                and any(getattr(t, "id", None) == "PAGES" for t in n.targets))
    return [path for _section, path, _module in ast.literal_eval(node.value)]


def settled(page) -> None:
    """Wait for the script run to end: nothing running, no stale or placeholder element,
    no spinner, a title drawn; then once more after a breath, as a page may rerun itself
    once."""
    script = """() => document.querySelector('h1') && !document.querySelector(
        '[data-testid="stStatusWidgetRunningIcon"], [data-stale="true"], '
        + '[data-testid="stSkeleton"], [data-testid="stSpinner"]')"""
    page.wait_for_function(script)
    page.wait_for_timeout(700)
    page.wait_for_function(script)
    # A page may draw in steps after its spinner (the periodic report's preview, images
    # loading): wait until the main content has kept its size for a second.
    page.wait_for_function("""() => {
        const m = document.querySelector('[data-testid="stMain"]');
        const size = m.innerHTML.length + ':' + m.scrollHeight;
        const now = Date.now();
        if (window.__vxSize !== size) { window.__vxSize = size; window.__vxSince = now; }
        return now - window.__vxSince > 1000
            && [...m.querySelectorAll('img')].every(i => i.complete);
    }""", polling=250)


def _sidebar(page) -> None:
    """Open the sidebar if it is collapsed (a phone's first view)."""
    expand = page.locator('[data-testid="stExpandSidebarButton"]')
    if expand.is_visible():
        expand.click()
        page.locator('[data-testid="stSidebarUserContent"]').wait_for(state="visible")


def _close_sidebar(page, viewport: dict) -> None:
    """On a phone the open sidebar covers the page: close it again."""
    if viewport["width"] >= 768:
        return
    close = page.locator('[data-testid="stSidebarCollapseButton"] button, '
                         '[data-testid="stSidebarCollapseButton"]').first
    if page.locator('[data-testid="stSidebarUserContent"]').is_visible():
        close.click(force=True)  # the button shows on hover only
        page.locator('[data-testid="stExpandSidebarButton"]').wait_for(state="visible")


def open_page(page, path: str, viewport: dict) -> None:
    """Click the sidebar link of the page at `path` and wait for it."""
    _sidebar(page)
    # Streamlit writes a page link's href relative ("map") or, on some versions, absolute.
    link = page.locator(f'[data-testid="stSidebarUserContent"] :is(a[href="{path}"], '
                        f'a[href$="/{path}"])').first
    link.click()
    page.wait_for_url(f"**/{path}*")
    _close_sidebar(page, viewport)
    settled(page)


def walk(browser, base: str, lang: str, viewport: dict) -> Iterator[tuple[str, object]]:
    """(url path, Playwright page) for every page of app.PAGES in `lang` at `viewport`,
    one browser tab for them all; the tab is closed at the end."""
    page = browser.new_page(viewport=viewport, is_mobile=viewport["width"] < 768,
                            has_touch=viewport["width"] < 768)
    page.set_default_timeout(TIMEOUT_MS)
    try:
        page.goto(base)
        settled(page)
        if lang != "vi":
            _sidebar(page)
            page.locator('[data-testid="stSidebarUserContent"]').get_by_text(
                LANGUAGE_LABEL[lang], exact=True).click()
            settled(page)
        for path in app_pages():
            open_page(page, path, viewport)
            yield path, page
    finally:
        page.close()
