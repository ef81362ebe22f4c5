"""Headers and cells of every table a user gives (zone file, blocks table, plan inputs,
boundary attributes), read one way: how a header names a column, what a blank cell is,
how text is trimmed, what counts as a GSO code or a count, and which characters make a
code, date or count look right and be wrong (named, never repaired)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import pandas as pd

from zones.codes import pad_code
from zones.levels import fold

MAX_COUNT = 2**31 - 1  # the store's INTEGER column
ODD_SHOWN = 6  # odd characters a message names; more are "…"
_COUNT = re.compile(r"(-?)([0-9]+)(?:\.0+)?")


def header_key(name) -> str:
    """Header names match case-, accent- and separator-insensitively: `Mã  Phường`,
    `ma_phuong` and `MA-PHUONG` are one name. NFKC first, so full-width letters count."""
    return re.sub(r"[^0-9a-z]+", "", fold(unicodedata.normalize("NFKC", str(name))))


def alias_lookup(columns: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """header_key of every accepted spelling (the canonical name too) → canonical name;
    ValueError if one spelling would mean two columns."""
    lookup: dict[str, str] = {}
    for canon, aliases in columns.items():
        for alias in (canon, *aliases):
            if lookup.setdefault(header_key(alias), canon) != canon:
                raise ValueError(f"{alias!r} would mean both {lookup[header_key(alias)]} "
                                 f"and {canon}")
    return lookup


def match_header(names: list, lookup: dict[str, str]) -> dict[str, list[int]]:
    """Canonical column → positions of the header names that mean it (more than one
    position: the column is doubled); names that mean nothing are left out."""
    found: dict[str, list[int]] = {}
    for i, name in enumerate(names):
        canon = lookup.get(header_key(name)) if not is_blank(name) else None
        if canon is not None:
            found.setdefault(canon, []).append(i)
    return found


@dataclass(frozen=True)
class Columns:
    """The header of one kind of table: every accepted spelling (`alias_lookup`) and the
    canonical columns it must name. A workbook's sheet is that table when its header names
    them all (`data.ingest.decode` reads that sheet)."""

    lookup: dict[str, str]
    required: tuple[str, ...]

    def named(self, names: list) -> int:
        """How many distinct columns of this table the header `names` names."""
        return len(match_header(names, self.lookup))

    def named_by(self, names: list) -> bool:
        """Whether the header `names` names every required column."""
        return set(self.required) <= set(match_header(names, self.lookup))


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
    return pad_code(str(value).strip(), width)


def is_odd(ch: str) -> bool:
    """An invisible character (Unicode format, Cf: zero-width space and joiners, a BOM,
    a soft hyphen, direction marks), a digit other than 0–9 (full-width, Arabic-Indic,
    superscript…) or a letter that is not Latin (Cyrillic `х` U+0445, Greek `ο`, a
    full-width `Ｘ`; Vietnamese letters with their marks are Latin): a code, date, level
    or count holding one looks right and is not."""
    if unicodedata.category(ch) == "Cf" or (ch.isdigit() and not ch.isascii()):
        return True
    return ch.isalpha() and not ch.isascii() and \
        not unicodedata.name(ch, "").startswith("LATIN ")


def _is_space(ch: str) -> bool:
    """A space other than the ordinary one (no-break U+00A0, narrow no-break, ideographic,
    en and em spaces; line and paragraph separators)."""
    return ch != " " and unicodedata.category(ch) in ("Zs", "Zl", "Zp")


def odd_characters(text: str):
    """None, or the issue ("odd_characters", {"chars": …}) naming each odd character of
    `text` (`is_odd`, and a space other than U+0020 between its first and last visible
    characters: around them, trimming takes it) by its 1-based position, code point and
    Unicode name, as `6: U+200B ZERO WIDTH SPACE` (the first ODD_SHOWN of them). Refused,
    not repaired: a code is stored only as it was written."""
    if text.isascii():  # the common case: nothing to look at
        return None
    inside = range(len(text) - len(text.lstrip()), len(text.rstrip()))
    found = [(i + 1, ch) for i, ch in enumerate(text)
             if is_odd(ch) or (_is_space(ch) and i in inside)]
    if not found:
        return None
    named = [f"{i}: U+{ord(ch):04X} {unicodedata.name(ch, '(no name)')}"
             for i, ch in found[:ODD_SHOWN]]
    return "odd_characters", {"chars": "; ".join(named + ["…"] * (len(found) > ODD_SHOWN))}


def code_cell(value, width: int):
    """clean_code of a cell, saying why it is not a code when it looks like one: (code,
    None); (None, the `odd_characters` issue) for a value holding invisible characters or
    digits other than 0–9, named in the value as written; (None, None) for any other
    value that is not a code (the caller says "not a code" its own way)."""
    code = clean_code(value, width)
    return code, (None if code is not None else odd_characters(str(value)))


def block_code_cell(value, limit: int):
    """A block code cell (7.0, from a numeric shapefile field, is `7`): (code, None);
    (None, the `odd_characters` issue) naming invisible or look-alike characters; (None,
    None) for a code longer than `limit` characters (the caller says so its own way)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if odd := odd_characters(str(value)):
        return None, odd
    text = clean_text(value)
    return (text if len(text) <= limit else None), None


def parse_count(text: str):
    """(count, None) for a whole number ≥ 0 (`3` and `3.0` are 3; blank is NA), else
    (None, (issue, params)) with issue not_integer, negative or too_big: `3,5`, `2.5`,
    words and negatives are not counts."""
    if not text:
        return pd.NA, None
    m = _COUNT.fullmatch(text)
    if m is None:
        return None, ("not_integer", {})
    digits = m.group(2).lstrip("0") or "0"
    if m.group(1) and digits != "0":
        return None, ("negative", {})
    # Length first: int() refuses 4,300+ digits, and such a count is too big anyway.
    if len(digits) > len(str(MAX_COUNT)) or int(digits) > MAX_COUNT:
        return None, ("too_big", {"limit": MAX_COUNT})
    return int(digits), None


def parse_count_named(text: str):
    """parse_count, except that a count holding invisible characters or digits other
    than 0–9 names them (`odd_characters`) instead of saying "not an integer"."""
    odd = odd_characters(text) if text else None
    return (None, odd) if odd else parse_count(text)


def count_cell(value):
    """parse_count_named of any cell (text, int, float): `1200.0` from a numeric field is
    1200."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return parse_count_named(str(value).strip())
