"""A workbook with several sheets (issue #21, finding 3): the sheet whose header names the
zone file's columns is read whatever tab was open when it was saved, every other sheet
with data is named in a warning, and two sheets of zone data refuse the file."""

import pytest

from data.ingest.zone_file import ingest_file, validate_bytes
from i18n import t
from tests.support.ingest_files import (
    CANONICAL,
    DAY,
    POLICY,
    SMALL_AREAS,
    TODAY,
    VI_HEADER,
    as_tuples,
    load_small_areas,
    row,
    workbook_xlsx,
)

INSTRUCTIONS = [["Hướng dẫn điền báo cáo cấp độ vùng"], [],
                ["Mỗi tổ dân phố một dòng; ngày viết DD/MM/YYYY."],
                ["Cấp độ: xanh, vàng, cam, đỏ."]]
ZONE = [VI_HEADER, row(), row(block="TDP02", level="đỏ", cases="3"),
        row(ward="9541", block="TDP20", level="Phong tỏa"), row(block="", level="da cam")]
STORED = [("09541", "TDP20", DAY, "phong_toa", 0, 5, None),
          ("90001", "", DAY, "da_cam", 0, 5, None),
          ("90001", "TDP01", DAY, "xanh", 0, 5, None),
          ("90001", "TDP02", DAY, "do", 3, 5, None)]
CONTACTS = [["Họ tên", "Điện thoại"], ["Nguyễn Văn An", "0912 345 678"]]


@pytest.fixture
def areas_store(store):
    load_small_areas(store)
    return store


def _ingest(store, raw):
    return ingest_file(store, raw, "ngay19.xlsx", user="Lan", today=TODAY, policy=POLICY)


def _skipped(sheet: str, read: str, lang: str) -> str:
    return t("ingest.xlsx_sheet_skipped", lang, sheet=sheet, read=read)


def test_zone_data_on_sheet_two_behind_an_instructions_sheet_is_read(areas_store):
    raw = workbook_xlsx({"Hướng dẫn": INSTRUCTIONS, "Báo cáo": ZONE}, active=0)
    report, outcome = _ingest(areas_store, raw)
    assert report.errors == [] and report.row_count == 4
    assert outcome is not None and outcome.changed == 4
    assert as_tuples(areas_store.reports()) == STORED
    [warning] = report.warnings
    assert warning.row is None and "Hướng dẫn" in warning.reason
    assert warning.reason == _skipped("Hướng dẫn", "Báo cáo", "en")


def test_other_sheet_with_unrelated_data_is_named_in_a_warning(areas_store):
    raw = workbook_xlsx({"Báo cáo": ZONE, "Danh bạ": CONTACTS}, active=0)
    report, _ = _ingest(areas_store, raw)
    assert report.accepted and as_tuples(areas_store.reports()) == STORED
    [warning] = report.warnings
    assert warning.reason == _skipped("Danh bạ", "Báo cáo", "en") and "Danh bạ" in warning.reason


def test_two_sheets_of_zone_data_refuse_the_file_naming_both(areas_store):
    day20 = [CANONICAL, row(date="20/09/2021"), row(date="20/09/2021", block="TDP02")]
    raw = workbook_xlsx({"Ngày 19": ZONE, "Ghi chú": CONTACTS, "Ngày 20": day20}, active=2)
    before = areas_store.table_counts()
    report, outcome = _ingest(areas_store, raw)
    assert not report.accepted and outcome is None and report.row_count == 0
    [error] = report.errors
    assert (error.row, error.column) == (None, None)
    for text in (error.reason, error.reason_vi):
        assert "“Ngày 19”" in text and "“Ngày 20”" in text and "Ghi chú" not in text
    assert areas_store.table_counts() == before
    assert areas_store.reports().empty and areas_store.uploads().empty


def test_empty_active_sheet_does_not_hide_the_data():
    raw = workbook_xlsx({"Trống": [], "Báo cáo": ZONE}, active=0)
    report = validate_bytes(raw, "ngay19.xlsx", SMALL_AREAS, TODAY, POLICY)
    assert report.errors == [] and as_tuples(report.rows) == STORED
    assert report.warnings == []  # an empty sheet holds nothing to lose


def test_which_tab_was_open_does_not_change_what_is_read():
    sheets = {"Hướng dẫn": INSTRUCTIONS, "Báo cáo": ZONE, "Danh bạ": CONTACTS}
    reports = [validate_bytes(workbook_xlsx(sheets, active=i), "f.xlsx", SMALL_AREAS, TODAY,
                              POLICY) for i in range(3)]
    assert all(as_tuples(r.rows) == STORED for r in reports)
    assert {tuple(w.reason for w in r.warnings) for r in reports} == {
        (_skipped("Hướng dẫn", "Báo cáo", "en"), _skipped("Danh bạ", "Báo cáo", "en"))}


def test_messages_in_vietnamese_and_english():
    raw = workbook_xlsx({"Hướng dẫn": INSTRUCTIONS, "Báo cáo": ZONE}, active=0)
    report = validate_bytes(raw, "f.xlsx", SMALL_AREAS, TODAY, POLICY)
    [warning] = report.warnings
    assert warning.reason_vi == _skipped("Hướng dẫn", "Báo cáo", "vi") != warning.reason
    assert "Hướng dẫn" in warning.reason_vi and "Báo cáo" in warning.reason_vi
    assert report.to_json()["warnings_vi"] == [warning.reason_vi]
    assert report.to_json()["warnings"] == [warning.reason]
    both = workbook_xlsx({"A": ZONE, "B": ZONE})
    [error] = validate_bytes(both, "f.xlsx", SMALL_AREAS, TODAY, POLICY).errors
    for lang in ("en", "vi"):
        assert error.message(lang) == t("ingest.xlsx_several_tables", lang, count=2,
                                        sheets="“A”, “B”")
    assert error.reason != error.reason_vi


def test_no_sheet_of_zone_data_reads_the_one_closest_to_it():
    """A data sheet missing a required column is still the one read (and refused for it),
    not the instructions sheet in front of it."""
    no_level = [[c for i, c in enumerate(r) if i != 3] for r in ZONE]
    raw = workbook_xlsx({"Hướng dẫn": INSTRUCTIONS, "Báo cáo": no_level}, active=0)
    report = validate_bytes(raw, "f.xlsx", SMALL_AREAS, TODAY, POLICY)
    assert [(p.column, p.key) for p in report.errors] == [("level", "ingest.missing_column")]
    assert [w.reason for w in report.warnings] == [_skipped("Hướng dẫn", "Báo cáo", "en")]


def test_the_sheet_choice_takes_the_columns_a_table_needs():
    """Another kind of table (here the blocks table's columns) picks its own sheet."""
    from data.ingest.blocks import COLUMNS
    from data.ingest.decode import decode_table
    from zones.cells import Columns, alias_lookup

    blocks = [["Mã phường", "Mã tổ", "Tên tổ", "Dân số"], ["90001", "TDP01", "Tổ 1", "120"]]
    raw = workbook_xlsx({"Báo cáo": ZONE, "Tổ dân phố": blocks}, active=0)
    table = decode_table(raw, 10, columns=Columns(alias_lookup(COLUMNS), tuple(COLUMNS)))
    assert (table.sheet, table.header, table.rows) == ("Tổ dân phố", blocks[0], blocks[1:])
    assert [w.params["sheet"] for w in table.warnings] == ["Báo cáo"]
