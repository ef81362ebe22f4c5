"""An XLSX worksheet's rows as the text a reporter typed, read in one streamed pass
(`data.ingest.decode` opens the workbook read-only, values only).

A formula cell reads as its saved value: what Excel or LibreOffice calculated when the file
was saved. A formula with no saved value (a file a program wrote and no spreadsheet ever
calculated, such as `=1+1` written by openpyxl) has nothing to read: it is reported with
its place, never taken for a blank cell. openpyxl says None for both, so the cells are read
by its own sheet parser, taught to tell them apart.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

from openpyxl.utils import get_column_letter
from openpyxl.worksheet._reader import FORMULA_TAG, VALUE_TAG, WorkSheetParser


@dataclass(frozen=True)
class Unsaved:
    """A cell holding a formula with no saved value."""

    row: int  # spreadsheet row
    column: int  # 0-based position in the row
    formula: str  # as written, `=1+1` ("" for a shared formula's other cells)

    @property
    def cell(self) -> str:
        """The cell's reference, as a spreadsheet names it (`E2`)."""
        return f"{get_column_letter(self.column + 1)}{self.row}"


class _NoSavedValue:
    """What the parser reads for a formula cell without a saved value."""

    def __init__(self, formula: str):
        self.formula = formula


class _Parser(WorkSheetParser):
    """openpyxl's sheet parser (values only), except that a formula cell with no saved
    value reads as _NoSavedValue. An empty `<v>` is no value for a number (openpyxl writes
    one) but is one for a text result (`t="str"`: a formula that gave "")."""

    def parse_cell(self, element):
        cell = super().parse_cell(element)
        if cell["value"] is None and (formula := element.find(FORMULA_TAG)) is not None:
            saved = element.find(VALUE_TAG)
            if saved is None or (not saved.text and element.get("t") != "str"):
                cell["value"] = _NoSavedValue(f"={formula.text}" if formula.text else "")
        return cell


def sheet_rows(sheet, unsaved: list[Unsaved]):
    """Yield (row number, cells as text) of a read-only worksheet, every row with a cell
    in the file (the sheet's recorded used range is not trusted: writers get it wrong).
    Each formula cell with no saved value reads as "" and is appended to `unsaved`."""
    book = sheet.parent
    with sheet._get_source() as src:  # the sheet's XML, streamed (openpyxl reads it so)
        parser = _Parser(src, sheet._shared_strings, data_only=True, epoch=book.epoch,
                         date_formats=book._date_formats,
                         timedelta_formats=book._timedelta_formats)
        for number, cells in parser.parse():
            yield number, _texts(number, cells, unsaved)


def _texts(number: int, cells: list[dict], unsaved: list[Unsaved]) -> list[str]:
    """One row's cells by column (a cell missing from the file is "")."""
    width = max((cell["column"] for cell in cells), default=0)
    texts = [""] * width
    for cell in cells:
        column, value = cell["column"] - 1, cell["value"]
        if isinstance(value, _NoSavedValue):
            unsaved.append(Unsaved(number, column, value.formula))
        else:
            texts[column] = cell_text(value)
    return texts


def cell_text(value) -> str:
    """An XLSX cell as the text a reporter would have typed: real date cells become
    YYYY-MM-DD, whole numbers lose Excel's float form (9541.0 → 9541)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)
