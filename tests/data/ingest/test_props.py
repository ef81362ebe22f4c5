"""Property tests (hypothesis): any accepted generated file round-trips through the store,
any rejected file stores nothing, and no bytes make the ingest raise."""

import datetime as dt
import io
import unicodedata
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete

from data.ingest.zone_file import IngestReport, ingest_file, validate_bytes
from data.store.database import Store
from data.store.schema import report_packs, uploads, zone_report_history, zone_reports
from tests.support.ingest_files import (
    CANONICAL,
    POLICY,
    SMALL_AREAS,
    TODAY,
    VI_HEADER,
    as_tuples,
    cp1258_bytes,
    small_areas_store,
    zone_csv,
    zone_xlsx,
)

AREAS = sorted((w, b) for w, blocks in SMALL_AREAS.items() for b in ["", *blocks])
SPELLINGS = {"xanh": ["xanh", "Xanh", "green", "Vùng xanh"],
             "da_cam": ["da cam", "Da_Cam", "orange", "vùng da-cam"],
             "do": ["đỏ", "Đỏ", "do", "red", "Vùng đỏ"],
             "phong_toa": ["phong tỏa", "Phong toả", "lockdown", "PHONG_TOA"]}
# Note text: letters (Vietnamese included), digits, punctuation, symbols, spaces and line
# breaks; the separators and quotes are in there, so quoting is exercised.
NOTE_CHARS = st.characters(categories=("L", "N", "P", "S", "Zs"), exclude_characters="\x85")
FORMATS = ["utf-8", "utf-8-sig", "utf-16", "cp1258", "xlsx"]


@st.composite
def zone_rows(draw):
    """(rows as written, rows expected in the store) with distinct areas and dates."""
    keys = draw(st.lists(st.tuples(st.sampled_from(AREAS),
                                   st.dates(dt.date(2021, 8, 1), TODAY)),
                         unique=True, max_size=12))
    written, expected = [], []
    for (ward, block), day in keys:
        level = draw(st.sampled_from(sorted(SPELLINGS)))
        cases = draw(st.none() | st.integers(0, 10**6))
        tests = draw(st.none() | st.integers(0, 500))
        note = draw(st.none() | st.text(NOTE_CHARS | st.just("\n"), max_size=30))
        typed_ward = ward.lstrip("0") if draw(st.booleans()) else ward
        date_text = draw(st.sampled_from([day.isoformat(), day.strftime("%d/%m/%Y"),
                                          f"{day.day}/{day.month}/{day.year}"]))
        count_text = [None if c is None else draw(st.sampled_from([str(c), f"{c}.0"]))
                      for c in (cases, tests)]
        written.append([date_text, typed_ward, block, draw(st.sampled_from(SPELLINGS[level])),
                        *count_text, note])
        clean = unicodedata.normalize("NFC", note).strip() if note else ""
        expected.append((ward, block, day, level, cases, tests, clean or None))
    return written, expected


def _encode(rows, fmt: str, delimiter: str, vi: bool) -> bytes:
    header = VI_HEADER if vi else CANONICAL
    if fmt == "xlsx":
        return zone_xlsx(rows, header, date_cells=False)
    if fmt == "cp1258":
        rows = [[_cp1258_safe(v) for v in r] for r in rows]
    return zone_csv(rows, header, encoding=fmt, delimiter=delimiter)


def _cp1258_safe(value):
    """Windows-1258 cannot write every character: keep those it can."""
    if not isinstance(value, str):
        return value
    ok = []
    for ch in value:
        try:
            cp1258_bytes(ch)
            ok.append(ch)
        except UnicodeEncodeError:
            pass
    return "".join(ok)


@pytest.fixture(scope="module")
def prop_store(tmp_path_factory):
    yield from small_areas_store(tmp_path_factory.mktemp("props"))


