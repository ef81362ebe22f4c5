"""The blocks table (`import-blocks`): ward_code, block_code, block_name, population per
tổ dân phố. A file with any problem is refused whole, with every problem and its spreadsheet
row; an accepted one is upserted, so names and populations change and polygons stay.

Also home of the small text, code and count cleaners the boundary importer shares.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from data.store import audit
from zones.levels import fold

MAX_BYTES = 20_000_000  # SPEC's upload limit
BLOCK_CODE_MAX = 32  # blocks.block_code is String(32)
# Canonical column → accepted spellings, compared after header_key (case, accents, spaces).
COLUMNS = {
    "ward_code": ("ma_phuong", "mã phường", "ma_xa", "mã xã"),
    "block_code": ("ma_to", "mã tổ", "to_dan_pho", "tổ dân phố"),
    "block_name": ("ten_to", "tên tổ", "ten_to_dan_pho", "tên tổ dân phố"),
    "population": ("dan_so", "dân số", "so_dan", "số dân", "pop_2019"),
}

MESSAGES = {  # key → (English, Vietnamese)
    "too_large": ("file larger than {limit:,} bytes", "tệp lớn hơn {limit:,} byte"),
    "not_utf8": ("not UTF-8 text (line {line}, byte offset {position}): save it as CSV UTF-8",
                 "không phải văn bản UTF-8 (dòng {line}, byte {position}): hãy lưu dạng CSV UTF-8"),
    "not_table": ("not a table", "không phải bảng dữ liệu"),
    "missing_column": ("required column {column} is missing", "thiếu cột bắt buộc {column}"),
    "two_columns": ("columns {value} both mean {column}", "các cột {value} cùng là {column}"),
    "extra_cells": ("more cells than the header has columns", "nhiều ô hơn số cột tiêu đề"),
    "missing_value": ("missing required value", "thiếu giá trị bắt buộc"),
    "bad_ward": ("not a GSO ward code (at most 5 digits)",
                 "không phải mã phường (tối đa 5 chữ số)"),
    "unknown_ward": ("unknown ward code: import the ward boundaries first",
                     "mã phường không tồn tại: hãy nhập ranh giới phường trước"),
    "long_code": (f"block code longer than {BLOCK_CODE_MAX} characters",
                  f"mã tổ dài quá {BLOCK_CODE_MAX} ký tự"),
    "negative": ("negative count", "số âm"),
    "not_integer": ("not an integer", "không phải số nguyên"),
    "duplicate": ("same block ({value}) as row {other}: rows {other} and {row}",
                  "trùng tổ ({value}) với dòng {other}: dòng {other} và {row}"),
}


# ---- cleaners shared with geo.boundaries.read ----------------------------------------------------

def header_key(name) -> str:
    """Case-, accent- and separator-insensitive form of a column name (đ → d explicitly,
    because NFD does not decompose it)."""
    # NFKC first keeps the old NFKD behaviour for compatibility forms (full-width letters).
    return re.sub(r"[^a-z0-9]+", "_", fold(unicodedata.normalize("NFKC", str(name)))).strip("_")


def is_blank(value) -> bool:
    if isinstance(value, str):
        return not value.strip()
    return value is None or bool(pd.isna(value))


def clean_text(value) -> str | None:
    """NFC, trimmed, inner runs of white space made one space; None when blank."""
    return None if is_blank(value) else " ".join(unicodedata.normalize("NFC", str(value)).split())


def clean_code(value, width: int) -> str | None:
    """A GSO code as zero-padded text (9541, 9541.0, '9541' → '09541'); None if not one.

    Padding repairs codes a spreadsheet or a numeric shapefile field took for numbers."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text.zfill(width) if text.isascii() and text.isdigit() and len(text) <= width else None


def count_problem(value) -> str | None:
    """None for a whole number ≥ 0 (3 and 3.0 count, as in SPEC); else the MESSAGES key."""
    text = str(value).strip()
    if re.fullmatch(r"-\d+(\.0*)?", text):
        return "negative"
    return None if re.fullmatch(r"\d+(\.0*)?", text) else "not_integer"


# ---- the blocks CSV -------------------------------------------------------------------------

@dataclass(frozen=True)
class BlockProblem:
    """One problem; row is the spreadsheet row (header = 1), None for the whole file."""

    row: int | None
    column: str | None
    value: str
    reason: str
    reason_vi: str

    def __str__(self) -> str:
        where = "file" if self.row is None else f"row {self.row}"
        what = f" {self.column}={self.value!r}" if self.column else ""
        return f"{where}{what}: {self.reason}"


class BlocksError(ValueError):
    """A refused blocks file, with every problem found in it."""

    def __init__(self, source, problems: list[BlockProblem]):
        self.source, self.problems = str(source), list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{self.source} refused, {len(self.problems)} problem(s):\n{lines}")


@dataclass
class BlocksSummary:
    blocks: int
    wards: int
    population: int
    inserted: int
    updated: int
    warnings: list[str] = field(default_factory=list)


def _problem(key: str, row=None, column=None, value="", **fmt) -> BlockProblem:
    en, vi = MESSAGES[key]
    args = {"row": row, "column": column, "value": value, **fmt}
    return BlockProblem(row, column, str(value), en.format(**args), vi.format(**args))


