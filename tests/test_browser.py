"""The real dashboard in Debian's Chromium: the map draws one polygon per ward with no
request leaving localhost, tooltips show stored text escaped, another date recolours the
map. A screenshot is kept in test-artifacts/ for a human to look at."""

from __future__ import annotations

import datetime as dt
import os
from urllib.parse import urlsplit

import pandas as pd
import pytest

from data.store import UploadMeta
from tests.browser_harness import (
    ARTIFACTS,
    CHROMIUM,
    END,
    XSS_NOTE,
    demo_store,
    launch_chromium,
    streamlit_server,
)

pytestmark = pytest.mark.browser
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
LOCAL_SCHEMES = {"data", "about", "blob"}
TIMEOUT_MS = 60_000


@pytest.fixture(scope="module")
def chromium():
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} not found: the browser tests use Debian's chromium package"
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (CI is set, so this must not be skipped)")
        pytest.skip(reason)
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = launch_chromium(p)
        yield browser
        browser.close()


@pytest.fixture
def dashboard_db(tmp_path):
    """A small demo city, with an XSS attempt as the first ward's note on the last day."""
    url = f"sqlite:///{tmp_path / 'browser.db'}"
    store = demo_store(url)
    row = {"ward_code": "90001", "block_code": "", "date": END, "level": "phong_toa",
           "new_cases": 3, "tests_done": 10, "note": XSS_NOTE}
    store.record_upload(UploadMeta("test", "xss.csv", "f" * 64, 1), pd.DataFrame([row]), {})
    wards = len(store.geometries("ward"))
    store.dispose()
    return url, wards


def _outside(urls: list[str]) -> list[str]:
    return [u for u in urls if urlsplit(u).scheme not in LOCAL_SCHEMES
            and urlsplit(u).hostname not in LOCAL_HOSTS]


def _map_frame(page, day: dt.date):
    title = f"Bản đồ các phường theo cấp độ vùng ngày {day:%d/%m/%Y}"
    handle = page.wait_for_selector(f'iframe[title="{title}"]', timeout=TIMEOUT_MS)
    return handle.content_frame()


def _fills(frame) -> list[str]:
    return frame.eval_on_selector_all(".leaflet-overlay-pane svg path",
                                      "ps => ps.map(p => p.getAttribute('fill'))")


def test_map_draws_offline(chromium, dashboard_db):
    from playwright.sync_api import expect

    url, n_wards = dashboard_db
    ARTIFACTS.mkdir(exist_ok=True)
    with streamlit_server(url, ARTIFACTS / "streamlit-browser.log") as base:
        page = chromium.new_page(viewport={"width": 1400, "height": 1000})
        requests, dialogs = [], []
        page.on("request", lambda r: requests.append(r.url))
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(base, timeout=TIMEOUT_MS)
        frame = _map_frame(page, END)
        paths = frame.locator(".leaflet-overlay-pane svg path")
        expect(paths).to_have_count(n_wards, timeout=TIMEOUT_MS)
        expect(frame.locator(".vx-mark")).to_have_count(n_wards)
        expect(frame.locator(".vx-legend")).to_contain_text("Phong tỏa")
        fills = _fills(frame)
        assert "url(#vx-pattern-phong_toa)" in fills  # ward 90001 is hatched

        # Hover ward 90001 at its level mark (a point inside the polygon, unlike the
        # middle of its bounding box): its note must read as text.
        mark = frame.locator(".vx-mark").first.bounding_box()
        page.mouse.move(mark["x"] + mark["width"] / 2, mark["y"] + mark["height"] / 2)
        tip = frame.locator(".vx-tip")
        expect(tip).to_contain_text(XSS_NOTE)
        assert tip.locator("img").count() == 0
        page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)

        _pick_date(page, END - dt.timedelta(days=10))
        earlier = _map_frame(page, END - dt.timedelta(days=10))
        expect(earlier.locator(".leaflet-overlay-pane svg path")).to_have_count(n_wards)
        assert _fills(earlier) != fills
        page.screenshot(path=str(ARTIFACTS / "dashboard-earlier.png"), full_page=True)

        assert dialogs == []  # the note's onerror never ran
        assert any(u.startswith(base) for u in requests)  # the listener did listen
        assert _outside(requests) == [], "the page reached outside localhost"
        page.close()


def _pick_date(page, day: dt.date) -> None:
    """Type into the date field's spin buttons (day, month, year), as a keyboard user
    would; Enter commits the date, Escape closes the calendar."""
    page.get_by_role("spinbutton", name="day, Ngày").click()
    page.keyboard.type(f"{day:%d%m%Y}")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
