"""The figures of a periodic report on a hand-built city whose every number is known:
levels and people at the end and the start, changes with dates, missing reports, cases
and tests, testing rounds (derived and recorded, one overdue), step-down eligibility;
then the same report opened as DOCX, PDF and XLSX.

District 901 (Quận Hà Đông), ISO week 2021-W36 (6–12 September 2021):
  Phường Văn Quán (90001): no row of its own, blocks TDP01 (xanh, 1,000 people) and
    TDP02 (đa cam, đỏ from 8 Sep with a case, 2,000 people, silent on 11 Sep);
  Phường Yết Kiêu (90002, no blocks, 2,000 people): đỏ, đa cam from 7 Sep, silent 9–10 Sep.
District 902: "=Xã Biên Giang" (90101), đa cam without a case since 23 Aug, no polygon.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import docx
import openpyxl
import pandas as pd
import pytest
import shapely
from fontTools.ttLib import TTFont
from pypdf import PdfReader
from shapely.geometry import box

from data.config.policy_files import load_policy
from data.exports.levels import levels_table
from data.reports.fonts import font_key, obfuscate
from data.reports.run import gather, report_bytes, report_map, run_report
from data.store.database import Store, UploadMeta

D = dt.date
FIRST, END = D(2021, 8, 23), D(2021, 9, 12)
WEEK = "week:2021-W36"
POLICY = load_policy()
HOSTILE = "=Xã Biên Giang"


def _units(store: Store) -> None:
    wkb = shapely.to_wkb
    store.upsert_units(
        pd.DataFrame({"code": ["99"], "name": ["Tỉnh Thử"]}),
        pd.DataFrame({"code": ["901", "902"], "name": ["Quận Hà Đông", "Huyện Đồng Mai"],
                      "province_code": ["99", "99"]}),
        pd.DataFrame({"code": ["90001", "90002", "90101"],
                      "name": ["Phường Văn Quán", "Phường Yết Kiêu", HOSTILE],
                      "district_code": ["901", "901", "902"], "population": [3000, 2000, 4000],
                      "geometry": [wkb(box(105.78, 20.97, 105.79, 20.98)),
                                   wkb(box(105.79, 20.97, 105.80, 20.98)), None],
                      "geometry_crs": ["EPSG:4326", "EPSG:4326", None]}))
    store.upsert_blocks(pd.DataFrame({
        "ward_code": ["90001", "90001"], "block_code": ["TDP01", "TDP02"],
        "name": ["Tổ dân phố 1", "Tổ dân phố 2"], "population": [1000, 2000]}))


def _rows(day: D) -> list[tuple]:
    rows = [("90001", "TDP01", "xanh", 0, 950 if day == D(2021, 9, 8) else 10),
            ("90101", "", "da_cam", 0, 40)]
    if day != D(2021, 9, 11):
        rows.append(("90001", "TDP02", "do" if day >= D(2021, 9, 8) else "da_cam",
                     1 if day == D(2021, 9, 8) else 0, 20))
    if day not in (D(2021, 9, 9), D(2021, 9, 10)):
        rows.append(("90002", "", "da_cam" if day >= D(2021, 9, 7) else "do",
                     2 if day == D(2021, 9, 6) else 0, 30))
    return [(w, b, day, lv, c, t, None) for w, b, lv, c, t in rows]


def _record_round(store: Store, ward: str, block: str, day: D) -> None:
    store.record_rounds(pd.DataFrame({"ward_code": [ward], "block_code": [block],
                                      "date": [day], "samples": [1]}), source="cli",
                        user="test", now=dt.datetime(2021, 9, 12, tzinfo=dt.UTC))


@pytest.fixture(scope="module")
def city(tmp_path_factory) -> Store:
    store = Store(f"sqlite:///{tmp_path_factory.mktemp('city') / 'city.db'}")
    _units(store)
    days = [FIRST + dt.timedelta(days=i) for i in range((END - FIRST).days + 1)]
    rows = pd.DataFrame([r for d in days for r in _rows(d)],
                        columns=["ward_code", "block_code", "date", "level", "new_cases",
                                 "tests_done", "note"])
    store.record_upload(UploadMeta("test", "city.csv", "c" * 64, 1), rows, {},
                        now=dt.datetime(2021, 9, 12, 20, 0, tzinfo=dt.UTC))
    _record_round(store, "90001", "TDP02", D(2021, 8, 25))  # then none: overdue
    _record_round(store, "90002", "", D(2021, 9, 10))
    yield store
    store.dispose()


@pytest.fixture(scope="module")
def week(city):
    return gather(city, POLICY, "district:901", WEEK, targets=[], today=D(2021, 10, 1))


def _levels(headline: pd.DataFrame, unit: str, suffix: str = "") -> dict[str, int]:
    rows = headline[headline[unit + suffix] != 0]
    return dict(zip(rows["level"], rows[unit + suffix], strict=True))


def test_headline(week):
    h = week.headline
    assert list(h["level"]) == ["xanh", "da_cam", "do", "phong_toa", "unknown"]
    assert _levels(h, "wards") == {"da_cam": 1, "do": 1}
    assert _levels(h, "blocks") == {"xanh": 1, "do": 1}
    assert _levels(h, "population") == {"xanh": 1000, "da_cam": 2000, "do": 2000}
    assert _levels(h, "blocks", "_start") == {"xanh": 1, "da_cam": 1}
    assert _levels(h, "population", "_start") == {"xanh": 1000, "da_cam": 2000, "do": 2000}
    assert _levels(h, "blocks", "_change") == {"da_cam": -1, "do": 1}


@pytest.mark.parametrize("day", [END, D(2021, 9, 5)])
def test_headline_equals_a_recount_of_export_levels(city, week, day):
    """Wards and blocks per level as export-levels lists them; people at the finest
    level known: a ward's blocks when any has data, else the ward itself."""
    t = levels_table(city, day, POLICY)
    t = t[t["district_code"] == "901"]
    wards, blocks = t[t["area_type"] == "ward"], t[t["area_type"] == "block"]
    people: dict[str, int] = {}
    for w in wards.itertuples():
        own = blocks[blocks["ward_code"] == w.ward_code]
        parts = own if (own["level"] != "unknown").any() else wards[wards.index == w.Index]
        for p in parts.itertuples():
            people[p.level] = people.get(p.level, 0) + int(p.population)
    suffix = "" if day == END else "_start"
    h = week.headline
    assert _levels(h, "wards", suffix) == wards["level"].value_counts().to_dict()
    assert _levels(h, "blocks", suffix) == blocks["level"].value_counts().to_dict()
    assert _levels(h, "population", suffix) == {k: v for k, v in people.items() if v}