def import_blocks_csv(store, path, *, actor: str = "system") -> BlocksSummary:
    """Check the whole file against the store's wards, then upsert it in one write
    transaction that also logs it under `actor` (the account or OS user)."""
    known = store.known_areas()
    table, warnings = read_blocks_csv(path, known_wards=set(known))
    keys = zip(table["ward_code"], table["block_code"], strict=True)
    updated = sum(block in known.get(ward, ()) for ward, block in keys)
    summary = BlocksSummary(len(table), table["ward_code"].nunique(),
                            int(table["population"].sum()), len(table) - updated, updated,
                            warnings)
    sha256 = hashlib.sha256(Path(path).read_bytes()).hexdigest()  # before the write lock
    with store.write() as conn:
        store.upsert_blocks(table.rename(columns={"block_name": "name"}), conn=conn)
        audit.record(conn, actor, "blocks.import", Path(path).name,
                     sha256=sha256,
                     blocks=summary.blocks, wards=summary.wards, inserted=summary.inserted,
                     updated=summary.updated, population=summary.population)
    return summary


def read_blocks_csv(path, known_wards: set[str] | None = None) -> tuple[pd.DataFrame, list[str]]:
    """The checked table (ward_code, block_code, block_name, population) and warnings.

    Raises BlocksError listing every problem; known_wards adds the unknown-ward check."""
    rows = _rows(Path(path))
    header = rows[0] if rows else []
    if not any(not is_blank(c) for c in header):
        raise BlocksError(path, [_problem("not_table")])
    columns, problems, warnings = _map_header(header)
    records, seen = [], {}
    for number, cells in enumerate(rows[1:], start=2):
        if all(is_blank(c) for c in cells):
            continue  # blank lines count as rows (their numbers stay) but hold nothing
        record, row_problems = _check_row(number, cells, columns, len(header), known_wards)
        problems += row_problems
        key = (record.get("ward_code"), record.get("block_code"))
        if None not in key and key in seen:
            problems.append(_problem("duplicate", number, "block_code", "/".join(key),
                                     other=seen[key]))
        seen.setdefault(key, number)
        records.append(record)
    if problems:
        raise BlocksError(path, problems)
    if not records:
        warnings.append("the file has a header but no rows: 0 blocks")
    table = pd.DataFrame(records, columns=list(COLUMNS))
    table["population"] = table["population"].astype("int64")
    return table, warnings


def _rows(path: Path) -> list[list[str]]:
    """All rows as a spreadsheet numbers them: a blank line is a (empty) row, a quoted
    cell spanning lines is one row."""
    data = path.read_bytes()
    if len(data) > MAX_BYTES:
        raise BlocksError(path, [_problem("too_large", limit=MAX_BYTES)])
    try:
        text = data.decode("utf-8-sig")  # with or without BOM
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise BlocksError(path, [_problem("not_utf8", position=exc.start, line=line)]) from None
    if "\x00" in text:
        raise BlocksError(path, [_problem("not_table")])
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:
        raise BlocksError(path, [_problem("not_table")]) from None


def _map_header(header: list[str]) -> tuple[dict[str, int], list[BlockProblem], list[str]]:
    """Canonical column → cell index; problems for missing or doubled columns."""
    lookup = {header_key(a): canon for canon, aliases in COLUMNS.items()
              for a in (canon, *aliases)}
    found: dict[str, list[int]] = {}
    unknown = []
    for i, cell in enumerate(header):
        canon = lookup.get(header_key(cell))
        if canon is None:
            unknown.append(cell)
        else:
            found.setdefault(canon, []).append(i)
    problems = [_problem("two_columns", 1, canon, ", ".join(header[i] for i in idx))
                for canon, idx in found.items() if len(idx) > 1]
    problems += [_problem("missing_column", 1, canon) for canon in COLUMNS if canon not in found]
    warnings = [f"column ignored: {c!r}" for c in unknown if not is_blank(c)]
    return {canon: idx[0] for canon, idx in found.items()}, problems, warnings


def _check_row(number: int, cells: list[str], columns: dict[str, int], width: int,
               known_wards: set[str] | None) -> tuple[dict, list[BlockProblem]]:
    """One data row, normalised, and its problems (every cell is looked at)."""
    problems = []
    if any(not is_blank(c) for c in cells[width:]):
        problems.append(_problem("extra_cells", number, None, cells[width:][0].strip()))
    raw = {canon: (cells[i].strip() if i < len(cells) else "") for canon, i in columns.items()}
    record: dict = {}
    for canon, value in raw.items():
        if not value:
            problems.append(_problem("missing_value", number, canon, value))
            continue
        key, clean = _cell(canon, value, known_wards)
        if key:
            problems.append(_problem(key, number, canon, value))
        else:
            record[canon] = clean
    return record, problems


def _cell(canon: str, value: str, known_wards: set[str] | None) -> tuple[str | None, object]:
    """(problem key or None, cleaned value) for one non-blank cell."""
    if canon == "ward_code":
        code = clean_code(value, 5)
        if code is None:
            return "bad_ward", None
        return ("unknown_ward", None) if known_wards is not None and code not in known_wards \
            else (None, code)
    if canon == "population":
        key = count_problem(value)
        return (key, None) if key else (None, int(float(value)))
    text = clean_text(value)
    if canon == "block_code" and len(text) > BLOCK_CODE_MAX:
        return "long_code", None
    return None, text
