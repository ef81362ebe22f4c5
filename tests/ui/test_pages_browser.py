"""The upload page and the report form in Debian's Chromium, as a ward reporter uses them:
a good file built from the demo's own areas is stored after confirmation, a bad one lists
its row errors, the interface switches to English, and the report form works on a 360 px
phone screen. Each step leaves a screenshot in test-artifacts/ for a human to look at."""

from __future__ import annotations

from pathlib import Path

import pytest

from data.store.database import Store
from tests.support.browser import ARTIFACTS, END, demo_dashboard

pytestmark = pytest.mark.browser
TIMEOUT_MS = 60_000
PHONE = {"width": 360, "height": 780}


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory, chromium):
    """The small demo city behind a running dashboard: (base URL, store URL)."""
    with demo_dashboard(tmp_path_factory.mktemp("pages"), "pages") as (base, url):
        yield base, url


def _good_file(url: str) -> bytes:
    """Every block of the demo's third ward on its last day, with one block turned red:
    the areas, header and levels the dashboard itself knows."""
    store = Store(url)
    areas = store.areas()
    store.dispose()
    blocks = areas[(areas["ward_code"] == "90003") & (areas["area_type"] == "block")]
    lines = ["ngày,mã phường,mã tổ,cấp độ,số ca mới,ghi chú"]
    for i, code in enumerate(blocks["block_code"]):
        lines.append(f"{END:%d/%m/%Y},90003,{code},"
                     f"{'Vùng đỏ' if i == 2 else 'xanh'},0,{'=kiểm tra' if i == 2 else ''}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _uploads(url: str):
    store = Store(url)
    try:
        return store.uploads()
    finally:
        store.dispose()


def _upload(page, name: str, data: bytes) -> None:
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": data})


def _settled(page) -> None:
    """Wait for the script run to end: nothing running, no stale or placeholder element."""
    page.wait_for_function("""() => !document.querySelector(
        '[data-testid="stStatusWidgetRunningIcon"], [data-stale="true"], '
        + '[data-testid="stSkeleton"]')""")


def _shot(page, name: str, whole: bool = True) -> None:
    """The screen, or the whole page: Streamlit scrolls inside the app, not the document,
    so for that the window is made as tall as the content for the picture, then put
    back (which moves things: take it after the last interaction of a step)."""
    _settled(page)
    if not whole:
        page.screenshot(path=str(ARTIFACTS / name))
        return
    size = page.viewport_size
    tall = page.evaluate("Math.max(...[...document.querySelectorAll('*')]"
                         ".map(e => e.scrollHeight))")
    page.set_viewport_size({"width": size["width"], "height": min(max(tall, size["height"]),
                                                                   8000)})
    page.wait_for_timeout(300)  # let the grid and charts lay out at the new height
    page.screenshot(path=str(ARTIFACTS / name))
    page.set_viewport_size(size)


def _desktop_page(chromium, address: str):
    """A new 1280 × 900 page at `address`, waiting up to TIMEOUT_MS for each step."""
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(address)
    return page


def test_upload_good_then_bad_then_english(chromium, dashboard):
    from playwright.sync_api import expect

    base, url = dashboard
    before = len(_uploads(url))
    page = _desktop_page(chromium, f"{base}/upload")
    expect(page.get_by_role("heading", name="Tải tệp báo cáo")).to_be_visible()
    _upload(page, "to-dan-pho.csv", _good_file(url))
    expect(page.get_by_text("Tệp hợp lệ: 5 dòng")).to_be_visible()
    page.get_by_label("Người tải lên").fill("Tổ Covid phường Hải Tiến")
    page.get_by_label("Người tải lên").press("Enter")
    expect(page.get_by_role("button", name="Lưu")).to_be_enabled()
    _shot(page, "pages-upload-valid.png")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_text("Khu vực đổi cấp độ (3)")).to_be_visible()
    expect(page.get_by_role("button", name="Lưu")).to_have_count(0)  # the uploader emptied
    _shot(page, "pages-upload-stored.png")
    stored = _uploads(url)
    assert len(stored) == before + 1
    assert stored.iloc[-1][["user_name", "channel"]].tolist() == [
        "Tổ Covid phường Hải Tiến", "file"]

    bad = "ngày,mã phường,cấp độ\n31/09/2021,90003,xanh\n30/09/2021,99999,vàng\n"
    _upload(page, "loi.csv", bad.encode("utf-8"))
    expect(page.get_by_text("Bị từ chối, không lưu gì: 3 lỗi")).to_be_visible()
    _settled(page)
    expect(page.locator('[data-testid="stDataFrame"]').first).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="Tải danh sách lỗi (CSV)").click()
    report = Path(download.value.path()).read_bytes().decode("utf-8")
    assert report.startswith("\ufeffDòng,Cột,Giá trị,Lý do") and "99999" in report
    assert len(_uploads(url)) == before + 1  # nothing stored
    _shot(page, "pages-upload-rejected.png")

    page.get_by_text("English").click()
    expect(page.get_by_role("heading", name="Upload a file")).to_be_visible()
    expect(page.get_by_text("Rejected, nothing stored")).to_be_visible()
    _shot(page, "pages-upload-english.png")
    page.close()


