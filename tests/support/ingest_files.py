"""Test helpers for the zone-file ingest: areas to load, and generators of zone files in
every encoding, separator and format a ward reporter's tools produce."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import unicodedata
from pathlib import Path

import openpyxl
import pandas as pd

from data.config.policy_files import load_policy

TODAY = dt.date(2021, 9, 20)
DAY = dt.date(2021, 9, 19)
POLICY = load_policy()
CANONICAL = ["date", "ward_code", "block_code", "level", "new_cases", "tests_done", "note"]
VI_HEADER = ["Ngày", "Mã phường", "Mã tổ", "Cấp độ", "Số ca mới", "Số mẫu", "Ghi chú"]
# Small made-up areas for generated files; 09541 tests zero-padding of `9541`.
SMALL_AREAS: dict[str, set[str]] = {
    "09541": {"TDP01", "TDP02", "TDP20"},
    "90001": {"TDP01", "TDP02", "A1"},
    "90002": set(),
}
# Tone marks Windows-1258 writes as separate combining bytes (grave, acute, tilde, hook,
# dot below); the other marks (circumflex, breve, horn) are part of precomposed letters.
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def small_areas_frames() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    wards = sorted(SMALL_AREAS)
    return (
        pd.DataFrame({"code": ["99"], "name": ["Tỉnh Thử"]}),
        pd.DataFrame({"code": ["901"], "name": ["Quận Thử"], "province_code": ["99"]}),
        pd.DataFrame({"code": wards, "name": [f"Phường {w}" for w in wards],
                      "district_code": ["901"] * len(wards), "population": [1000] * len(wards)}),
        pd.DataFrame([{"ward_code": w, "block_code": b, "name": f"Tổ {b}", "population": 100}
                      for w in wards for b in sorted(SMALL_AREAS[w])]),
    )


def load_small_areas(store) -> None:
    provinces, districts, wards, blocks = small_areas_frames()
    store.upsert_units(provinces, districts, wards)
    store.upsert_blocks(blocks)


def small_areas_store(directory):
    """A SQLite store in `directory` holding the small areas, for a module fixture
    (`yield from`); disposed afterwards."""
    from data.store.database import Store

    store = Store(f"sqlite:///{directory / 'store.db'}")
    load_small_areas(store)
    yield store
    store.dispose()


def load_hadong(store, shared: Path) -> None:
    """The 17 Hà Đông wards (no geometry) and their 242 blocks, read with json and csv only
    so these tests do not depend on the real boundary importer."""
    features = json.loads((shared / "boundaries" / "hanoi_hadong_wards_2021.geojson")
                          .read_text(encoding="utf-8"))["features"]
    props = pd.DataFrame([f["properties"] for f in features])
    store.upsert_units(
        props[["province_code", "province_name"]].drop_duplicates()
        .set_axis(["code", "name"], axis=1),
        props[["district_code", "district_name", "province_code"]].drop_duplicates()
        .set_axis(["code", "name", "province_code"], axis=1),
        pd.DataFrame({"code": props["ward_code"], "name": props["ward_name"],
                      "district_code": props["district_code"],
                      "population": props["pop_2019"], "geometry": None}),
    )
    blocks = pd.read_csv(shared / "samples" / "hadong_blocks.csv", dtype=str)
    store.upsert_blocks(pd.DataFrame({
        "ward_code": blocks["ward_code"], "block_code": blocks["block_code"],
        "name": blocks["block_name"], "population": blocks["population"].astype(int)}))


def hadong_known(shared: Path) -> dict[str, set[str]]:
    """What Store.known_areas() returns once load_hadong ran, without a database."""
    features = json.loads((shared / "boundaries" / "hanoi_hadong_wards_2021.geojson")
                          .read_text(encoding="utf-8"))["features"]
    known = {f["properties"]["ward_code"]: set() for f in features}
    with (shared / "samples" / "hadong_blocks.csv").open(encoding="utf-8", newline="") as fh:
        for rec in csv.DictReader(fh):
            known[rec["ward_code"]].add(rec["block_code"])
    return known


def cp1258_bytes(text: str) -> bytes:
    """Encode as Windows does for code page 1258: a letter with a tone mark is written as
    its base letter (precomposed where the code page has it) plus a combining tone byte."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES))
        tones = "".join(c for c in parts if c in _TONES)
        out += (base + tones).encode("cp1258")
    return bytes(out)


def zone_csv(rows, header=CANONICAL, *, encoding: str = "utf-8", delimiter: str = ",",
             line_end: str = "\n") -> bytes:
    """A zone CSV: encoding is a Python codec name, "utf-8-sig" (BOM), "utf-16" (BOM,
    like Excel's Unicode text) or "cp1258" (written the Windows way)."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator=line_end)
    writer.writerow(header)
    writer.writerows([["" if v is None else str(v) for v in r] for r in rows])
    text = buf.getvalue()
    if encoding == "cp1258":
        return cp1258_bytes(text)
    return text.encode(encoding)


def zone_xlsx(rows, header=CANONICAL, *, sheet: str = "BaoCao", date_cells: bool = True,
              start_row: int = 1) -> bytes:
    """A zone XLSX: dates as real Excel date cells shown DD/MM/YYYY when date_cells, and
    text written as text cells (never formulas, even when it starts with `=`)."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    _write_rows(ws, [header, *rows], date_cells=date_cells, start_row=start_row)
    return _saved(book)


def workbook_xlsx(sheets: dict[str, list[list]], active: int = 0) -> bytes:
    """A workbook with one sheet per entry (name → rows, header included; [] is an empty
    sheet), in order, the sheet at position `active` being the one open when saved."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        _write_rows(book.create_sheet(name), rows)
    book.active = active
    return _saved(book)


def _write_rows(ws, rows, *, date_cells: bool = True, start_row: int = 1) -> None:
    for i, values in enumerate(rows):
        for j, value in enumerate(values):
            if value is None or value == "":
                continue
            cell = ws.cell(row=start_row + i, column=j + 1)
            if date_cells and isinstance(value, dt.date):
                cell.value = value
                cell.number_format = "DD/MM/YYYY"
            else:
                cell.value = value.isoformat() if isinstance(value, dt.date) else value
                if isinstance(value, str):
                    cell.data_type = "s"


def _saved(book) -> bytes:
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def row(ward="90001", block="TDP01", date="19/09/2021", level="xanh", cases="0", tests="5",
        note="") -> list:
    """One CSV row in CANONICAL order, valid against SMALL_AREAS by default."""
    return [date, ward, block, level, cases, tests, note]


def as_tuples(df: pd.DataFrame) -> list[tuple]:
    """Rows of a REPORT_FIELDS frame as plain tuples (NA → None), sorted, for comparing."""
    cols = ["ward_code", "block_code", "date", "level", "new_cases", "tests_done", "note"]
    sub = df[cols].astype(object)
    recs = sub.where(sub.notna(), None).itertuples(index=False, name=None)
    return sorted(recs, key=lambda r: (r[0], r[1], r[2]))
