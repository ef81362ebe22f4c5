"""Issue #17: the schedule's and the levels' files in either language, and every XLSX
sheet set up to print on A4. The CSV keeps its English contract header unless Vietnamese
is asked (the CLI's `--headers vi`); the XLSX and the calendar stay Vietnamese by
default and speak English when asked (the dashboard's English interface). Read back with
csv, openpyxl and icalendar."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pandas as pd
import pytest
from icalendar import Calendar

from data.exports.levels import LEVEL_COLUMNS, csv_bytes, with_headers, write_levels, xlsx_bytes
from data.exports.schedule import schedule_csv, schedule_ics, schedule_xlsx, write_schedule
from data.exports.schedule_tables import CSV_COLUMNS, HEADERS_VI
from tests.data.exports.test_schedule import AS_OF, POLICY, _areas, _rounds
from zones.schedule import plan_schedule


@pytest.fixture(scope="module")
def plan():
    """The golden plan (one area overdue), as test_schedule builds it."""
    areas = _areas()
    return plan_schedule(areas, _rounds(areas, [1, 2, 4, 13, 5, 3, 10]), AS_OF, POLICY,
                         horizon=7, capacity=3000)


def _csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_the_csv_keeps_its_contract_header_by_default(plan):
    assert schedule_csv(plan) == schedule_csv(plan, "en")
    rows = _csv(schedule_csv(plan))
    assert rows[0] == CSV_COLUMNS
    assert {r[7] for r in rows[1:]} <= {"phong_toa", "do", "da_cam", "xanh", "unknown"}


def test_the_vietnamese_csv_has_vietnamese_headers_and_labels(plan):
    data = schedule_csv(plan, "vi")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = _csv(data)
    assert rows[0] == [HEADERS_VI[c] for c in CSV_COLUMNS]
    by_block = {r[5]: r for r in rows[1:]}
    assert by_block["TDP01"][7] == "Phong tỏa" and by_block["TDP06"][7] == "Chưa có dữ liệu"
    late = next(r for r in rows[1:] if r[5] == "TDP05" and r[13] == "2")
    assert late[16] == "Lấy mẫu trễ hạn"
    assert by_block["TDP01"][6] == '\'=HYPERLINK("http://x")'  # still neutralised
    assert by_block["TDP07"][8] == "1500"  # a number, not "1.500"
    with pytest.raises(ValueError, match="fr"):
        schedule_csv(plan, "fr")


def test_the_english_xlsx_speaks_english(plan):
    book = openpyxl.load_workbook(io.BytesIO(schedule_xlsx(plan, "en")))
    assert book.sheetnames == ["Summary", "Overdue", "901 Quận Hà Đông", "902 Huyện Đồng Mai"]
    head = [c.value for c in book["901 Quận Hà Đông"][1]]
    assert head[:2] == ["Sampling date", "District code"] and head[-1] == "Why overdue"
    overdue = list(book["Overdue"].iter_rows(values_only=True))
    assert overdue[1][overdue[0].index("Zone level")] == "Red"
    assert overdue[1][overdue[0].index("Why overdue")] == "Sampled late"
    summary = list(book["Summary"].iter_rows(values_only=True))
    assert summary[1][:3] == ("Whole city", dt.datetime(2021, 9, 10), "samples")
    assert book.properties.title.startswith("vungxanh: testing schedule")


def test_the_xlsx_stays_vietnamese_by_default(plan):
    book = openpyxl.load_workbook(io.BytesIO(schedule_xlsx(plan)))
    assert book.sheetnames[:2] == ["Tổng hợp", "Quá hạn"]
    assert [c.value for c in book["Quá hạn"][1]][:2] == ["Mã quận/huyện", "Quận/huyện"]


def test_the_english_calendar_speaks_english(plan):
    cal = Calendar.from_ical(schedule_ics(plan, "en"))
    assert str(cal["X-WR-CALNAME"]) == "Testing schedule 2021-09-10"
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    first = events["round-2.90001.TDP01@vungxanh"]
    assert str(first["SUMMARY"]) == ('Testing round 2: =HYPERLINK("http://x"), '
                                     "Phường Văn Quán (Lockdown)")
    assert "Policy: golden-policy-1; as of: 2021-09-10" in str(first["DESCRIPTION"])
    late = str(events["overdue.2021-09-10@vungxanh"]["DESCRIPTION"])
    assert late.startswith("90101/TDP05 · Tổ 4, Xã Biên Giang (Red): 2 days overdue — Sampled late")
    # Vietnamese stays the calendar's default (its golden file).
    assert schedule_ics(plan) == schedule_ics(plan, "vi") != schedule_ics(plan, "en")


def test_write_schedule_takes_the_format_default_or_the_language_asked(plan):
    out = {}
    for fmt, lang in (("csv", None), ("csv", "vi"), ("xlsx", None), ("ics", "en")):
        buf = io.BytesIO()
        write_schedule(plan, fmt, buf, lang)
        out[fmt, lang] = buf.getvalue()
    assert out["csv", None] == schedule_csv(plan, "en")
    assert out["csv", "vi"] == schedule_csv(plan, "vi")
    assert out["xlsx", None] == schedule_xlsx(plan, "vi")
    assert out["ics", "en"] == schedule_ics(plan, "en")


def _levels() -> pd.DataFrame:
    row = dict.fromkeys(LEVEL_COLUMNS)
    row.update(area_type="ward", ward_code="90001", ward_name="=Phường", population=1200,
               level="do", level_label_vi="Vùng đỏ", level_label_en="Red", stale=False,
               policy_id="p1", as_of=dt.date(2021, 9, 10))
    return pd.DataFrame([row], columns=LEVEL_COLUMNS)


def test_levels_in_vietnamese_headers_keep_their_cells(tmp_path):
    df = _levels()
    assert with_headers(df, "en") is df
    vi = with_headers(df, "vi")
    assert list(vi.columns)[:2] == ["Loại khu vực", "Mã tỉnh/thành phố"]
    assert vi.set_axis(df.columns, axis=1).equals(df)  # the same cells
    write_levels(df, "csv", tmp_path / "vi.csv", headers="vi")
    rows = _csv((tmp_path / "vi.csv").read_bytes())
    assert rows[0] == list(vi.columns) and rows[1][6] == "'=Phường"
    write_levels(df, "csv", tmp_path / "en.csv")
    assert _csv((tmp_path / "en.csv").read_bytes())[0] == LEVEL_COLUMNS
    with pytest.raises(ValueError, match="GeoJSON"):
        write_levels(df, "geojson", tmp_path / "x.geojson", store=object(), headers="vi")
    assert csv_bytes(vi).startswith(b"\xef\xbb\xbf")


def _print_setup(ws) -> tuple:
    return (ws.page_setup.orientation, ws.page_setup.paperSize, ws.page_setup.fitToWidth,
            ws.page_setup.fitToHeight, ws.sheet_properties.pageSetUpPr.fitToPage,
            ws.print_title_rows)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_schedule_sheet_prints_on_a4_landscape(plan, lang):
    book = openpyxl.load_workbook(io.BytesIO(schedule_xlsx(plan, lang)))
    for ws in book.worksheets:
        assert _print_setup(ws) == ("landscape", 9, 1, 0, True, "$1:$1"), ws.title
        last = openpyxl.utils.get_column_letter(ws.max_column)
        assert ws.print_area == f"'{ws.title}'!$A$1:${last}${ws.max_row}", ws.title


def test_the_levels_sheet_prints_on_a4_landscape(tmp_path):
    write_levels(_levels(), "xlsx", tmp_path / "levels.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "levels.xlsx").worksheets[0]
    assert _print_setup(ws) == ("landscape", 9, 1, 0, True, "$1:$1")
    assert ws.print_area == f"'{ws.title}'!$A$1:$V$2"  # 22 columns, header and one row


def test_an_empty_table_still_has_a_print_area():
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes({"x": pd.DataFrame()}, {})))
    assert book["x"].print_area == "'x'!$A$1"  # openpyxl's spelling of A1:A1