def _choose(page, label: str, option: str) -> None:
    """Pick `option` in the selectbox labelled `label` by typing it, as on a phone
    keyboard: typing opens the filtered list. The list closes when the page scrolls, as
    it may while a busy machine lays the form out, so a closed list is typed into again."""
    from playwright.sync_api import TimeoutError as Timeout

    _settled(page)
    box = page.get_by_role("combobox", name=label, exact=True)
    for attempt in range(3):
        box.scroll_into_view_if_needed()
        box.fill(option)
        try:
            page.get_by_role("option", name=option).first.click(timeout=10_000)
            return
        except Timeout:
            if attempt == 2:
                raise
            box.press("Escape")


def test_report_form_on_a_phone(chromium, dashboard):
    from playwright.sync_api import expect

    base, url = dashboard
    page = chromium.new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(f"{base}/report")
    expect(page.get_by_role("heading", name="Báo cáo nhanh")).to_be_visible()
    _choose(page, "Phường/xã", "Phường Tây Mỹ")
    expect(page.get_by_role("button", name="Gửi báo cáo")).to_be_visible()
    _shot(page, "pages-report-phone.png", whole=False)  # what the phone shows first
    _choose(page, "Tổ dân phố 4 (TDP04)", "Phong tỏa")
    page.get_by_label("Người báo cáo").fill("Tổ Covid Tây Mỹ")
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.get_by_text("Khu vực đổi cấp độ (1)")).to_be_visible()
    _shot(page, "pages-report-sent.png")
    last = _uploads(url).iloc[-1]
    assert (last["channel"], last["user_name"], last["outcome"]) == (
        "form", "Tổ Covid Tây Mỹ", "accepted")
    store = Store(url)
    row = store.reports(date_from=END, ward_codes=["90002"]).set_index("block_code")
    store.dispose()
    assert row.loc["TDP04", "level"] == "phong_toa"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the form is {width} px wide on a 360 px screen"
    page.close()


def test_schedule_csv_download(chromium, dashboard):
    """The coordinator's export: the schedule page's CSV arrives with its BOM and, in the
    Vietnamese interface, Vietnamese headers (issue #17; the CLI keeps the contract's)."""
    from playwright.sync_api import expect

    base, _ = dashboard
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(f"{base}/schedule")
    expect(page.get_by_role("heading", name="Lịch xét nghiệm")).to_be_visible()
    button = page.get_by_role("button", name="Tải CSV")
    expect(button).to_be_visible()
    with page.expect_download() as download:
        button.click()
    text = Path(download.value.path()).read_bytes().decode("utf-8")
    header = text.splitlines()[0]
    assert header == ("\ufeffNgày lấy mẫu,Mã quận/huyện,Quận/huyện,Mã phường/xã,Phường/xã,"
                      "Mã tổ dân phố,Tổ dân phố,Cấp độ vùng,Dân số,Số mẫu,Số ống (gộp mẫu),Đợt,"
                      "Hạn chót,Số ngày quá hạn,Mã chính sách,Tính đến ngày,Lý do quá hạn")
    assert len(text.splitlines()) > 1
    _shot(page, "pages-schedule.png")
    page.close()
