"""Which sheet of a workbook holds the table (issue #21). Not the tab that happened to be
open when the file was saved: the sheet whose header — its first row with a value — names
every column the table needs (`zones.cells.Columns`). A sheet of instructions, a contact
list or an empty active tab is passed over; the caller warns about every other sheet with
data, and refuses a workbook where more than one sheet looks like the table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from zones.cells import Columns, is_blank

_CLOCK_EVERY = 1024  # rows between deadline checks while looking for a header


@dataclass
class SheetChoice:
    sheet: object  # the worksheet to read
    skipped: list[str] = field(default_factory=list)  # other sheets with data, in tab order
    several: list[str] = field(default_factory=list)  # sheets that all look like the table


def choose_sheet(book, columns: Columns | None,
                 check: Callable[[], None] = lambda: None) -> SheetChoice | None:
    """The sheet to read, or None when the workbook has no worksheet at all.

    A sheet looks like the table when its header names every required column of
    `columns` (None: when it has any value). One such sheet is read; several are returned
    in `several` for the caller to refuse. When none does, the sheet naming the most of
    the table's columns is read (the open tab first among equals), so that validation says
    which column is missing rather than that instructions are no table. A workbook with no
    value anywhere reads its open tab, which is empty. `check` raises once time is up.
    """
    sheets = list(book.worksheets)  # chart sheets are not worksheets
    if not sheets:
        return None
    active = book.active if any(s is book.active for s in sheets) else sheets[0]
    found = [(s, h) for s in sheets if (h := first_row(s, check)) is not None]
    if not found:
        return SheetChoice(active)
    tables = [s for s, header in found if columns is None or columns.named_by(header)]
    if len(tables) > 1:
        return SheetChoice(tables[0], several=[s.title for s in tables])
    if tables:
        chosen = tables[0]
    else:  # max keeps the first of equals: the open tab, else the leftmost
        chosen = max(found, key=lambda f: (columns.named(f[1]), f[0] is active))[0]
    return SheetChoice(chosen, skipped=[s.title for s, _ in found if s is not chosen])


def first_row(sheet, check: Callable[[], None]) -> list | None:
    """The values of the sheet's first row with a value (its header); None if it has none."""
    sheet.reset_dimensions()  # writers often record a wrong used range; look at every row
    for number, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1):
        if number % _CLOCK_EVERY == 0:
            check()
        if not all(is_blank(v) for v in values):
            return list(values)
    return None
