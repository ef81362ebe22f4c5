"""Every rule of the daily zone file, as tables of values on either side of each boundary:
header matching, cells, duplicates, dates, counts and limits."""

import dataclasses
import datetime as dt

import pandas as pd
import pytest

from data.ingest.validate import parse_date
from data.ingest.zone_file import validate_bytes
from tests.support.ingest_files import CANONICAL, DAY, POLICY, SMALL_AREAS, TODAY, row, zone_csv
from zones.cells import header_key, parse_count


def _judge(raw: bytes, policy=POLICY, today=TODAY):
    return validate_bytes(raw, "f.csv", SMALL_AREAS, today, policy)


def _errors(rows, header=CANONICAL):
    return [(p.row, p.column, p.value) for p in _judge(zone_csv(rows, header)).errors]


def _one(**cell):
    """The single row's parsed values, or its errors."""
    report = _judge(zone_csv([row(**cell)]))
    return report.rows.iloc[0].to_dict() if report.accepted else report.errors


# ---- header ---------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "field"), [
    ("date", "date"), ("Ngày", "date"), ("NGAY", "date"), (" ngay ", "date"),
    ("ward_code", "ward_code"), ("Ward Code", "ward_code"), ("Mã phường", "ward_code"),
    ("MA_XA", "ward_code"), ("mã xã", "ward_code"), ("ma-phuong", "ward_code"),
    ("block_code", "block_code"), ("Mã tổ", "block_code"), ("to_dan_pho", "block_code"),
    ("Tổ dân phố", "block_code"), ("Tổ  Dân\u00a0Phố", "block_code"),
    ("level", "level"), ("Cấp độ", "level"), ("VÙNG", "level"), ("muc_do", "level"),
    ("Mức độ", "level"), ("new_cases", "new_cases"), ("Số ca mới", "new_cases"),
    ("F0_moi", "new_cases"), ("ca_moi", "new_cases"), ("tests_done", "tests_done"),
    ("Số mẫu", "tests_done"), ("so_mau", "tests_done"), ("Ghi chú", "note"), ("note", "note"),
    ("Ma\u0301 phu\u031bo\u031b\u0300ng", "ward_code"),  # NFD
])
def test_header_aliases(name, field):
    header = [name if c == field else c for c in CANONICAL]
    report = _judge(zone_csv([row()], header))
    assert report.accepted and report.warnings == [], (report.errors, report.warnings)


def test_header_key_ignores_case_accents_and_spaces():
    assert header_key("Mã  Phường") == header_key("ma_phuong") == "maphuong"


def test_unknown_extra_columns_are_warnings_naming_them():
    header = [*CANONICAL, "Người báo cáo", "SĐT"]
    report = _judge(zone_csv([[*row(), "Lan", "0912"]], header))
    assert report.accepted and report.row_count == 1
    assert [(p.row, p.value) for p in report.warnings] == [(1, "Người báo cáo"), (1, "SĐT")]
    assert "Người báo cáo" in report.warnings[0].reason
    assert "Người báo cáo" in report.warnings[0].reason_vi


def test_two_columns_for_one_field_is_an_error():
    header = ["date", "Ngày", "ward_code", "level"]
    report = _judge(zone_csv([["19/09/2021", "19/09/2021", "90001", "xanh"]], header))
    assert [(p.row, p.column, p.value) for p in report.errors] == [(1, "date", "date, Ngày")]


@pytest.mark.parametrize("missing", ["date", "ward_code", "level"])
def test_missing_required_column(missing):
    header = [c for c in CANONICAL if c != missing]
    rows = [[v for c, v in zip(CANONICAL, row(), strict=True) if c != missing]]
    report = _judge(zone_csv(rows, header))
    assert [(p.row, p.column) for p in report.errors] == [(1, missing)]


def test_optional_columns_may_be_absent_and_trailing_cells_blank():
    report = _judge(b"date,ward_code,level,block_code,note\n19/09/2021,90001,xanh\n")
    assert report.accepted
    rec = report.rows.iloc[0]
    assert rec["block_code"] == "" and rec["note"] is None
    assert report.rows["new_cases"].isna().all()


def test_row_with_more_cells_than_header_is_an_error():
    rows = [row(note="Nhà số 12"), [*row(block="TDP02", note="Nhà số 12"), " ngõ 4"],
            [*row(block="A1"), "", " "]]  # empty padding beyond the header is not an error
    assert _errors(rows) == [(3, None, "ngõ 4")]


