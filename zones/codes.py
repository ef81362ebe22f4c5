"""Unit codes as the GSO writes them: ward (commune-level) codes are 5 digits, district
codes 3, province codes 2, always strings; a code typed without its leading zeros (`9541`)
means the padded one (`09541`). Only ASCII digits pad: other digits (Arabic-Indic,
full-width…) are not a code, whatever `str.isdigit` says."""

from __future__ import annotations

WIDTH = {"province": 2, "district": 3, "ward": 5}


def is_ascii_digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def pad_code(text: str, width: int = WIDTH["ward"]) -> str | None:
    """`text` zero-padded to `width` if it is 1 to `width` ASCII digits, else None."""
    return text.zfill(width) if is_ascii_digits(text) and len(text) <= width else None
