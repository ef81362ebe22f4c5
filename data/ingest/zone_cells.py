"""One cell of a zone file (and of the rounds and capacity files, `data.ingest.plan_inputs`),
parsed: a date, a ward code, a block code within its ward, a level. Each parser returns
(value, None) or (None, (message key, params)); invisible, space-like and look-alike
characters are named (`zones.cells.odd_characters`), never repaired.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from data.store.schema import WARD_ROW
from zones.cells import odd_characters
from zones.codes import pad_code
from zones.levels import LevelError, parse_level
from zones.problems import Term

EARLIEST_YEAR = 2000  # a year before this is a typo (0021, 1921), not a Covid report
_ISO = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_DAY_FIRST = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")


def parse_date(text: str, today: dt.date):
    """YYYY-MM-DD or day-first DD/MM/YYYY, D/M/YYYY; never month-first; not after today.
    Invisible characters and digits other than 0–9 are named (`odd_characters`)."""
    if not text:
        return None, ("missing_value", {})
    if odd := odd_characters(text):
        return None, odd
    if m := _ISO.fullmatch(text):
        year, month, day = (int(g) for g in m.groups())
    elif m := _DAY_FIRST.fullmatch(text):
        day, month, year = (int(g) for g in m.groups())
    else:
        return None, ("bad_date_format", {})
    if not 1 <= month <= 12:
        return None, ("bad_month", {"month_num": month})
    if year < EARLIEST_YEAR:
        return None, ("bad_year", {"year": year, "earliest": EARLIEST_YEAR})
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        return None, ("bad_day", {"month": Term(f"ingest.month.{month}"), "days": days,
                                  "year": year})
    value = dt.date(year, month, day)
    if value > today:
        return None, ("future_date", {"today": today.isoformat()})
    return value, None


def parse_ward(text: str, known: dict[str, set[str]], allowed: set[str] | None = None):
    """GSO ward code; numeric codes are zero-padded to 5 digits (`9541` → `09541`).
    A known ward outside `allowed` (the uploader's wards; None: any) is refused; one
    with invisible characters or other digits than 0–9 is named (`odd_characters`)."""
    if odd := odd_characters(text):
        return None, odd
    code = pad_code(text) or text
    if code in known and allowed is not None and code not in allowed:
        return None, ("outside_scope", {"ward": code,
                                        "allowed": ", ".join(sorted(allowed)) or "-"})
    if code in known:
        return code, None
    return None, ("unknown_ward" if text else "missing_value", {})


def parse_block(ward: str, text: str, known: dict[str, set[str]]):
    """Block code within its ward ('' when the ward code is bad); blank means the row is
    about the whole ward. A code differing only in case from one known block is that block;
    one with invisible or look-alike characters is named, whatever its ward."""
    text = text.strip()
    if not text:
        return WARD_ROW, None
    if odd := odd_characters(text):
        return None, odd
    if not ward:  # the ward code already has its own error
        return None, None
    blocks = known[ward]
    if text in blocks:
        return text, None
    same = [b for b in blocks if b.casefold() == text.casefold()]
    if len(same) == 1:
        return same[0], None
    return None, ("unknown_block", {"ward": ward})


def parse_level_cell(text: str):
    """A level in any spelling SPEC allows; `phong tỏa` with a no-break space between its
    words is still phong tỏa. A value that is no level names its odd characters, if any
    (a Cyrillic `х` in `хanh`), else lists the levels."""
    try:
        return parse_level(text), None
    except LevelError:
        pass
    if odd := odd_characters(text):
        return None, odd
    return None, ("unknown_level" if text else "missing_value", {})
