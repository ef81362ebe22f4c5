"""The dashboard in Streamlit's AppTest: it opens on the demo, the date picker changes the
map, the upload box lists every error and stores only a valid file after confirmation."""

from __future__ import annotations

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from data.validate import Problem
from tests.browser_harness import END, ROOT, XSS_NOTE, demo_store, small_store
from ui.upload_page import problems_frame

TIMEOUT = 60


def _app(monkeypatch, url: str) -> AppTest:
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("VUNGXANH_TILES", raising=False)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    return at.run()


def _map_html(at: AppTest) -> str:
    frames = at.get("iframe")
    assert len(frames) == 1
    return frames[0].proto.srcdoc


def _summary(at: AppTest):
    return at.dataframe[0].value


@pytest.fixture
def small(sqlite_url):
    small_store(sqlite_url).dispose()
    return sqlite_url


def test_renders_the_demo_store(monkeypatch, sqlite_url):
    demo_store(sqlite_url).dispose()
    at = _app(monkeypatch, sqlite_url)
    assert not at.exception
    assert at.title[0].value.startswith("Vùng xanh")
    assert at.date_input(key="as_of").value == END
    html = _map_html(at)
    assert html.count('"type": "Feature"') == 4 and "cdn.jsdelivr" not in html
    assert _summary(at)["Số phường"].sum() == 4


def test_empty_store_loads_the_demo(monkeypatch, sqlite_url):
    at = _app(monkeypatch, sqlite_url)
    assert not at.exception
    assert _summary(at)["Số phường"].sum() == 17  # generate_demo's default city


def test_date_change_changes_the_map(monkeypatch, small):
    at = _app(monkeypatch, small)
    before, summary_before = _map_html(at), _summary(at).copy()
    at.date_input(key="as_of").set_value(END - dt.timedelta(days=1)).run()
    assert not at.exception
    after = _map_html(at)
    assert after != before and "30/09/2021" in before and "29/09/2021" in after
    assert not _summary(at).equals(summary_before)


def test_language_switch(monkeypatch, small):
    at = _app(monkeypatch, small)
    at.sidebar.radio(key="lang").set_value("en").run()
    assert not at.exception
    assert at.title[0].value.startswith("Vungxanh")
    assert "Wards" in _summary(at).columns


def test_ward_table_shows_notes_as_text(monkeypatch, small):
    at = _app(monkeypatch, small)
    table = at.dataframe[1].value
    assert XSS_NOTE in set(table["Ghi chú"])  # plain text in a grid cell, not HTML
    assert XSS_NOTE not in _map_html(at)  # the map's HTML holds it only escaped


def test_bad_upload_lists_every_error_and_stores_nothing(monkeypatch, small):
    at = _app(monkeypatch, small)
    before = _count_reports(small)
    bad = "ngày,mã phường,cấp độ\n31/09/2021,90001,xanh\n30/09/2021,99999,vàng\n"
    at.file_uploader[0].set_value(("bad.csv", bad.encode(), "text/csv")).run()
    assert not at.exception
    assert at.error and "lỗi" in at.error[0].value
    errors = at.dataframe[-1].value
    assert {"Dòng", "Cột", "Giá trị", "Lý do"} <= set(errors.columns)
    assert {"2", "3"} <= set(errors["Dòng"]) and len(errors) >= 3
    assert not [b for b in at.button if b.label == "Lưu"]
    assert _count_reports(small) == before


def test_valid_upload_is_stored_only_after_confirmation(monkeypatch, small):
    at = _app(monkeypatch, small)
    assert at.dataframe[1].value.set_index("Mã phường").loc["90005", "Cấp độ"] == "Chưa có dữ liệu"
    before = _count_reports(small)
    good = "date,ward_code,level,note\n2021-09-30,90005,đỏ,mới\n"
    at.file_uploader[0].set_value(("good.csv", good.encode(), "text/csv")).run()
    assert at.success and _count_reports(small) == before
    save = next(b for b in at.button if b.label == "Lưu")
    assert save.disabled  # no uploader name yet
    at.text_input(key="upload_user").set_value("Tổ Covid phường 5").run()
    next(b for b in at.button if b.label == "Lưu").click().run()
    assert not at.exception
    assert _count_reports(small) == before + 1
    assert any("Đã lưu" in s.value for s in at.success)
    wards = at.dataframe[1].value.set_index("Mã phường")
    assert wards.loc["90005", "Cấp độ"] == "Vùng đỏ"  # was unknown: the map reran too


def test_problems_frame_in_both_languages():
    problems = [Problem(None, None, "", "not a table", "không phải bảng"),
                Problem(4, "level", "vàng", "unknown level", "cấp độ không hợp lệ")]
    vi = problems_frame(problems, "vi")
    assert vi.to_dict("list") == {"Dòng": ["(cả tệp)", "4"], "Cột": ["", "level"],
                                  "Giá trị": ["", "vàng"],
                                  "Lý do": ["không phải bảng", "cấp độ không hợp lệ"]}
    assert problems_frame(problems, "en")["Reason"].tolist() == ["not a table",
                                                                 "unknown level"]


def _count_reports(url: str) -> int:
    from data.store import Store

    store = Store(url)
    try:
        return store.table_counts()["zone_reports"]
    finally:
        store.dispose()
