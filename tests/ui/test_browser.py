"""The map in Debian's Chromium, as a steering office uses it: the map draws one polygon per
ward (and per block of a district) of the store with no request leaving localhost, a
tooltip shows a stored note as text, the date slider and the play button recolour the map
without reloading it or moving the view, the URL follows (and a link opens the same view),
the map works on a 360 px phone, the day's map downloads as an HTML file that draws with
nothing to fetch, and the table view is a real table. Each step leaves a screenshot in
test-artifacts/ for a human to look at."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from geo.webmap.history import CELL_LAYOUT
from tests.support.browser import ARTIFACTS, END, PHONE, TIMEOUT_MS, XSS_NOTE, open_map

pytestmark = pytest.mark.browser
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
LOCAL_SCHEMES = {"data", "about", "blob"}
PATHS = "path.vx-ward, path.vx-block"


def _outside(urls: list[str]) -> list[str]:
    return [u for u in urls if urlsplit(u).scheme not in LOCAL_SCHEMES
            and urlsplit(u).hostname not in LOCAL_HOSTS]


def _shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def _styles(frame) -> list[str]:
    return frame.eval_on_selector_all(PATHS, "ps => ps.map(p => p.getAttribute('fill') + "
                                             "'|' + p.getAttribute('stroke-dasharray'))")


def _url_date(page) -> str | None:
    return parse_qs(urlsplit(page.url).query).get("date", [None])[0]


def _wait_url_date(page, day: dt.date) -> None:
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while _url_date(page) != day.isoformat():
        assert time.monotonic() < deadline, f"URL still says {page.url}, not {day}"
        page.wait_for_timeout(200)


def _area_xy(page, frame, area: int) -> tuple[float, float]:
    """Where area `area`'s level letters are, in the page's pixels."""
    iframe = page.locator('iframe[src*="vxmap"]')
    iframe.scroll_into_view_if_needed()
    box = iframe.bounding_box()
    x, y = frame.evaluate(f"vx.point({area})")
    return box["x"] + x, box["y"] + y


def _slide_back(page, frame, days: int, view) -> dt.date:
    """Move the slider back `days` days from the keyboard: the map recolours at once,
    without a reload and without moving; Python then hears of it (the URL follows)."""
    from playwright.sync_api import expect

    before = _styles(frame)
    frame.evaluate("window.__same_page = true")  # gone if the map were rebuilt
    frame.locator("#vx-day").focus()
    for _ in range(days):
        page.keyboard.press("ArrowLeft")
    earlier = END - dt.timedelta(days=days)
    expect(frame.locator("#vx-date")).to_have_text(f"{earlier:%d/%m/%Y}")
    assert _styles(frame) != before  # recoloured
    assert frame.evaluate("vx.S.stats.last") < 1000  # ms; the city-scale timing is in bench/
    _wait_url_date(page, earlier)
    page.wait_for_timeout(500)
    assert frame.evaluate("[vx.zoom(), vx.centre()]") == view  # the view did not move
    assert frame.evaluate("window.__same_page === true")  # no rebuild, no reload
    return earlier


def _play_and_pause(page, frame, start: dt.date, view) -> None:
    """Replay from `start`, pause: the day it stopped on goes to Python (and the URL)."""
    from playwright.sync_api import expect

    frame.locator("#vx-play").click()
    expect(frame.locator("#vx-play")).to_have_attribute("aria-pressed", "true")
    page.wait_for_timeout(1300)
    frame.locator("#vx-play").click()
    shown = frame.evaluate("vx.S.shown")
    played = dt.date.fromisoformat(frame.evaluate(f"VX.panel.isoDay(vx.S, {shown})"))
    assert played > start
    _wait_url_date(page, played)
    assert frame.evaluate("[vx.zoom(), vx.centre()]") == view


def test_map_draws_recolours_and_keeps_the_view(chromium, map_dashboard):
    from playwright.sync_api import expect

    base, _areas, drawn = map_dashboard
    page, frame, requests, dialogs = open_map(chromium, base)
    expect(frame.locator("path.vx-ward")).to_have_count(len(drawn["ward"]))
    blocks = frame.locator("path.vx-block").count()
    assert blocks in (0, len(drawn["block"]))  # blocks only when zoomed in far enough
    expect(frame.locator(".vx-legend")).to_contain_text("Phong tỏa")
    assert "url(#vx-pattern-phong_toa)" in "".join(_styles(frame))  # 90001 is hatched
    assert frame.evaluate("window.VX.LAYOUT") == CELL_LAYOUT  # the cell's bits, from Python
    _shot(page, "map-1-city.png")

    # Hover ward 90001 (or its block TDP01 when blocks are drawn): the note reads as text.
    page.mouse.move(*_area_xy(page, frame, 1 if blocks else 0))
    tip = frame.locator(".vx-tip")
    expect(tip).to_contain_text(XSS_NOTE)
    expect(tip).to_contain_text("vn-2021-09-default")  # the policy behind the level
    assert tip.locator("img").count() == 0
    _shot(page, "map-2-tooltip.png")
    page.mouse.move(5, 5)

    view = frame.evaluate("[vx.zoom(), vx.centre()]")
    earlier = _slide_back(page, frame, 10, view)
    _shot(page, "map-3-earlier.png")
    _play_and_pause(page, frame, earlier, view)
    _shot(page, "map-4-played.png")

    assert dialogs == []  # the note's onerror never ran
    assert any(u.startswith(base) for u in requests)  # the listener did listen
    assert _outside(requests) == [], "the page reached outside localhost"
    page.close()


def test_a_link_opens_the_same_view(chromium, map_dashboard):
    from playwright.sync_api import expect

    base, areas, drawn = map_dashboard
    day = END - dt.timedelta(days=5)
    district = areas.loc[areas["ward_code"] == "90003", "district_code"].iloc[0]
    link = f"/map?date={day}&district={district}&area=90003/TDP03"  # as the targets page links
    page, frame, _requests, _dialogs = open_map(chromium, base, link)
    expect(frame.locator("#vx-date")).to_have_text(f"{day:%d/%m/%Y}")
    in_district = areas[areas["district_code"] == district]
    wards = {w for (w,) in drawn["ward"] if w in set(in_district["ward_code"])}
    blocks = {k for k in drawn["block"] if k[0] in wards}
    # One district: its wards, and all its blocks, whatever the zoom.
    expect(frame.locator("path.vx-ward")).to_have_count(len(wards))
    expect(frame.locator("path.vx-block")).to_have_count(len(blocks))
    assert _url_date(page) == day.isoformat() and f"district={district}" in page.url
    outlined = frame.eval_on_selector_all(  # the linked block stands out
        "path.vx-block", "ps => ps.filter(p => p.getAttribute('stroke-width') === '3.5').length")
    assert outlined == 1
    _shot(page, "map-5-district-link.png")
    page.close()


def test_map_on_a_360px_phone(chromium, map_dashboard):
    from playwright.sync_api import expect

    base, _areas, _drawn = map_dashboard
    page, frame, _requests, _dialogs = open_map(chromium, base, phone=True)
    box = page.locator('iframe[src*="vxmap"]').bounding_box()
    assert box["width"] <= PHONE["width"] and box["height"] >= 400
    map_box = frame.locator("#vx-map").bounding_box()
    assert map_box["width"] >= 300 and map_box["height"] >= 300
    page.touchscreen.tap(*_area_xy(page, frame, 0))  # a phone cannot hover: a tap opens it
    expect(frame.locator(".vx-tip")).to_be_visible()
    tip = frame.locator(".vx-tip").bounding_box()
    assert map_box["x"] <= tip["x"] and tip["x"] + tip["width"] <= map_box["x"] + map_box["width"]
    frame.locator("#vx-day").focus()
    page.keyboard.press("ArrowLeft")
    expect(frame.locator("#vx-date")).to_have_text(f"{END - dt.timedelta(days=1):%d/%m/%Y}")
    _shot(page, "map-6-phone.png")
    page.close()


def test_the_day_map_downloads_and_draws_offline(chromium, map_dashboard):
    """The map page's HTML file of the day arrives; opened with every request refused, it
    still draws every ward with its legend, and its tooltip shows the note as text."""
    from playwright.sync_api import expect

    base, _areas, drawn = map_dashboard
    page, _frame, _requests, _dialogs = open_map(chromium, base)
    with page.expect_download(timeout=TIMEOUT_MS) as download:
        page.get_by_role("button", name="Tải bản đồ ngày này (HTML)").click()
    assert download.value.suggested_filename == f"ban-do-cap-do_{END}.html"
    html = Path(download.value.path()).read_text(encoding="utf-8")
    page.close()
    offline = chromium.new_page(viewport={"width": 1200, "height": 800})
    requests, dialogs = [], []
    offline.route("**/*", lambda route: route.abort())
    offline.on("request", lambda r: requests.append(r.url))
    offline.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    offline.set_content(html, timeout=TIMEOUT_MS)
    expect(offline.locator(".leaflet-overlay-pane path")).to_have_count(len(drawn["ward"]))
    expect(offline.locator(".vx-legend")).to_contain_text("30/09/2021")
    expect(offline.locator(".vx-legend")).to_contain_text("vn-2021-09-default")
    offline.locator(".leaflet-overlay-pane path").first.hover()  # ward 90001
    expect(offline.locator(".vx-tip")).to_contain_text(XSS_NOTE)
    assert offline.locator(".vx-tip img").count() == 0 and dialogs == []
    assert _outside(requests) == [], "the file reached for something outside itself"
    _shot(offline, "map-7-offline-file.png")
    offline.close()


def test_table_view_is_a_real_table(chromium, map_dashboard):
    from playwright.sync_api import expect

    base, areas, _drawn = map_dashboard
    page = chromium.new_page(viewport={"width": 1400, "height": 1000})
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{base}/table?date={END}", timeout=TIMEOUT_MS)
    table = page.locator("table.vx-table")
    expect(table).to_be_visible(timeout=TIMEOUT_MS)
    expect(table.locator("tbody tr")).to_have_count(min(len(areas), 100))
    expect(table.locator("caption")).to_contain_text("30/09/2021")
    expect(table).to_contain_text(XSS_NOTE)  # as text
    assert table.locator("img").count() == 0 and dialogs == []
    assert table.locator("thead th[aria-sort]").count() == 1
    region = page.locator(".vx-table-wrap")
    region.focus()  # the wide table scrolls from the keyboard
    page.keyboard.press("ArrowRight")
    expect(region).to_be_focused()
    _shot(page, "table-view.png")
    page.close()
