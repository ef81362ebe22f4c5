"""Bytes of an uploaded zone file → a raw table: NFC text cells, each data row with the
number a spreadsheet shows for it. What the cells mean (and trimming them) is
`data.ingest.validate`'s job.

The type is decided by content, never by the file's name (SPEC "Edge cases, decided"); of
a workbook, the sheet holding the table is read, whichever tab was open (`data.ingest.sheets`).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import time
import unicodedata
import zipfile
from dataclasses import dataclass, field

import openpyxl

from data.ingest.sheets import choose_sheet
from data.ingest.xlsx_rows import Unsaved, sheet_rows
from zones.cells import Columns
from zones.problems import Problem

DELIMITERS = (",", ";", "\t")
# A workbook's parts, unpacked: 200,000 rows of a zone sheet take about 60 MB (sheet and
# shared strings), and a "zip bomb" that inflates to gigabytes is refused before openpyxl
# reads a part. The sizes checked are the archive's declared ones; zipfile never inflates
# a part past its declared size (and fails its CRC if the data says otherwise).
MAX_UNPACKED_BYTES = 200_000_000
MAX_PARTS = 10_000  # a real workbook has dozens; a million empty entries is an attack
# Python's csv module stops at a cell of 131,072 characters and the row reads as badly
# quoted. A cell is never longer than its file, which max_upload_bytes bounds before it is
# read, so the csv limit is raised past any upload (once, for the process: it is global).
# 2**31 - 1 fits the C long of every platform.
CSV_FIELD_LIMIT = 2**31 - 1
csv.field_size_limit(max(csv.field_size_limit(), CSV_FIELD_LIMIT))
_CLOCK_EVERY = 1024  # rows between deadline checks (the clock is cheap, not free)
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls, or an encrypted workbook
_ZIP = b"PK\x03\x04"
_LINE = re.compile(r"[^\r\n]*")
# Control characters a real text table does not contain (tab, CR and LF are fine).
_BINARY = re.compile(r"[\x00-\x08\x0e-\x1f]")


def problem(row: int | None, column: str | None, value: str, key: str, **params) -> Problem:
    """A Problem whose message is the catalogue's ingest.<key>."""
    return Problem(row, column, value, f"ingest.{key}", params)


class NotATable(ValueError):
    """The bytes are not a table at all; `key` names the i18n message (ingest.<key>)."""

    def __init__(self, key: str, **params):
        self.key = key
        self.params = params
        super().__init__(f"not a table ({key})")


class TooSlow(NotATable):
    """Reading or checking the file took longer than the policy's max_upload_seconds."""

    def __init__(self, limit: float):
        super().__init__("too_slow", limit=limit)


@dataclass(frozen=True)
class Deadline:
    """When processing one upload must be over (time.monotonic), and the limit in seconds."""

    at: float
    seconds: float

    @classmethod
    def after(cls, seconds: float) -> Deadline:
        return cls(time.monotonic() + seconds, seconds)

    def check(self) -> None:
        if time.monotonic() > self.at:
            raise TooSlow(self.seconds)


@dataclass
class RawTable:
    header: list[str]
    header_row: int
    rows: list[list[str]]  # data rows with a value in some cell; cells untrimmed
    row_numbers: list[int]  # spreadsheet row of each data row
    source: str  # how it was read, e.g. "xlsx" or "csv utf-8 ';'"
    bad_rows: list[int] = field(default_factory=list)  # rows the CSV parser could not read
    truncated: bool = False  # more than max_rows data rows: reading stopped
    sheet: str = ""  # the workbook sheet read ("" for CSV)
    warnings: list[Problem] = field(default_factory=list)  # about the file: sheets not read
    unsaved: list[Unsaved] = field(default_factory=list)  # formulas with no saved value


def decode_table(raw: bytes, max_rows: int, deadline: Deadline | None = None, *,
                 columns: Columns | None = None) -> RawTable:
    """Read CSV (any supported encoding and separator) or XLSX bytes into a RawTable.

    Raises NotATable for an empty file or anything that is not a table. Stops after
    max_rows + 1 data rows (and sets `truncated`) so a huge file costs bounded work, and
    raises TooSlow once `deadline` has passed. `columns`: the header the table has, which
    picks a workbook's sheet (None: the sheet with data; two such sheets are refused).
    """
    if not raw.strip():
        raise NotATable("not_a_table_empty")
    if raw.startswith(_OLE2):
        raise NotATable("not_a_table_xls")
    if raw.startswith(_ZIP):
        return _xlsx_table(raw, max_rows, deadline, columns)
    text, encoding = decode_text(raw)
    delimiter = sniff_delimiter(text)
    source = f"csv {encoding} {delimiter!r}"
    return _table(_csv_records(text, delimiter), source, max_rows, deadline)


def decode_text(raw: bytes) -> tuple[str, str]:
    """Decode by BOM, else UTF-8, else Windows-1258; always NFC (cp1258 writes tone marks
    as separate combining characters, and Vietnamese matching needs one form)."""
    if raw.startswith(codecs.BOM_UTF8):
        text, encoding = _strict(raw[len(codecs.BOM_UTF8):], "utf-8"), "utf-8-sig"
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text, encoding = _strict(raw, "utf-16"), "utf-16"
    elif b"\x00" in raw:
        encoding = _utf16_without_bom(raw)
        text = _strict(raw, encoding)
    else:
        try:
            text, encoding = raw.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text, encoding = _strict(raw, "cp1258"), "cp1258"
    if _BINARY.search(text):
        raise NotATable("not_a_table_binary")
    # A second BOM (a file saved again by a tool that adds one) is not part of the header.
    return unicodedata.normalize("NFC", text).lstrip("\ufeff"), encoding


