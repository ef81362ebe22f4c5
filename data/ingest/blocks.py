"""The blocks table (`import-blocks`): ward_code, block_code, block_name, population per
tổ dân phố. A file with any problem is refused whole, with every problem and its spreadsheet
row; an accepted one is upserted, so names and populations change and polygons stay.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from data.store import audit
from i18n import t
from zones.cells import (
    alias_lookup,
    block_code_cell,
    clean_text,
    code_cell,
    count_cell,
    is_blank,
    match_header,
)
from zones.problems import Problem, Refused

MAX_BYTES = 20_000_000  # SPEC's upload limit
BLOCK_CODE_MAX = 32  # blocks.block_code is String(32)
# Canonical column → accepted spellings, compared after header_key (case, accents, spaces).
COLUMNS = {
    "ward_code": ("ma_phuong", "mã phường", "ma_xa", "mã xã"),
    "block_code": ("ma_to", "mã tổ", "to_dan_pho", "tổ dân phố"),
    "block_name": ("ten_to", "tên tổ", "ten_to_dan_pho", "tên tổ dân phố"),
    "population": ("dan_so", "dân số", "so_dan", "số dân", "pop_2019"),
}
_LOOKUP = alias_lookup(COLUMNS)


class BlocksError(Refused):
    """A refused blocks file, with every problem found in it (Problems with a row)."""


@dataclass
class BlocksSummary:
    blocks: int
    wards: int
    population: int
    inserted: int
    updated: int
    warnings: list[str] = field(default_factory=list)


def _problem(key: str, row=None, column=None, value="", **params) -> Problem:
    return Problem(row, column, str(value), f"files.blocks.{key}", params)


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
        warnings.append(t("files.blocks.no_rows", "en"))
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


def _map_header(header: list[str]) -> tuple[dict[str, int], list[Problem], list[str]]:
    """Canonical column → cell index; problems for missing or doubled columns, and a
    warning (in English, as the CLI prints them) for each column ignored."""
    found = match_header(header, _LOOKUP)
    used = {i for idx in found.values() for i in idx}
    problems = [_problem("two_columns", 1, canon, ", ".join(header[i] for i in idx))
                for canon, idx in found.items() if len(idx) > 1]
    problems += [_problem("missing_column", 1, canon) for canon in COLUMNS if canon not in found]
    warnings = [t("files.blocks.column_ignored", "en", name=repr(c))
                for i, c in enumerate(header) if i not in used and not is_blank(c)]
    return {canon: idx[0] for canon, idx in found.items()}, problems, warnings


def _check_row(number: int, cells: list[str], columns: dict[str, int], width: int,
               known_wards: set[str] | None) -> tuple[dict, list[Problem]]:
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
        clean, issue = _cell(canon, value, known_wards)
        if issue:
            problems.append(_problem(issue[0], number, canon, value, **issue[1]))
        else:
            record[canon] = clean
    return record, problems


def _cell(canon: str, value: str, known_wards: set[str] | None):
    """(cleaned value, None) or (None, (problem key, parameters)) for one non-blank cell;
    a code holding invisible or look-alike characters names them."""
    if canon == "ward_code":
        code, odd = code_cell(value, 5)
        if code is None:
            return None, odd or ("bad_ward", {})
        if known_wards is not None and code not in known_wards:
            return None, ("unknown_ward", {})
        return code, None
    if canon == "population":
        return count_cell(value)
    if canon == "block_code":
        code, odd = block_code_cell(value, BLOCK_CODE_MAX)
        return code, (None if code is not None else odd or (
            "long_code", {"width": BLOCK_CODE_MAX}))
    return clean_text(value), None
