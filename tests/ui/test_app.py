"""Every dashboard page in Streamlit's AppTest: each renders without an exception, in
Vietnamese and in English, and its widgets change what it shows. Uploads and the report
form store nothing until a valid report is confirmed, then show what changed; history
shows who gave which value; targets and trends draw from data.services.figures."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from data.store.database import Store, UploadMeta
from tests.support.apptest import TIMEOUT, count_rows, goto
from tests.support.browser import END, ROOT, XSS_NOTE
from ui.pages.report_form import default_date, form_csv, prefill
from ui.pages.targets import fmt_value, map_link
from ui.pages.trends import STACK
from zones.levels import LEVELS

PAGES = ("today", "map", "table", "trends", "targets", "upload", "report", "history", "periodic",
         "schedule")


def _app(monkeypatch, url: str) -> AppTest:
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("VUNGXANH_TILES", raising=False)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    return at.run()


# ---- navigation and the map -----------------------------------------------------------


def test_opens_on_the_morning_view(monkeypatch, demo):
    at = _app(monkeypatch, demo)
    assert not at.exception
    assert at.title[0].value == "Tổng quan"  # the root URL opens the morning view
    assert at.metric[0].label == "Phường/xã đã báo cáo"


def test_empty_store_loads_the_demo(monkeypatch, sqlite_url):
    at = _app(monkeypatch, sqlite_url)
    assert not at.exception
    assert count_rows(sqlite_url, "wards") == 17  # generate_demo's default city


@pytest.mark.parametrize("path", PAGES)
def test_every_page_renders_in_both_languages(monkeypatch, demo, path):
    at = goto(_app(monkeypatch, demo), path)
    assert not at.exception, at.exception
    vi_title = at.title[0].value
    at.sidebar.radio(key="lang").set_value("en").run()
    assert not at.exception, at.exception
    assert at.title[0].value != vi_title  # still this page, now in English
    assert at.title[0].value not in ("Tổng quan", "Morning view") or path == "today"


# ---- upload ---------------------------------------------------------------------------


def test_bad_upload_lists_every_error_and_stores_nothing(monkeypatch, demo):
    at = goto(_app(monkeypatch, demo), "upload")
    before = count_rows(demo)
    bad = "ngày,mã phường,cấp độ\n31/09/2021,90001,xanh\n30/09/2021,99999,vàng\n"
    at.file_uploader[0].set_value(("bad.csv", bad.encode(), "text/csv")).run()
    assert not at.exception
    assert at.error and "lỗi" in at.error[0].value
    errors = at.dataframe[0].value
    assert list(errors.columns) == ["Dòng", "Cột", "Giá trị", "Lý do"]
    assert {"2", "3"} <= set(errors["Dòng"]) and len(errors) >= 3
    assert at.get("download_button")  # the error report
    assert not [b for b in at.button if b.label == "Lưu"]
    assert count_rows(demo) == before


def test_valid_upload_is_stored_after_confirmation_and_shows_changes(monkeypatch, demo):
    at = goto(_app(monkeypatch, demo), "upload")
    before = count_rows(demo, "uploads")
    good = "date,ward_code,block_code,level,note\n2021-09-30,90003,TDP03,đỏ,=mới\n"
    at.file_uploader[0].set_value(("good.csv", good.encode(), "text/csv")).run()
    assert at.success and count_rows(demo, "uploads") == before
    preview = at.dataframe[0].value
    assert preview["Ngày"].tolist() == ["30/09/2021"]
    assert preview["Cấp độ"].tolist() == ["Vùng đỏ"] and preview["Ghi chú"].tolist() == ["=mới"]
    assert next(b for b in at.button if b.label == "Lưu").disabled  # no uploader name yet
    at.text_input(key="upload_user").set_value("Tổ Covid phường Hải Tiến").run()
    next(b for b in at.button if b.label == "Lưu").click().run()
    assert not at.exception
    assert count_rows(demo, "uploads") == before + 1
    assert any("Đã lưu" in s.value for s in at.success)
    changed = at.dataframe[0].value
    assert changed.to_dict("records") == [{
        "Ngày": "30/09/2021", "Phường/xã": "Phường Hải Tiến", "Tổ dân phố": "Tổ dân phố 3",
        "Cấp độ trước": "Vùng xanh", "Cấp độ sau": "Vùng đỏ"}]
    assert not at.file_uploader[0].value  # emptied for the next file


# ---- report form ----------------------------------------------------------------------


def _form(at: AppTest, ward: str = "90003") -> AppTest:
    return at.selectbox(key="report_ward").set_value(ward).run()


def test_report_form_prefills_the_ward_and_stores_like_a_file(monkeypatch, demo):
    at = _form(goto(_app(monkeypatch, demo), "report"))
    assert not at.exception
    assert at.date_input(key="report_date").value == END  # the demo ends before today
    key = "rf_90003_2021-09-30_"
    assert at.selectbox(key=key).value == "da_cam"  # the ward row's own report
    assert at.selectbox(key=key + "TDP01").value == "do"
    assert at.number_input(key=key + "_tests_done").value == 9
    at.selectbox(key=key + "TDP03").set_value("phong_toa")
    at.number_input(key=key + "TDP03_new_cases").set_value(4)
    at.text_input(key=key + "TDP03_note").set_value("<b>ổ dịch</b>")
    next(b for b in at.button if b.label == "Gửi báo cáo").click().run()
    assert at.warning and count_rows(demo, "uploads") == 20  # no reporter name: nothing sent
    at.text_input(key="report_user").set_value("Tổ Covid Hải Tiến")
    next(b for b in at.button if b.label == "Gửi báo cáo").click().run()
    assert not at.exception
    assert any("Đã lưu" in s.value for s in at.success)
    changed = at.dataframe[0].value
    assert changed["Tổ dân phố"].tolist() == ["Tổ dân phố 3"]
    assert changed["Cấp độ sau"].tolist() == ["Phong tỏa"]
    store = Store(demo)
    last = store.uploads().iloc[-1]
    stored = store.reports(date_from=END, ward_codes=["90003"]).set_index("block_code")
    store.dispose()
    assert (last["channel"], last["user_name"], last["rows"]) == ("form", "Tổ Covid Hải Tiến", 6)
    assert stored.loc["TDP03", "level"] == "phong_toa" and stored.loc["TDP03", "new_cases"] == 4
    assert stored.loc["TDP03", "note"] == "<b>ổ dịch</b>"  # stored as typed
    assert at.selectbox(key=key + "TDP03").value == "phong_toa"


def test_report_form_in_english_and_another_day(monkeypatch, demo):
    at = _form(goto(_app(monkeypatch, demo), "report"))
    at.date_input(key="report_date").set_value(END - dt.timedelta(days=5)).run()
    assert not at.exception
    assert at.selectbox(key="rf_90003_2021-09-25_TDP01").value is not None
    at.sidebar.radio(key="lang").set_value("en").run()
    assert at.selectbox(key="rf_90003_2021-09-25_").label.startswith("Whole ward")


def test_form_csv_and_prefill():
    areas = pd.DataFrame({"block_code": ["", "A"], "block_name": ["", "Tổ A"]})
    levels = pd.DataFrame({"block_code": ["", "A"], "level": ["do", "unknown"],
                           "source": ["rollup", "none"]})
    todays = pd.DataFrame(columns=["block_code", "level", "new_cases", "tests_done", "note"])
    ward, block = prefill(areas, levels, todays)
    assert ward["level"] is None  # a rollup stays a rollup
    assert block["level"] is None and block["name"] == "Tổ A (A)"
    block |= {"level": "xanh", "new_cases": 2, "note": 'a, "b"\nc'}
    raw, names = form_csv(END, "90001", [ward, block])
    assert raw.decode() == ('date,ward_code,block_code,level,new_cases,tests_done,note\n'
                            '2021-09-30,90001,A,xanh,2,,"a, ""b""\nc"\n')
    assert names == ["Tổ A (A)"]
    assert default_date(dt.date(2026, 1, 5), END, demo=True) == END
    assert default_date(dt.date(2026, 1, 5), END, demo=False) == dt.date(2026, 1, 5)


# ---- history --------------------------------------------------------------------------


def test_history_lists_uploads_and_earlier_values(monkeypatch, demo):
    store = Store(demo)
    row = {"ward_code": "90001", "block_code": "TDP02", "date": END, "level": "do",
           "new_cases": 1, "tests_done": 5, "note": XSS_NOTE}
    store.record_upload(UploadMeta("Chị Lan", "sua.csv", "e" * 64, 1), pd.DataFrame([row]), {})
    store.dispose()
    at = goto(_app(monkeypatch, demo), "history")
    assert not at.exception
    uploads = at.dataframe[0].value
    assert len(uploads) == 21 and uploads.iloc[0]["Người gửi"] == "Chị Lan"
    at.text_input(key="history_search").set_value("chi lan").run()  # accents aside
    assert at.dataframe[0].value["Tệp"].tolist() == ["sua.csv"]
    at.selectbox(key="history_block").set_value("TDP02").run()
    versions = at.dataframe[1].value
    assert versions["Trạng thái"].tolist() == ["Đã bị thay thế", "Đang dùng"]
    assert versions["Người gửi"].tolist() == ["demo", "Chị Lan"]
    assert versions["Ghi chú"].iloc[-1] == XSS_NOTE  # a grid cell: text, never HTML
    at.date_input(key="history_date").set_value(END - dt.timedelta(days=1)).run()
    assert at.dataframe[1].value["Trạng thái"].tolist() == ["Đang dùng"]


# ---- targets --------------------------------------------------------------------------


def _markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_targets_cards_and_area_lists(monkeypatch, demo):
    at = goto(_app(monkeypatch, demo), "targets")
    assert not at.exception
    text = _markdown(at)
    assert "Thành phố demo, đợt B" in text and "Giá trị ví dụ" in text
    assert "TP.HCM" not in text  # HCMC's targets do not apply to the demo province 99
    cards = [t.value for t in at.text]
    assert "Mục tiêu: ≥ 99,5 %, hạn 10/10/2021" in cards
    at.date_input(key="targets_date").set_value(END - dt.timedelta(days=1)).run()
    assert not at.exception and [t.value for t in at.text] != cards
    eligible, worse = at.dataframe[0].value, at.dataframe[1].value
    assert len(eligible) == 1 and len(worse) == 2
    assert "Có thể hạ xuống" in eligible.columns and "Từ ngày" in worse.columns
    links = pd.concat([eligible, worse])["Bản đồ"]
    assert links.str.match(r"\./map\?date=2021-09-29&district=90[12]&area=9000\d").all()
    at.selectbox(key="targets_district").set_value("902").run()
    assert not at.exception
    shown = set(at.dataframe[0].value["Quận/huyện"]) if at.dataframe else set()
    assert shown <= {"Quận Demo 2"}
    assert len(at.dataframe) < 2  # district 902 has nobody eligible: said in words
    assert "Không có khu vực nào." in [t.value for t in at.text]


def test_a_bad_targets_file_is_named_not_raised(monkeypatch, demo, tmp_path):
    bad = tmp_path / "targets.toml"
    bad.write_text('id = "x"\n', encoding="utf-8")
    monkeypatch.setattr("data.config.policy_files.DEFAULT_TARGETS_PATH", bad)
    at = goto(_app(monkeypatch, demo), "targets")
    assert not at.exception
    assert at.error and "Tệp mục tiêu có lỗi" in at.error[0].value
    assert "sources" in at.error[0].value  # the problem itself, named
    at = goto(at, "trends")  # drawn without deadline rules
    assert not at.exception and len(_charts(at)) == 4


def test_value_format_and_map_link():
    share = {"kind": "share", "unit": "wards"}
    assert fmt_value(0.125, share, "vi") == "12,5 %" and fmt_value(0.125, share, "en") == "12.5 %"
    count = {"kind": "count", "unit": "population"}
    assert fmt_value(12345, count, "vi") == "12.345 người"
    assert fmt_value(None, count, "en") == "—"
    assert map_link(END, "901", "90001", "TDP01") == (
        "./map?date=2021-09-30&district=901&area=90001%2FTDP01")


# ---- trends ---------------------------------------------------------------------------


def _charts(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]


def _datasets(at: AppTest) -> list[str]:
    """Names of the charts' data sets: hashes of their content."""
    return [d.name for c in at.get("vega_lite_chart") for d in c.proto.datasets]


def test_trends_charts_follow_the_widgets(monkeypatch, demo):
    at = goto(_app(monkeypatch, demo), "trends")
    assert not at.exception
    charts = _charts(at)
    assert len(charts) == 4  # areas, population, new cases, tests
    colour = charts[0]["layer"][0]["encoding"]["color"]["scale"]
    assert colour["range"] == [LEVELS[c].colour for c in STACK]
    assert colour["domain"][0] == "Vùng xanh"
    rules = charts[0]["layer"][1]
    assert rules["mark"]["type"] == "rule"
    whole_city = _datasets(at)
    at.selectbox(key="trends_district").set_value("901").run()
    assert _datasets(at) != whole_city
    at.radio(key="trends_unit").set_value("blocks").run()
    assert "Tổ dân phố" in at.subheader[0].value
    at.sidebar.radio(key="lang").set_value("en").run()
    assert _charts(at)[0]["layer"][0]["encoding"]["color"]["scale"]["domain"][0] == "Green"