def _strict(raw: bytes, encoding: str) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError:
        raise NotATable("not_a_table_encoding") from None


def _utf16_without_bom(raw: bytes) -> str:
    """Text in UTF-16 without a BOM has a NUL in every other byte (for Vietnamese and ASCII
    text, the high byte); any other NUL means binary content."""
    head = raw[:4096]
    half = max(len(head) // 2, 1)
    even, odd = head[0::2].count(0), head[1::2].count(0)
    if len(raw) % 2 == 0 and odd > 0.4 * half and even < 0.1 * half:
        return "utf-16-le"
    if len(raw) % 2 == 0 and even > 0.4 * half and odd < 0.1 * half:
        return "utf-16-be"
    raise NotATable("not_a_table_binary")


def sniff_delimiter(text: str) -> str:
    """The separator that splits the first non-blank line into the most cells
    (comma when none splits it: a one-column file)."""
    first = next((m.group() for m in _LINE.finditer(text) if m.group().strip()), "")
    best, best_cells = ",", 1
    for delimiter in DELIMITERS:
        cells = next(csv.reader([first], delimiter=delimiter), [])
        if len(cells) > best_cells:
            best, best_cells = delimiter, len(cells)
    return best


def _csv_records(text: str, delimiter: str):
    """Yield (row number, cells) per record; a blank line is a record ([]), a quoted cell
    spanning lines is inside one record, so record order is spreadsheet row order.
    A record the parser cannot read yields (row number, None)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter,
                        skipinitialspace=True, strict=True)
    number = 0
    while True:
        number += 1
        before = reader.line_num
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error:
            yield number, None
            if reader.line_num == before:  # no progress: nothing more can be read
                return
            continue
        yield number, record


def _xlsx_table(raw: bytes, max_rows: int, deadline: Deadline | None,
                columns: Columns | None) -> RawTable:
    """The table on the sheet that holds it, with a warning naming every other sheet that
    has data; refused when several sheets look like the table."""
    book = _open_workbook(raw)
    try:
        choice = choose_sheet(book, columns, deadline.check if deadline else lambda: None)
        if choice is None:
            raise NotATable("not_a_table_xlsx", detail="no worksheet")
        if choice.several:
            raise NotATable("xlsx_several_tables", count=len(choice.several),
                            sheets=", ".join(f"“{name}”" for name in choice.several))
        unsaved: list[Unsaved] = []
        table = _table(sheet_rows(choice.sheet, unsaved), "xlsx", max_rows, deadline)
    except NotATable:
        raise
    except Exception as exc:  # a corrupt sheet surfaces while streaming its rows
        raise NotATable("not_a_table_xlsx", detail=type(exc).__name__) from None
    finally:
        book.close()
    table.sheet = choice.sheet.title
    table.unsaved = [u for u in unsaved if u.row >= table.header_row]
    table.warnings = [problem(None, None, name, "xlsx_sheet_skipped", sheet=name,
                              read=table.sheet) for name in choice.skipped]
    return table


def _open_workbook(raw: bytes):
    """The workbook, read-only; NotATable for a ZIP that is no workbook, a zip bomb or
    anything the parser fails on."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise NotATable("not_a_table_zip") from None
    if len(members) > MAX_PARTS:
        raise NotATable("xlsx_too_many_parts", parts=len(members), limit=MAX_PARTS)
    if "xl/workbook.xml" not in {m.filename for m in members}:
        raise NotATable("not_a_table_zip")
    unpacked = sum(m.file_size for m in members)  # zipfile never inflates past these sizes
    if unpacked > MAX_UNPACKED_BYTES:
        raise NotATable("xlsx_too_large", size=unpacked, limit=MAX_UNPACKED_BYTES)
    try:
        return openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # any failure of the parser on untrusted bytes: not a table
        raise NotATable("not_a_table_xlsx", detail=type(exc).__name__) from None


def _table(records, source: str, max_rows: int, deadline: Deadline | None) -> RawTable:
    """Split records into a trimmed header and data rows; skip rows with no value. Data
    cells stay untrimmed: validation trims each distinct value once, which is cheaper."""
    table = RawTable([], 0, [], [], source)
    for number, cells in records:
        if deadline is not None and number % _CLOCK_EVERY == 0:
            deadline.check()
        if cells is None:
            table.bad_rows.append(number)
            continue
        if not "".join(cells).strip():
            continue
        if not table.header_row:
            cells = [c.strip() for c in cells]
            while cells and not cells[-1]:  # Excel pads the header to the used range
                cells.pop()
            table.header, table.header_row = cells, number
        elif len(table.rows) == max_rows:
            table.truncated = True
            break
        else:
            table.rows.append(cells)
            table.row_numbers.append(number)
    if not table.header_row:
        raise NotATable("not_a_table_empty")
    return table