def test_unnamed_column_with_values_is_a_warning():
    header = ["date", "ward_code", "", "level"]
    report = _judge(zone_csv([["19/09/2021", "90001", "x", "xanh"]], header))
    assert report.accepted and [(p.row, p.column) for p in report.warnings] == [(1, None)]
    assert "column 3" in report.warnings[0].reason


# ---- cells ----------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("2021-09-19", DAY), ("19/09/2021", DAY), ("19/9/2021", DAY), ("1/9/2021", dt.date(2021, 9, 1)),
    ("01/09/2021", dt.date(2021, 9, 1)), ("29/02/2020", dt.date(2020, 2, 29)),
    ("2021-09-20", TODAY),
    ("04-09-2021", "bad_date_format"), ("2021/09/04", "bad_date_format"),
    ("2021-9-4", "bad_date_format"), ("19/09/21", "bad_date_format"),
    ("19.09.2021", "bad_date_format"), ("Sept 19, 2021", "bad_date_format"),
    ("2021-09-19T00:00", "bad_date_format"), ("2021-09-19 08:30:00", "bad_date_format"),
    ("09/19/2021", "bad_month"), ("31/09/2021", "bad_day"), ("29/02/2021", "bad_day"),
    ("0/9/2021", "bad_day"), ("2021-00-10", "bad_month"), ("19/09/0021", "bad_year"),
    ("2021-09-21", "future_date"), ("21/09/2021", "future_date"), ("", "missing_value"),
])
def test_parse_date(text, expected):
    value, issue = parse_date(text, TODAY)
    assert (value if issue is None else issue[0]) == expected


def test_bad_day_reason_names_the_month():
    [err] = _one(date="29/02/2021")
    assert err.reason == "bad date: February has 28 days"
    assert err.reason_vi == "ngày không hợp lệ: tháng 2 có 28 ngày"


def test_future_date_depends_on_today_passed_in():
    raw = zone_csv([row(date="2021-09-21")])
    assert not _judge(raw).accepted
    assert _judge(raw, today=dt.date(2021, 9, 21)).accepted
    assert _judge(raw).errors[0].reason == "date after today (2021-09-20)"


@pytest.mark.parametrize(("text", "expected"), [
    ("0", 0), ("3", 3), ("3.0", 3), ("3.00", 3), ("007", 7), ("-0", 0), ("", None),
    ("2147483647", 2147483647), ("2147483648", "too_big"), ("9" * 5000, "too_big"),
    ("0" * 20 + "12", 12), ("-" + "9" * 5000, "negative"),
    ("-1", "negative"), ("-1.0", "negative"), ("3,5", "not_integer"), ("2.5", "not_integer"),
    ("ba", "not_integer"), ("1e3", "not_integer"), ("1 000", "not_integer"),
    ("+3", "not_integer"), ("３", "not_integer"), ("3.", "not_integer"), ("-2.5", "not_integer"),
])
def test_parse_count(text, expected):
    value, issue = parse_count(text)
    if issue is not None:
        assert issue[0] == expected
    elif expected is None:
        assert value is pd.NA
    else:
        assert value == expected and isinstance(value, int)


@pytest.mark.parametrize(("typed", "code"), [
    ("xanh", "xanh"), ("Xanh", "xanh"), ("green", "xanh"), ("Vùng xanh", "xanh"),
    ("da cam", "da_cam"), ("Da_Cam", "da_cam"), ("da-cam", "da_cam"), ("orange", "da_cam"),
    ("đỏ", "do"), ("ĐỎ", "do"), ("do", "do"), ("vùng đỏ", "do"), ("zone red", "do"),
    ("phong tỏa", "phong_toa"), ("phong toả", "phong_toa"), ("Phong_toa", "phong_toa"),
    ("lockdown", "phong_toa"), ("Phong to\u0309a", "phong_toa"), ("dacam", None),
    ("unknown", None), ("vàng", None),
])
def test_levels(typed, code):
    got = _one(level=typed)
    if code is None:
        assert [p.column for p in got] == ["level"]
        assert got[0].reason.startswith("unknown level")
    else:
        assert got["level"] == code


@pytest.mark.parametrize(("ward", "block", "expected"), [
    ("9541", "TDP01", ("09541", "TDP01")), ("09541", "", ("09541", "")),
    ("90001", "tdp02", ("90001", "TDP02")), ("90001", "A1", ("90001", "A1")),
    ("90002", "", ("90002", "")),
    ("90003", "", "ward_code"), ("9541", "TDP03", "block_code"), ("90002", "TDP01", "block_code"),
    ("", "TDP01", "ward_code"), ("090001", "", "ward_code"), ("9541.0", "", "ward_code"),
])
def test_area_codes(ward, block, expected):
    got = _one(ward=ward, block=block)
    if isinstance(expected, tuple):
        assert (got["ward_code"], got["block_code"]) == expected
    else:
        assert [p.column for p in got] == [expected]