def test_changes_with_dates(week):
    got = [(r.date, r.ward_code, r.block_code, r.from_level, r.to_level, r.direction)
           for r in week.changes.itertuples()]
    assert got == [
        (D(2021, 9, 7), "90002", "", "do", "da_cam", "better"),
        (D(2021, 9, 8), "90001", "", "da_cam", "do", "worse"),
        (D(2021, 9, 8), "90001", "TDP02", "da_cam", "do", "worse"),
    ]  # 90002 silent 9–10 Sep then đa cam again: no change, the silence is listed below


def test_missing_reports_are_listed(week):
    m = week.missing.set_index("ward_code")
    assert m.loc["90002", "dates"] == [D(2021, 9, 9), D(2021, 9, 10)]
    assert m.loc["90002", "days_missing"] == 2
    assert m.loc["90001", "days_missing"] == 0
    assert m.loc["90001", "block_days_missing"] == 1  # TDP02 on 11 Sep


def test_cases_and_tests_never_count_twice(week):
    c = week.counts
    assert c.total == {"new_cases": 3, "tests_done": 6 * 10 + 950 + 6 * 20 + 5 * 30}
    assert c.previous_period.start == D(2021, 8, 30)
    assert c.previous == {"new_cases": 0, "tests_done": 7 * (10 + 20 + 30)}
    daily = c.daily.set_index("date")
    assert daily.loc[D(2021, 9, 9), "wards_reported"] == 1
    assert daily.loc[D(2021, 9, 8), "tests_done"] == 950 + 20 + 30
    ward = c.by_ward.set_index("ward_code")
    assert ward.loc["90002", "days_reported"] == 5


