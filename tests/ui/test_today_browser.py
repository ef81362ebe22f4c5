"""The morning view in Debian's Chromium on the Hà Đông samples, as a steering officer
opens the dashboard: the root URL opens it at its own URL; for 19/09/2021 it names the
11 wards that sent no file and its legend counts equal a recount from `export-levels`;
its links keep the day and the areas; every page's URL opens that page (no "Page not
found"). Screenshots at 1400 px and 360 px in both languages go to
test-artifacts/today/ for a person to look at."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from app import PAGES
from data.config.policy_files import load_policy
from data.exports.levels import levels_table
from data.store.database import Store
from i18n import t as tr
from i18n.formats import fmt_int
from tests.support.browser import ARTIFACTS, streamlit_server
from zones.levels import LEGEND_ORDER, label

pytestmark = pytest.mark.browser
TIMEOUT_MS = 90_000
DAY = dt.date(2021, 9, 19)
SHOTS = ARTIFACTS / "today"


@pytest.fixture(scope="module")
def dashboard(hadong_db, chromium):
    SHOTS.mkdir(parents=True, exist_ok=True)
    with streamlit_server(hadong_db, SHOTS / "streamlit.log") as base:
        yield base


@pytest.fixture(scope="module")
def levels(hadong_db):
    store = Store(hadong_db)
    try:
        return levels_table(store, DAY, load_policy()), store.areas()
    finally:
        store.dispose()


def _open(chromium, url: str, width: int):
    page = chromium.new_page(viewport={"width": width, "height": 1000})
    page.goto(url)
    page.get_by_role("heading", level=1).first.wait_for(timeout=TIMEOUT_MS)
    return page


def _wait_view(page, lang: str) -> None:
    page.get_by_text(tr("today.ranking", lang)).first.wait_for(timeout=TIMEOUT_MS)


def _shot(page, name: str) -> None:
    """The whole page: Streamlit scrolls inside its own box, so the window is made tall
    enough to hold it first."""
    width = page.viewport_size["width"]
    height = page.evaluate("() => document.querySelector('[data-testid=stMain]')"
                           "?.scrollHeight || 1000")
    page.set_viewport_size({"width": width, "height": min(max(height, 800), 6000)})
    page.wait_for_timeout(500)
    page.screenshot(path=str(SHOTS / name))


def _table_rows(page, caption: str) -> list[list[str]]:
    table = page.locator("table", has=page.locator("caption", has_text=caption)).first
    table.locator("tbody tr").first.wait_for(timeout=TIMEOUT_MS)  # st.html draws late
    return [[c.strip() for c in row.locator("td").all_inner_texts()]
            for row in table.locator("tbody tr").all()]


def test_root_opens_the_morning_view_at_its_own_url(dashboard, chromium):
    page = _open(chromium, f"{dashboard}/?date={DAY.isoformat()}", 1400)
    _wait_view(page, "vi")
    page.wait_for_url(re.compile(r"/today\?"))
    assert "date=2021-09-19" in page.url
    page.close()


def test_the_view_names_the_silent_wards_and_counts_like_the_export(dashboard, chromium,
                                                                    levels):
    table, areas = levels
    page = _open(chromium, f"{dashboard}/today?date={DAY.isoformat()}", 1400)
    _wait_view(page, "vi")
    silent = _table_rows(page, tr("today.not_reported", "vi", n=11))
    wards = areas[areas["area_type"] == "ward"].set_index("ward_code")["ward_name"]
    sent = {"09541", "09550", "09553", "09556", "09565", "09568"}
    assert sorted(r[0] for r in silent) == sorted(set(wards.index) - sent)
    assert {r[1] for r in silent} == {wards[c] for c in set(wards.index) - sent}
    # The legend: wards reported (or rolled up) and carried forward, apart, per level.
    counts = _table_rows(page, tr("today.counts", "vi"))
    ward_rows = table[table["area_type"] == "ward"]
    for row, level in zip(counts, LEGEND_ORDER, strict=True):
        at = ward_rows[ward_rows["level"] == level]
        assert row[0] == label(level, "vi")
        assert row[1] == fmt_int(int((at["source"] != "carried").sum()), "vi"), level
        assert row[2] == fmt_int(int((at["source"] == "carried").sum()), "vi"), level
    _shot(page, "today_vi_1400.png")
    # The link to the map keeps the day and names the 11 wards.
    link = page.get_by_role("link", name=re.compile(tr("today.page.on_map", "vi", n=11)))
    href = link.first.get_attribute("href")
    assert href.startswith("map?") or "/map?" in href
    assert "date=2021-09-19" in href and all(c in href for c in set(wards.index) - sent)
    page.close()


@pytest.mark.parametrize(("lang", "width"), [("vi", 360), ("en", 1400), ("en", 360)])
def test_screenshots_in_both_languages_and_widths(dashboard, chromium, lang, width):
    page = _open(chromium, f"{dashboard}/today?date={DAY.isoformat()}", width)
    _wait_view(page, "vi")
    if lang == "en":
        if width < 700:  # the sidebar is folded on a phone
            page.get_by_test_id("stExpandSidebarButton").click()
        page.get_by_text("English").click()
        _wait_view(page, "en")
    page.get_by_text(tr("today.not_reported", lang, n=11)).first.wait_for(timeout=TIMEOUT_MS)
    overflow = page.evaluate("() => document.documentElement.scrollWidth - innerWidth")
    assert overflow <= 1, f"the page scrolls sideways by {overflow} px at {width} px"
    _shot(page, f"today_{lang}_{width}.png")
    page.close()


@pytest.mark.parametrize("path", [p for _s, p, _m in PAGES])
def test_every_page_url_opens_its_page(dashboard, chromium, path):
    page = _open(chromium, f"{dashboard}/{path}", 1400)
    heading = page.get_by_role("heading", level=1).first
    assert heading.inner_text().strip() == tr(f"pages.nav.{path}", "vi")
    assert page.get_by_text("Page not found").count() == 0
    assert page.url.split("?")[0].endswith(f"/{path}")
    page.close()


def test_the_map_legend_counts_carried_wards_apart(dashboard, chromium, levels):
    """The defect the issue found: 11 wards sent nothing on 19/09, carry yesterday's
    level, and the legend counted them as if they had reported."""
    table, _areas = levels
    page = _open(chromium, f"{dashboard}/map?date={DAY.isoformat()}", 1400)
    frame = page.wait_for_selector('iframe[src*="vxmap"]',
                                   timeout=TIMEOUT_MS).content_frame()
    frame.wait_for_function("window.vx && vx.S.cube && vx.counts().wards > 0",
                            timeout=TIMEOUT_MS)
    wards = table[table["area_type"] == "ward"]
    for level in LEGEND_ORDER:
        cells = frame.locator(f'.vx-legend tr[data-level="{level}"] td.n').all_inner_texts()
        at = wards[wards["level"] == level]
        assert cells[0] == fmt_int(len(at), "vi"), level
        assert cells[1] == fmt_int(int((at["source"] == "carried").sum()), "vi"), level
    assert int((wards["source"] == "carried").sum()) == 11
    page.close()
