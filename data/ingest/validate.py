"""Decide whether a raw zone table (from `data.ingest.decode`) is a valid daily zone file (SPEC
"Daily zone file") and collect every problem: header, cells, then duplicate areas.

Cells are parsed once per distinct value and mapped back to rows: a day's file repeats a
handful of dates, levels and codes, so this stays fast on 100,000 rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from operator import itemgetter

import numpy as np
import pandas as pd

from data.ingest.decode import Deadline, RawTable, problem
from data.ingest.zone_cells import parse_block, parse_date, parse_level_cell, parse_ward
from data.store.schema import REPORT_FIELDS
from zones.cells import Columns, alias_lookup, header_key, parse_count_named
from zones.problems import Problem, Term

# SPEC's column order, which is also the order of a row's problems in a report.
FIELDS = ("date", "ward_code", "block_code", "level", "new_cases", "tests_done", "note")
REQUIRED = ("date", "ward_code", "level")
COUNTS = ("new_cases", "tests_done")
VALUE_FIELDS = ("level", "new_cases", "tests_done", "note")
KEY_FIELDS = ("ward_code", "block_code", "date")
ALIASES = {
    "date": ("date", "ngay", "ngày"),
    "ward_code": ("ward_code", "ma_phuong", "mã phường", "ma_xa", "mã xã"),
    "block_code": ("block_code", "ma_to", "mã tổ", "to_dan_pho", "tổ dân phố"),
    "level": ("level", "cap_do", "cấp độ", "vung", "vùng", "muc_do"),
    "new_cases": ("new_cases", "ca_moi", "số ca mới", "f0_moi"),
    "tests_done": ("tests_done", "so_mau", "số mẫu"),
    "note": ("note", "ghi_chu", "ghi chú"),
}
_FIELD_BY_KEY = alias_lookup(ALIASES)
ZONE_COLUMNS = Columns(_FIELD_BY_KEY, REQUIRED)  # picks a workbook's sheet of zone data


@dataclass
class Outcome:
    rows: pd.DataFrame | None = None
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def validate_table(table: RawTable, known_areas: dict[str, set[str]], today: dt.date, *,
                   allowed_wards: set[str] | None = None,
                   deadline: Deadline | None = None) -> Outcome:
    """Every problem of the table; `rows` (REPORT_FIELDS) only when there is no error.

    allowed_wards: the wards the uploader may report for (None: any); a row for another
    ward is an error on that row. Raises TooSlow once `deadline` has passed.
    """
    out = Outcome()
    check = deadline.check if deadline is not None else lambda: None
    columns = _match_header(table, out)
    out.errors += [problem(n, None, "", "bad_quoting") for n in table.bad_rows]
    formulas = _unsaved_formulas(table)
    if columns is None:
        out.errors += formulas
        return out
    raw = _raw_columns(table, columns, out)
    numbers = np.asarray(table.row_numbers, dtype=np.int64)
    check()
    parsed, key_ok = _check_cells(raw, numbers, known_areas, today, out, allowed_wards)
    check()
    keep = _check_duplicates(raw, numbers, parsed, key_ok, out)
    check()
    moot = {(p.row, p.column) for p in formulas}  # the cell reads "": say why, only that
    out.errors = [p for p in out.errors if (p.row, p.column) not in moot] + formulas
    out.errors.sort(key=_order)
    out.warnings.sort(key=_order)
    if not table.rows and not out.errors:  # rows that could not be read have their error
        out.warnings.append(problem(table.header_row, None, "", "no_rows"))
    if not out.errors:  # typed as the store expects
        out.rows = pd.DataFrame({f: parsed[f][keep] for f in REPORT_FIELDS}, dtype=object)
        out.rows = out.rows.astype(dict.fromkeys(COUNTS, "Int64"))
    return out


def _order(p: Problem):
    col = FIELDS.index(p.column) if p.column in FIELDS else len(FIELDS)
    return (p.row or 0, col)


def _match_header(table: RawTable, out: Outcome) -> dict[str, int] | None:
    """Field → column position; None when the header is unusable (errors say why)."""
    positions: dict[str, list[int]] = {}
    for i, name in enumerate(table.header):
        fld = _FIELD_BY_KEY.get(header_key(name)) if name else None
        if fld is not None:
            positions.setdefault(fld, []).append(i)
        elif name:
            out.warnings.append(problem(table.header_row, None, name, "unknown_column", name=name))
        elif any(i < len(r) and r[i].strip() for r in table.rows):
            out.warnings.append(problem(table.header_row, None, "", "unnamed_column",
                                        position=i + 1))
    if not positions:
        out.warnings.clear()  # naming the columns of something that is no table helps no one
        out.errors.append(problem(None, None, "", "not_a_table_no_header"))
        return None
    for fld, idx in positions.items():
        if len(idx) > 1:
            names = ", ".join(table.header[i] for i in idx)
            out.errors.append(problem(table.header_row, fld, names, "duplicate_column",
                                      names=names, field=fld))
    for fld in REQUIRED:
        if fld not in positions:
            out.errors.append(problem(table.header_row, fld, "", "missing_column", field=fld))
    if out.errors:
        return None
    return {fld: idx[0] for fld, idx in positions.items()}


def _unsaved_formulas(table: RawTable) -> list[Problem]:
    """A problem per XLSX cell holding a formula with no saved value, in the header or
    under a column that is read (an ignored column is ignored with its formulas)."""
    found = []
    for cell in table.unsaved:
        name = table.header[cell.column] if cell.column < len(table.header) else ""
        fld = _FIELD_BY_KEY.get(header_key(name)) if name else None
        if fld is not None or cell.row == table.header_row:
            found.append(problem(cell.row, fld, cell.formula, "formula_no_value",
                                 cell=cell.cell))
    return found


def _raw_columns(table: RawTable, columns: dict[str, int], out: Outcome) -> dict:
    """Cells as read (untrimmed), one object array per field ('' for a missing column or a
    missing trailing cell). A value beyond the header's last column is an error."""
    width, n = len(table.header), len(table.rows)
    lengths = np.fromiter(map(len, table.rows), dtype=np.int64, count=n)
    for pos in np.flatnonzero(lengths > width):
        cells = table.rows[pos]
        extra = [c.strip() for c in cells[width:] if c.strip()]
        if extra:  # trailing empty cells are Excel padding; a value there is a real error
            out.errors.append(problem(table.row_numbers[pos], None, extra[0], "too_many_cells",
                                      cells=len(cells), columns=width))
    rows = table.rows
    if (lengths < width).any():
        rows = [r if len(r) >= width else r + [""] * (width - len(r)) for r in rows]
    return {fld: np.fromiter(map(itemgetter(columns[fld]), rows), dtype=object, count=n)
            if fld in columns else np.full(n, "", dtype=object) for fld in FIELDS}


