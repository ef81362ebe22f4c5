"""Vietnamese all the way, as Chromium draws it: the file uploader's own texts (button,
size line, drag-over line) in the interface language, Streamlit's English ones hidden
from sight and from screen readers; the trends charts with dd/mm days and numbers
grouped with "." (Vega's own English month names nowhere). Screenshots go to
test-artifacts/ for a person to look at."""

from __future__ import annotations

import re

import pytest

from tests.support.browser import ARTIFACTS, demo_dashboard

pytestmark = pytest.mark.browser
TIMEOUT_MS = 60_000
ZONE = '[data-testid="stFileUploaderDropzone"]'
AFTER = "(sel) => getComputedStyle(document.querySelector(sel), '::after').content"


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory, chromium):
    with demo_dashboard(tmp_path_factory.mktemp("words"), "words") as (base, _url):
        yield base


def _open(chromium, base: str, path: str):
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{base}/{path}")
    page.wait_for_function("""() => !document.querySelector(
        '[data-testid="stStatusWidgetRunningIcon"], [data-stale="true"], '
        + '[data-testid="stSkeleton"]')""")
    return page


def _drag_over(page) -> None:
    page.evaluate("""(sel) => {
        const data = new DataTransfer();
        data.items.add(new File(['a'], 'a.csv', {type: 'text/csv'}));
        document.querySelector(sel).dispatchEvent(
            new DragEvent('dragenter', {dataTransfer: data, bubbles: true}));
    }""", ZONE)


def test_the_uploader_speaks_vietnamese_then_english(chromium, dashboard):
    from playwright.sync_api import expect

    page = _open(chromium, dashboard, "upload")
    zone = page.locator(ZONE)
    # Its accessible name keeps Streamlit's "Upload" (clipped out of sight: CSS cannot
    # rename a button, and a name from ::after alone is none to axe-core).
    expect(zone.get_by_role("button", name="Chọn tệp")).to_be_visible()
    hidden = zone.locator("button [data-testid='stMarkdownContainer'] p")
    assert hidden.inner_text() == "Upload" and hidden.bounding_box()["width"] <= 1
    shown = zone.inner_text().replace("Upload", "", 1)  # what else is drawn
    assert "Upload" not in shown and "per file" not in shown
    assert page.evaluate(AFTER, f"{ZONE} [data-testid='stFileUploaderDropzoneInstructions'] "
                                "span") == '"Tối đa 20 MB một tệp • CSV, XLSX"'
    page.screenshot(path=str(ARTIFACTS / "words-uploader-vi.png"))
    _drag_over(page)
    expect(zone.locator(":scope > div:not([data-testid]) > span")).to_have_count(1)
    assert page.evaluate(AFTER, f"{ZONE} > div:not([data-testid]) > span") \
        == '"Thả tệp vào đây"'
    assert "Drag and drop" not in zone.inner_text()
    page.get_by_text("English", exact=True).click()
    expect(page.get_by_role("button", name="Choose file")).to_be_visible()
    assert page.evaluate(AFTER, f"{ZONE} [data-testid='stFileUploaderDropzoneInstructions'] "
                                "span") == '"At most 20 MB per file • CSV, XLSX"'
    page.screenshot(path=str(ARTIFACTS / "words-uploader-en.png"))
    page.close()


def test_trends_axes_write_days_and_numbers_the_vietnamese_way(chromium, dashboard):
    from playwright.sync_api import expect

    page = _open(chromium, dashboard, "trends")
    charts = page.locator('[data-testid="stVegaLiteChart"] svg')
    expect(charts).to_have_count(4)
    labels = page.eval_on_selector_all('[data-testid="stVegaLiteChart"] svg text',
                                       "els => els.map(e => e.textContent)")
    assert any(re.fullmatch(r"\d\d/09", x) for x in labels), labels
    assert any(re.fullmatch(r"\d{1,3}\.000", x) for x in labels), labels  # 25.000 people
    assert not any(re.search(r"\d,\d{3}|Sep|September", x) for x in labels), labels
    page.screenshot(path=str(ARTIFACTS / "words-trends-vi.png"), full_page=True)
    page.close()


@pytest.mark.parametrize(("locale", "month", "monday"), [("vi-VN", "Tháng 9", "T2"),
                                                          ("en-US", "September", "M")])
def test_the_calendar_follows_the_browser_s_language(chromium, dashboard, locale, month,
                                                     monday):
    """What Streamlit leaves to the browser: st.date_input's calendar names months and
    days in navigator.language, whatever the page's language (no parameter sets it).
    The typed field is DD/MM/YYYY on every page either way."""
    from playwright.sync_api import expect

    context = chromium.new_context(locale=locale, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{dashboard}/history")
    field = page.locator('[data-testid="stDateInput"]').first
    expect(field).to_contain_text("/09/2021")
    field.locator("button").first.click()
    calendar = page.get_by_role("dialog")
    expect(calendar).to_contain_text(month)
    expect(calendar.get_by_text(monday, exact=True).first).to_be_visible()
    context.close()
