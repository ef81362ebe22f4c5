"""Reading a zone file by content: encodings, separators, XLSX, spreadsheet row numbers,
and what is not a table."""

import datetime as dt
import io
import unicodedata
import zipfile

import pytest

import data.ingest.decode as decode_module
from data.ingest.decode import decode_table, sniff_delimiter
from data.ingest.xlsx_rows import cell_text
from data.ingest.zone_file import validate_bytes
from tests.support.ingest_files import (
    DAY,
    POLICY,
    SMALL_AREAS,
    TODAY,
    VI_HEADER,
    cp1258_bytes,
    row,
    zone_csv,
    zone_xlsx,
)

NOTE = "Tổ trưởng: đã rà soát; nhà số 12, ngõ 4"
ROWS = [row(note=NOTE), row(block="", level="Đỏ", cases="2", tests=""),
        row(ward="9541", block="TDP20", level="Phong tỏa")]
EXPECTED = [("90001", "TDP01", DAY, "xanh", 0, 5, NOTE), ("90001", "", DAY, "do", 2, None, None),
            ("09541", "TDP20", DAY, "phong_toa", 0, 5, None)]


def _judge(raw: bytes, name="f.csv"):
    return validate_bytes(raw, name, SMALL_AREAS, TODAY, POLICY)


def _tuples(report):
    assert report.errors == [], report.errors
    df = report.rows.astype(object)
    return list(df.where(df.notna(), None).itertuples(index=False, name=None))