def test_testing_rounds_due_done_overdue(week):
    units = week.rounds.units.set_index(["ward_code", "block_code"])
    cols = ["due", "done", "overdue", "state"]
    assert units.loc[("90001", "TDP01"), cols].tolist() == [1, 1, 0, "due"]  # derived 8 Sep
    assert units.loc[("90001", "TDP02"), cols].tolist() == [1, 0, 1, "overdue"]
    assert units.loc[("90001", "TDP02"), "last_round"] == D(2021, 8, 25)
    assert units.loc[("90002", ""), cols[:3]].tolist() == [1, 1, 0]  # recorded 10 Sep
    assert week.rounds.total == {"units": 3, "due": 3, "done": 2, "overdue": 1,
                                 "overdue_now": 1}


def test_step_down_eligibility(city, week):
    assert week.eligible.empty
    whole = gather(city, POLICY, "city", WEEK, targets=[], today=D(2021, 10, 1))
    got = whole.eligible[["ward_code", "level", "step_down_to", "case_free_days",
                          "case_free_at_least"]]
    # 21 days without a case, counted over the 15-day window the dashboard uses too
    assert got.values.tolist() == [["90101", "da_cam", "xanh", 15, True]]


def test_a_running_period_says_so(city):
    c = gather(city, POLICY, "district:901", WEEK, targets=[], today=D(2021, 9, 9))
    assert c.is_partial and c.period.end == D(2021, 9, 9)
    text = _pdf_text(report_bytes(c, "pdf", policy=POLICY))
    assert "Kỳ báo cáo chưa kết thúc: số liệu tính đến hết ngày 09/09/2021." in text


def test_run_report_writes_the_file_it_is_given(city, tmp_path):
    dest = tmp_path / "bao-cao.pdf"
    content = run_report(city, POLICY, "ward:90002", "day:2021-09-09", "pdf", dest, targets=[])
    assert dest.read_bytes().startswith(b"%PDF-")
    assert content.missing["dates"].tolist() == [[D(2021, 9, 9)]]


def test_unknown_scope_code_is_named(city):
    with pytest.raises(ValueError, match=r"no district with code '905'.*known: 901, 902"):
        gather(city, POLICY, "district:905", WEEK, targets=[])
    with pytest.raises(ValueError, match="unknown report format 'odt'"):
        run_report(city, POLICY, "city", WEEK, "odt", io.BytesIO())


def _pdf_text(data: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def test_pdf_holds_the_names_with_diacritics(city, week):
    text = _pdf_text(report_bytes(week, "pdf", policy=POLICY, map_png=report_map(city, week)))
    for words in ("UBND QUẬN HÀ ĐÔNG", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                  "Độc lập - Tự do - Hạnh phúc", "Phường Văn Quán", "Phường Yết Kiêu",
                  "Tổ dân phố 2, Phường Văn Quán", "09/09–10/09", "vn-2021-09-default",
                  "Hình 1. Bản đồ cấp độ vùng ngày 12/09/2021",
                  # the upload, stored at 20:00 UTC, in Vietnam time
                  "Dữ liệu cập nhật lần cuối lúc 03:00 13/09/2021"):
        assert words in text, words


def _docx_text(data: bytes) -> str:
    d = docx.Document(io.BytesIO(data))
    cells = [c.text for t in d.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in d.paragraphs] + cells)