def test_unknown_block_reason_names_the_ward():
    [err] = _one(ward="9541", block="TDP99")
    assert (err.value, err.reason) == ("TDP99", "unknown block code for ward 09541")


@pytest.mark.parametrize("column", ["date", "ward_code", "level"])
def test_missing_required_value(column):
    cells = dict(zip(CANONICAL, row(), strict=True)) | {column: "  "}
    [err] = _judge(zone_csv([list(cells.values())])).errors
    assert (err.row, err.column, err.value, err.reason) == (2, column, "",
                                                           "missing required value")


def test_notes_are_stored_as_typed_after_nfc_and_trim():
    typed = "<b>Nhà</b> =1+1 & 'quote' \"x\"\n  dòng hai"
    assert _one(note=f"  {typed} ")["note"] == typed
    assert _one(note="Phu\u031bo\u031b\u0300ng")["note"] == "Phường"
    assert _one(note="   ")["note"] is None


def test_every_problem_of_a_row_is_listed():
    errs = _errors([row(date="31/02/2021", ward="90001", block="X9", level="tím", cases="-2",
                        tests="2.5")])
    assert errs == [(2, "date", "31/02/2021"), (2, "block_code", "X9"), (2, "level", "tím"),
                    (2, "new_cases", "-2"), (2, "tests_done", "2.5")]


# ---- duplicates -----------------------------------------------------------------------

def test_exact_duplicate_after_normalisation_is_a_warning_kept_once():
    rows = [row(ward="09541", block="TDP01", date="2021-09-19", level="đỏ", cases="3"),
            row(block="TDP02"),
            row(ward="9541", block="tdp01", date="19/9/2021", level="Vùng Đỏ", cases="3.0")]
    report = _judge(zone_csv(rows))
    assert report.accepted and report.row_count == 2
    assert [(p.row, p.column) for p in report.warnings] == [(4, None)]
    assert "row 2" in report.warnings[0].reason
    assert report.to_json()["warnings"] == [
        "row 4: same area, date and values as row 2; kept once"]


@pytest.mark.parametrize(("change", "column"), [
    ({"level": "do"}, "level"), ({"cases": "1"}, "new_cases"), ({"cases": ""}, "new_cases"),
    ({"tests": "6"}, "tests_done"), ({"note": "khác"}, "note"),
    ({"level": "do", "note": "khác"}, "level"),
])
def test_same_area_and_date_with_a_difference_is_an_error_on_the_later_row(change, column):
    rows = [row(), row(block="TDP02"), row(**change)]
    report = _judge(zone_csv(rows))
    assert [(p.row, p.column) for p in report.errors] == [(4, column)]
    assert "as row 2" in report.errors[0].reason and "90001/TDP01" in report.errors[0].reason


def test_ward_row_and_block_rows_and_other_dates_are_not_duplicates():
    rows = [row(block=""), row(), row(date="18/09/2021"), row(ward="90002", block="")]
    assert _judge(zone_csv(rows)).row_count == 4


def test_three_rows_for_one_area_compare_with_the_first():
    rows = [row(), row(level="do"), row(), row(level="da cam")]
    report = _judge(zone_csv(rows))
    assert [(p.row, p.column) for p in report.errors] == [(3, "level"), (5, "level")]
    assert [p.row for p in report.warnings] == [4]


# ---- limits ---------------------------------------------------------------------------

def test_size_limit_is_a_file_level_error():
    raw = zone_csv([row()])
    small = dataclasses.replace(POLICY, max_upload_bytes=len(raw) - 1)
    [err] = _judge(raw, policy=small).errors
    assert (err.row, err.column) == (None, None) and err.reason.startswith("file too large")
    assert _judge(raw, policy=dataclasses.replace(POLICY, max_upload_bytes=len(raw))).accepted


def test_row_limit_is_a_file_level_error():
    raw = zone_csv([row(), row(block="TDP02"), row(block="A1")])
    assert _judge(raw, policy=dataclasses.replace(POLICY, max_upload_rows=3)).accepted
    [err] = _judge(raw, policy=dataclasses.replace(POLICY, max_upload_rows=2)).errors
    assert err.row is None and err.reason == "too many rows: more than 2"
