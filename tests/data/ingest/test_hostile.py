"""Hostile input: limits, zip bombs, things that are not tables, formulas and markup in
user text, and a fuzzer over random and mutated files (accepted or refused with a
report, never an exception, never a partial write)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import struct
import zipfile

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data.exports.levels import levels_table, write_levels
from data.ingest import decode
from data.ingest.zone_file import ingest_file, validate_bytes
from data.store import audit
from tests.support.ingest_files import (
    POLICY,
    SMALL_AREAS,
    TODAY,
    load_small_areas,
    row,
    small_areas_store,
    zone_csv,
    zone_xlsx,
)

FORMULA = "=HYPERLINK(\"http://evil.example\",\"bấm\")"
MARKUP = "<img src=x onerror=alert(1)>"


def _judge(raw: bytes, policy=POLICY):
    return validate_bytes(raw, "f", SMALL_AREAS, TODAY, policy)


def _only_error(raw: bytes, policy=POLICY):
    report = _judge(raw, policy)
    assert not report.accepted and report.rows is None
    assert [p.row for p in report.errors] == [None]
    return report.errors[0]


def test_limits_each_refused_with_a_clear_message():
    raw = zone_csv([row(), row(block="TDP02"), row(block="")])
    err = _only_error(raw, dataclasses.replace(POLICY, max_upload_bytes=len(raw) - 1))
    assert "too large" in err.reason and "quá lớn" in err.reason_vi
    err = _only_error(raw, dataclasses.replace(POLICY, max_upload_rows=2))
    assert "too many rows" in err.reason
    err = _only_error(raw, dataclasses.replace(POLICY, max_upload_seconds=0))
    assert "more than 0 seconds" in err.reason and "giây" in err.reason_vi


def test_deadline_stops_reading_a_long_file():
    rows = [row(date=f"{d}/08/2021") for d in range(1, 32)] * 200
    with pytest.raises(decode.TooSlow):
        decode.decode_table(zone_csv(rows), 10**6, decode.Deadline(0.0, 60))


def _zip(parts: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return buf.getvalue()


def test_zip_bomb_refused_before_parsing():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("xl/workbook.xml", b"<workbook/>")
        with z.open("xl/worksheets/sheet1.xml", "w") as sheet:
            chunk = b"\0" * 2**20
            for _ in range(decode.MAX_UNPACKED_BYTES // len(chunk) + 1):
                sheet.write(chunk)
    raw = buf.getvalue()
    assert len(raw) < 1_000_000  # a small file that would inflate past 200 MB
    err = _only_error(raw)
    assert "unpacks to" in err.reason


def test_zip_whose_declared_size_lies_is_not_a_table():
    raw = bytearray(zone_xlsx([row()]))
    # Shrink every declared uncompressed size in the central directory to 1 byte.
    at = raw.find(b"PK\x01\x02")
    while at != -1:
        raw[at + 24:at + 28] = struct.pack("<I", 1)
        at = raw.find(b"PK\x01\x02", at + 4)
    err = _only_error(bytes(raw))
    assert "not a table" in err.reason


@pytest.mark.parametrize("raw", [
    b"", b"   \n\n", b"\x89PNG\r\n\x1a\n" + bytes(range(256)), b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, b"PK\x03\x04garbage",
    _zip({"word/document.xml": b"<w/>"}), _zip({"xl/workbook.xml": b"<<<not xml"}),
    b"hello world", b"\0" * 64, "<html><body>bảng</body></html>".encode(),
], ids=["empty", "blank", "png", "pdf", "xls", "broken-zip", "docx", "bad-xlsx", "prose",
        "nul", "html"])
def test_not_a_table_refused_clearly(raw):
    err = _only_error(raw)
    assert "table" in err.reason or "header" in err.reason or "column" in err.reason


@pytest.fixture
def areas(store):
    load_small_areas(store)
    return store


def test_hostile_text_is_stored_as_typed_and_neutralised_in_exports(areas, tmp_path):
    wards = pd.DataFrame({"code": ["90001"], "name": [FORMULA], "district_code": ["901"]})
    areas.upsert_units(pd.DataFrame({"code": ["99"], "name": ["@SUM(A1)"]}),
                       pd.DataFrame({"code": ["901"], "name": [MARKUP],
                                     "province_code": ["99"]}), wards)
    raw = zone_csv([row(note=FORMULA), row(block="TDP02", note="+1-1\t"),
                    row(block="A1", note=MARKUP)])
    _report, outcome = ingest_file(areas, raw, f"{FORMULA}.csv", user="-lan", today=TODAY,
                                  policy=POLICY)
    assert outcome is not None
    assert FORMULA in set(areas.reports()["note"])  # stored exactly
    df = levels_table(areas, dt.date(2021, 9, 19), POLICY)
    out = io.BytesIO()
    write_levels(df, "csv", out)
    text = out.getvalue().decode("utf-8-sig")
    assert "'" + FORMULA.replace('"', '""') in text and "'@SUM(A1)" in text
    assert "\n=" not in text and ",=" not in text and ",+" not in text and ",@" not in text
    xlsx = tmp_path / "levels.xlsx"
    write_levels(df, "xlsx", xlsx)
    book = openpyxl.load_workbook(xlsx)
    cells = [c for ws in book.worksheets for r in ws.iter_rows() for c in r]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert not [c.value for c in cells if isinstance(c.value, str)
                and c.value.startswith(("=", "+", "-", "@"))]
    log = audit.export_bytes(audit.entries(areas), "csv").decode("utf-8-sig")
    assert "'=HYPERLINK" in log and ",'-lan," in log


# ---- fuzz ---------------------------------------------------------------------------

VALID = [zone_csv([row(), row(block="", level="đỏ", note="ghi chú")]),
         zone_csv([row(), row(block="TDP02")], delimiter=";", encoding="utf-16"),
         zone_xlsx([row(), row(ward="9541", block="TDP20")])]


@st.composite
def mutated(draw):
    raw = bytearray(draw(st.sampled_from(VALID)))
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(["flip", "insert", "delete", "truncate", "splice"]))
        at = draw(st.integers(0, max(len(raw) - 1, 0)))
        if kind == "flip" and raw:
            raw[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "insert":
            raw[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif kind == "delete":
            del raw[at:at + draw(st.integers(1, 32))]
        elif kind == "truncate":
            del raw[at:]
        else:
            raw[at:at] = draw(st.sampled_from([b'"', b",", b"\r\n", b"=1+1", b"\xff\xfe",
                                               b"PK\x03\x04", FORMULA.encode()]))
    return bytes(raw)


@pytest.fixture(scope="module")
def fuzz_store(tmp_path_factory):
    yield from small_areas_store(tmp_path_factory.mktemp("fuzz"))


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(raw=st.one_of(mutated(), st.binary(max_size=2048)))
def test_fuzzed_file_is_accepted_or_refused_whole(fuzz_store, raw):
    before = fuzz_store.table_counts()
    report, outcome = ingest_file(fuzz_store, raw, "fuzz.csv", user="fuzz", today=TODAY,
                                  policy=POLICY)
    after = fuzz_store.table_counts()
    if report.accepted:
        assert outcome is not None and after["uploads"] == before["uploads"] + 1
        assert after["zone_reports"] - before["zone_reports"] <= report.row_count
    else:
        assert report.errors and outcome is None and after == before