def test_docx_opens_with_the_font_inside(week):
    data = report_bytes(week, "docx", policy=POLICY)
    text = _docx_text(data)
    for words in ("BAN CHỈ ĐẠO PHÒNG, CHỐNG DỊCH COVID-19", "Phường Yết Kiêu",
                  "09/09–10/09", "TM. BAN CHỈ ĐẠO"):
        assert words in text, words
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        font = TTFont(io.BytesIO(obfuscate(z.read("word/fonts/font1.odttf"),
                                           font_key("regular"))))
        assert "fontKey" in z.read("word/fontTable.xml").decode()
    assert font["name"].getDebugName(1) == "DejaVu Serif"
    assert {ord(ch) for ch in "ựỹĐơư"} <= set(font.getBestCmap())


def test_english_report(week):
    text = _pdf_text(report_bytes(week, "pdf", "en", policy=POLICY))
    for words in ("SOCIALIST REPUBLIC OF VIETNAM", "REPORT", "week 36 of 2021",
                  "Phường Yết Kiêu", "Moved to a higher level", "Orange"):
        assert words in text, words


def test_xlsx_cells_are_text_and_formulas_inert(city):
    data = io.BytesIO()
    run_report(city, POLICY, "city", WEEK, "xlsx", data, targets=[], today=D(2021, 10, 1))
    book = openpyxl.load_workbook(io.BytesIO(data.getvalue()))
    assert {"Thông tin", "Tổng hợp", "Thay đổi cấp độ", "Thiếu báo cáo"} <= set(book.sheetnames)
    names = [c for row in book["Theo phường"].iter_rows(min_row=2) for c in row
             if isinstance(c.value, str) and "Biên Giang" in c.value]
    assert [(c.value, c.data_type) for c in names] == [("'" + HOSTILE, "s")]
    assert "policy_id=vn-2021-09-default" in book.properties.keywords


def test_a_scope_without_polygons_says_there_is_no_map(city):
    c = gather(city, POLICY, "ward:90101", WEEK, targets=[], today=D(2021, 10, 1))
    assert report_map(city, c) is None
    assert "Chưa có ranh giới" in _pdf_text(report_bytes(c, "pdf", policy=POLICY))


@pytest.mark.parametrize(("lang", "says", "never"), [
    ("vi", ["20,0 % dân số", "đạt 85,7 %.", "90,0 % dân số", "5.000", "40,0 %"],
     ["85.7", "5,000", "85,7%"]),
    ("en", ["20.0 % of the population", "(85.7 %)", "90.0 % of its population", "5,000",
            "40.0 %"], ["85,7", "5.000", "85.7%"]),
])
def test_numbers_are_written_as_the_language_writes_them(week, lang, says, never):
    """12.345 and 91,6 % in Vietnamese, 12,345 and 91.6 % in English, as on the screens."""
    text = _docx_text(report_bytes(week, "docx", lang, policy=POLICY))
    for words in says:
        assert words in text, words
    for words in never:
        assert words not in text, words


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_xlsx_numbers_stay_numbers(city, lang):
    """Numbers are written as the language writes them in DOCX and PDF only: an XLSX
    cell holds the number itself (1130, never "1.130" or "1,130")."""
    data = io.BytesIO()
    run_report(city, POLICY, "city", WEEK, "xlsx", data, lang, targets=[],
               today=D(2021, 10, 1))
    book = openpyxl.load_workbook(io.BytesIO(data.getvalue()))
    sheet = book[{"vi": "Theo phường", "en": "By ward"}[lang]]
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row if c.value is not None]
    assert (1130, "n") in [(c.value, c.data_type) for c in cells]
    assert not [c.value for c in cells if isinstance(c.value, str)
                and re.fullmatch(r"-?\d{1,3}([.,]\d{3})+|\d+,\d+ ?%?|\d+(\.\d+)? ?%", c.value)]