def _check_cells(raw: dict, numbers: np.ndarray, known: dict[str, set[str]], today: dt.date,
                 out: Outcome, allowed: set[str] | None) -> tuple[dict, np.ndarray]:
    """Parse every cell; return parsed values per field, and per row whether its area and
    date are valid (only those rows can be compared as duplicates)."""
    parsers = {
        "date": lambda v: parse_date(v, today),
        "ward_code": lambda v: parse_ward(v, known, allowed),
        "level": parse_level_cell,
        "new_cases": parse_count_named,
        "tests_done": parse_count_named,
        "note": lambda v: (v or None, None),
    }
    parsed, bad = {}, {}
    for fld, parse in parsers.items():
        parsed[fld], bad[fld] = _apply(fld, raw[fld], raw[fld], numbers,
                                       lambda u, parse=parse: parse(u.strip()), out)
    wards = np.where(bad["ward_code"], "", parsed["ward_code"])
    pairs = wards + "\x1f" + raw["block_code"]  # one key per (ward, block) to parse once
    parsed["block_code"], bad["block_code"] = _apply(
        "block_code", pairs, raw["block_code"], numbers,
        lambda u: parse_block(*u.split("\x1f", 1), known), out)
    return parsed, ~(bad["date"] | bad["ward_code"] | bad["block_code"])


def _apply(fld: str, keys: np.ndarray, written: np.ndarray, numbers: np.ndarray, parse,
           out: Outcome) -> tuple[np.ndarray, np.ndarray]:
    """Parse each distinct key once (a file repeats few dates, levels and codes), map the
    results back to rows, and record a problem for each row whose value is bad."""
    codes, uniques = pd.factorize(keys)
    results = [parse(u) for u in uniques]
    values = np.array([r[0] for r in results], dtype=object)[codes]  # no value is a sequence
    bad = np.array([r[1] is not None for r in results], dtype=bool)[codes]
    for pos in np.flatnonzero(bad):
        issue, params = results[codes[pos]][1]
        out.errors.append(problem(int(numbers[pos]), fld, written[pos].strip(), issue, **params))
    return values, bad


# ---- duplicates -------------------------------------------------------------------------

def _check_duplicates(raw: dict, numbers: np.ndarray, parsed: dict, key_ok: np.ndarray,
                      out: Outcome) -> np.ndarray:
    """Same area and date twice: a difference is an error on the later row naming the first;
    an exact repeat is a warning and is kept once. Returns the rows to keep."""
    keep = np.ones(len(numbers), dtype=bool)
    candidates = np.flatnonzero(key_ok)
    keys = pd.DataFrame({f: parsed[f][candidates] for f in KEY_FIELDS}, dtype=object)
    first: dict[tuple, int] = {}
    for later in candidates[keys.duplicated(keep=False).to_numpy()]:
        earlier = first.setdefault(tuple(parsed[f][later] for f in KEY_FIELDS), later)
        if earlier == later:
            continue
        diff = [f for f in VALUE_FIELDS if not _same(raw, parsed, earlier, later, f)]
        if diff:
            out.errors.append(_conflict(raw, numbers, parsed, earlier, later, diff[0]))
        else:
            keep[later] = False
            out.warnings.append(problem(int(numbers[later]), None, "", "exact_duplicate",
                                        first_row=int(numbers[earlier])))
    return keep


def _same(raw: dict, parsed: dict, a: int, b: int, fld: str) -> bool:
    """Compare parsed values; a cell that did not parse compares by what was written."""
    va, vb = parsed[fld][a], parsed[fld][b]
    if va is None or vb is None:
        return va is None and vb is None and raw[fld][a].strip() == raw[fld][b].strip()
    if pd.isna(va) or pd.isna(vb):
        return pd.isna(va) and pd.isna(vb)
    return va == vb


def _conflict(raw: dict, numbers: np.ndarray, parsed: dict, earlier: int, later: int,
              fld: str) -> Problem:
    ward, block = parsed["ward_code"][later], parsed["block_code"][later]
    return problem(int(numbers[later]), fld, raw[fld][later].strip(), "conflicting_duplicate",
                   area=f"{ward}/{block}" if block else ward, first_row=int(numbers[earlier]),
                   field=Term(f"ingest.field.{fld}"), first_value=raw[fld][earlier].strip())
