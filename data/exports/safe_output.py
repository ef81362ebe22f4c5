"""Output safety shared by every export: spreadsheet formula neutralisation and HTML
escaping. Stored text is never changed (SPEC: notes are stored exactly as typed); these
apply on the way out, to the copy being written.
"""

from __future__ import annotations

import html
import re

import pandas as pd

# A spreadsheet reads a cell starting with one of these as a formula (or, for tab and
# CR, may strip them and read what follows): OWASP "CSV Injection".
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Control characters XML 1.0 cannot hold at all, so an XLSX cannot either.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def is_missing(value) -> bool:
    """None, NaN, NaT and pd.NA alike: what a writer shows as an empty cell."""
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def neutralise_formula(text: str) -> str:
    """`text` as a spreadsheet will show it, never run it: a leading ' when it starts
    with =, +, -, @, tab or CR (OWASP). Only text cells need this; a number is safe."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def xlsx_text(text: str) -> str:
    """Text for an XLSX cell: formula-neutralised; each control character XML cannot
    hold replaced by U+FFFD (openpyxl would otherwise refuse the whole file); CR and CRLF
    written as LF, since an XML reader turns a bare CR into a line end anyway."""
    text = neutralise_formula(text).replace("\r\n", "\n").replace("\r", "\n")
    return _XML_ILLEGAL.sub("\ufffd", text)


def html_text(value) -> str:
    """HTML-escaped text of a value (quotes too, so it is safe in an attribute);
    missing values become ''."""
    return "" if is_missing(value) else html.escape(str(value), quote=True)