def _clear_reports(store: Store) -> None:
    with store.engine.begin() as c:
        for table in (report_packs, zone_report_history, zone_reports, uploads):
            c.execute(delete(table))


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=zone_rows(), fmt=st.sampled_from(FORMATS), delimiter=st.sampled_from(",;\t"),
       vi=st.booleans())
def test_accepted_file_round_trips(prop_store, data, fmt, delimiter, vi):
    written, expected = data
    raw = _encode(written, fmt, delimiter, vi)
    if fmt == "cp1258":  # characters the code page cannot hold were dropped from notes
        expected = [(*e[:6], _cp1258_note(e[6])) for e in expected]
    _clear_reports(prop_store)
    report, outcome = ingest_file(prop_store, raw, "f", user="u", today=TODAY, policy=POLICY)
    assert report.errors == []
    assert len(report.warnings) == (0 if written else 1)  # header only: one warning
    assert report.row_count == len(written)
    assert as_tuples(prop_store.reports()) == sorted(expected, key=lambda r: r[:3])
    assert outcome.changed == len(written)


def _cp1258_note(note):
    if note is None:
        return None
    return unicodedata.normalize("NFC", _cp1258_safe(note)).strip() or None


MUTATIONS = {
    "date": ["31/09/2021", "2021/09/04", "09-19-2021", "", "2099-01-01"],
    "ward": ["9999", "", "abc"],
    "block": ["ZZ99"],
    "level": ["vàng", "", "dacam", "unknown"],
    "cases": ["-1", "2.5", "3,5", "ba"],
    "tests": ["-7", "1e3"],
}
COLUMN = {"date": 0, "ward": 1, "block": 2, "level": 3, "cases": 4, "tests": 5}


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=zone_rows().filter(lambda d: d[0]), fmt=st.sampled_from(FORMATS),
       where=st.data())
def test_rejected_file_stores_nothing(prop_store, data, fmt, where):
    written, _ = data
    kind = where.draw(st.sampled_from(sorted(MUTATIONS)))
    index = where.draw(st.integers(0, len(written) - 1))
    written[index][COLUMN[kind]] = where.draw(st.sampled_from(MUTATIONS[kind]))
    raw = _encode(written, fmt, ",", vi=False)
    before = prop_store.table_counts()
    report, outcome = ingest_file(prop_store, raw, "f", user="u", today=TODAY, policy=POLICY)
    assert not report.accepted and outcome is None and report.row_count == 0
    assert index + 2 in {p.row for p in report.errors}
    assert prop_store.table_counts() == before


def _xlsx_shell(payload: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", payload)
        z.writestr("xl/workbook.xml", payload)
        z.writestr("xl/worksheets/sheet1.xml", payload)
    return buf.getvalue()


PREFIXES = [b"", b"\xef\xbb\xbf", b"\xff\xfe", b"PK\x03\x04",
            b"date,ward_code,level\n", "Ngày;Mã phường;Cấp độ\r\n".encode("utf-16")]


@settings(max_examples=300, deadline=None)
@given(prefix=st.sampled_from(PREFIXES), body=st.binary(max_size=300),
       shell=st.booleans())
def test_random_bytes_never_raise(prefix, body, shell):
    raw = _xlsx_shell(prefix + body) if shell else prefix + body
    report = validate_bytes(raw, "x", SMALL_AREAS, TODAY, POLICY)
    assert isinstance(report, IngestReport)
    assert report.accepted == (report.rows is not None)
    assert all(isinstance(p.reason, str) and p.reason_vi for p in report.errors)
    report.to_json()


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=200), delimiter=st.sampled_from(",;\t"))
def test_random_text_under_a_real_header_never_raises(text, delimiter):
    header = delimiter.join(CANONICAL) + "\n"
    report = validate_bytes((header + text).encode("utf-8", "surrogatepass"), "x",
                            SMALL_AREAS, TODAY, POLICY)
    assert isinstance(report, IngestReport)