@pytest.mark.parametrize("encoding",
                         ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1258"])
@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
@pytest.mark.parametrize("header", ["canonical", "vi"])
def test_every_encoding_and_separator_reads_the_same_rows(encoding, delimiter, header):
    names = VI_HEADER if header == "vi" else None
    raw = zone_csv(ROWS, *([names] if names else []), encoding=encoding, delimiter=delimiter,
                   line_end="\r\n" if encoding == "cp1258" else "\n")
    assert _tuples(_judge(raw)) == EXPECTED


def test_excel_unicode_text_is_utf16_tab_with_bom():
    raw = zone_csv(ROWS, VI_HEADER, encoding="utf-16", delimiter="\t", line_end="\r\n")
    assert raw[:2] in (b"\xff\xfe", b"\xfe\xff")
    assert decode_table(raw, 10).source.startswith("csv utf-16 '\\t'")
    assert _tuples(_judge(raw)) == EXPECTED


def test_cp1258_writes_tone_marks_as_combining_bytes_and_reads_back_nfc():
    assert cp1258_bytes("Phường") == bytes.fromhex("5068FDF5CC6E67")
    raw = zone_csv([row(note="Phường Kiến Hưng: báo cáo")], VI_HEADER, encoding="cp1258",
                   delimiter=";")
    table = decode_table(raw, 10)
    assert table.source == "csv cp1258 ';'"
    assert table.header == VI_HEADER
    note = _judge(raw).rows.at[0, "note"]
    assert note == "Phường Kiến Hưng: báo cáo" and unicodedata.is_normalized("NFC", note)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16-le"])
def test_nfd_text_is_normalised_to_nfc(encoding):
    text = zone_csv([row(level="Đỏ", note="Phường Mộ Lao")], VI_HEADER).decode()
    rows = _judge(unicodedata.normalize("NFD", text).encode(encoding)).rows
    assert rows.at[0, "note"] == "Phường Mộ Lao" and rows.at[0, "level"] == "do"


def test_xlsx_that_unpacks_too_large_is_refused(monkeypatch):
    raw = zone_xlsx([row()])
    assert _judge(raw).accepted
    monkeypatch.setattr(decode_module, "MAX_UNPACKED_BYTES", 1000)
    [err] = _judge(raw).errors
    assert err.row is None and "unpacks to" in err.reason


@pytest.mark.parametrize("name", ["zone.xlsx", "zone.csv", "zone"])
def test_xlsx_is_read_by_content_whatever_its_name(name):
    xrows = [[DAY, "90001", "TDP01", "green", 0, 5, NOTE], [DAY, 90001, None, "red", 2.0, None],
             [DAY, 9541, "TDP20", "lockdown", 0, 5]]
    report = _judge(zone_xlsx(xrows), name)
    assert _tuples(report) == EXPECTED


def test_xlsx_with_text_dates_and_formula_looking_note():
    xrows = [["19/09/2021", "90001", "TDP01", "xanh", "0", "5", "=1+1"]]
    rows = _judge(zone_xlsx(xrows, date_cells=False)).rows
    assert rows.at[0, "date"] == DAY and rows.at[0, "note"] == "=1+1"


def test_xlsx_row_numbers_are_sheet_rows_with_gaps_and_offset_header():
    xrows = [row(), [None] * 7, [None] * 7, row(block="TDP02", level="tím")]
    report = _judge(zone_xlsx(xrows, start_row=3))
    assert [(p.row, p.column) for p in report.errors] == [(7, "level")]


def test_xlsx_cell_text():
    assert cell_text(dt.datetime(2021, 9, 19)) == "2021-09-19"
    assert cell_text(dt.datetime(2021, 9, 19, 8, 30)) == "2021-09-19 08:30:00"
    assert cell_text(9541.0) == "9541"
    assert cell_text(2.5) == "2.5"
    assert cell_text(None) == ""
    assert cell_text(True) == "TRUE"
    assert cell_text("Pha\u0300") == "Phà"


@pytest.mark.parametrize(("text", "expected"), [
    ("a,b;c;d\n", ";"), ("a\tb\tc\n", "\t"), ("a,b\n", ","), ("abc\n", ","),
    ("\n\n a;b\n", ";"), ('"x;y",z\n', ","),
])
def test_sniff_delimiter(text, expected):
    assert sniff_delimiter(text) == expected


def test_row_numbers_count_blank_lines_and_multiline_cells_as_one_row():
    text = ("date,ward_code,block_code,level,new_cases,tests_done,note\n"
            '19/09/2021,90001,TDP01,xanh,0,5,"dòng một\ndòng hai\r\ndòng ba"\n'
            "\n"
            " , , ,,,,\n"
            "19/09/2021,90001,TDP02,tím,0,5,\n"
            '19/09/2021,90001,A1,xanh,0,5,"x\n\ny"\n'
            "19/09/2021,90001,,xanh,-3,5,\n")
    report = _judge(text.encode())
    assert [(p.row, p.column) for p in report.errors] == [(5, "level"), (7, "new_cases")]
    table = decode_table(text.encode(), 10)
    assert table.row_numbers == [2, 5, 6, 7]
    assert table.rows[0][6] == "dòng một\ndòng hai\r\ndòng ba"


def test_blank_lines_before_the_header_are_rows_too():
    text = "\n\ndate,ward_code,level\n19/09/2021,90001,đỏ\n19/09/2021,90009,đỏ\n"
    report = _judge(text.encode())
    assert [(p.row, p.column) for p in report.errors] == [(5, "ward_code")]


def test_badly_quoted_cell_is_a_row_error_and_later_rows_are_still_checked():
    text = ('date,ward_code,block_code,level\n19/09/2021,90001,"TDP01"x,xanh\n'
            "19/09/2021,90001,TDP02,tím\n")
    report = _judge(text.encode())
    assert [(p.row, p.column) for p in report.errors] == [(2, None), (3, "level")]
    assert report.errors[0].reason.startswith("badly quoted")


def test_unclosed_quote_at_end_of_file_is_an_error_not_a_swallowed_note():
    text = 'date,ward_code,block_code,level,note\n19/09/2021,90001,TDP01,xanh,"chưa đóng\n'
    report = _judge((text + "19/09/2021,90001,TDP02,xanh,\n").encode())
    assert [(p.row, p.column) for p in report.errors] == [(2, None)]


def _zip(names: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for n, data in names.items():
            z.writestr(n, data)
    return buf.getvalue()


@pytest.mark.parametrize(("raw", "reason"), [
    (b"", "the file is empty"),
    (b"  \r\n\n\t\n", "the file is empty"),
    (b"\xef\xbb\xbf", "the file is empty"),
    ("\ufeff".encode("utf-16"), "the file is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\x01\x02", "binary"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), ".xls"),
    (_zip({"word/document.xml": b"<w/>"}), "ZIP"),
    (_zip({"xl/workbook.xml": b"not xml"}), "XLSX workbook cannot be read"),
    (b"PK\x03\x04garbage", "ZIP"),
    ("Kính gửi Ban chỉ đạo,\nxin gửi báo cáo.\n".encode(), "first row must be the header"),
    (b"\x81\x8a\x8d\x8e\x8f", "encoding"),
])
def test_not_a_table_is_one_file_level_error(raw, reason):
    report = _judge(raw, "x.csv")
    assert not report.accepted and report.rows is None
    assert len(report.errors) == 1, report.errors
    err = report.errors[0]
    assert (err.row, err.column) == (None, None)
    assert err.reason.startswith("not a table") and reason in err.reason
    assert err.reason_vi.startswith("không phải bảng dữ liệu")
    assert report.warnings == []


def test_header_only_is_accepted_with_zero_rows_and_a_warning():
    for raw in (zone_csv([]), zone_xlsx([]), zone_csv([], encoding="utf-16")):
        report = _judge(raw)
        assert report.accepted and report.row_count == 0 and len(report.rows) == 0
        assert [(p.row, p.reason) for p in report.warnings] == [
            (1, "the file has a header but no data rows")]
        assert report.to_json()["warnings"] == ["row 1: the file has a header but no data rows"]
        assert report.to_json()["warnings_vi"][0].startswith("dòng 1: ")
