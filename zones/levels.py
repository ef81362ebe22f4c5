"""Zone levels (cấp độ vùng): the one table of codes, labels, severity and map style,
and the parser that turns what a ward reporter typed into a level code.

Severity is a column of the table, never the order in which levels are declared
(the Covid Act Now trap named in STYLE.md).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class ZoneLevel:
    code: str
    label_vi: str
    label_en: str
    severity: int | None  # None: no data, never ranked, never counted as green
    colour: str
    pattern: str  # the non-colour cue: "solid", "hatch" (cross-hatching) or "dots"


# SPEC "Zone levels"; colours are Okabe–Ito (colour-blind safe).
LEVELS: dict[str, ZoneLevel] = {
    lv.code: lv
    for lv in (
        ZoneLevel("xanh", "Vùng xanh", "Green", 1, "#009E73", "solid"),
        ZoneLevel("da_cam", "Vùng da cam", "Orange", 2, "#E69F00", "solid"),
        ZoneLevel("do", "Vùng đỏ", "Red", 3, "#D55E00", "solid"),
        ZoneLevel("phong_toa", "Phong tỏa", "Lockdown", 4, "#3B0F2E", "hatch"),
        ZoneLevel("unknown", "Chưa có dữ liệu", "No data", None, "#BBBBBB", "dots"),
    )
}
UNKNOWN = "unknown"
REPORTABLE = tuple(c for c, lv in LEVELS.items() if lv.severity is not None)


def by_severity(codes=None) -> list[str]:
    """Reportable level codes from least to most severe (unknown excluded)."""
    pool = REPORTABLE if codes is None else [c for c in codes if c in REPORTABLE]
    return sorted(pool, key=lambda c: LEVELS[c].severity)


# Rank 0 is "no data"; ranks 1… follow the severity column, so the worst level is the
# largest rank and a rollup is a maximum. Grids, tallies and the map store ranks.
RANKED = (UNKNOWN, *by_severity())
# Display order (legends, tables, reports): least to most severe, then no data.
LEGEND_ORDER = (*by_severity(), UNKNOWN)


def severity(code: str) -> int | None:
    return LEVELS[code].severity


def label(code: str, lang: str = "vi") -> str:
    lv = LEVELS[code]
    return lv.label_vi if lang == "vi" else lv.label_en


def fold(text: str) -> str:
    """Lower-case, accent-free, NFC-independent form used for matching.

    NFD does not decompose đ/Đ, so it is mapped to d explicitly (SPEC).
    """
    text = unicodedata.normalize("NFD", text).replace("đ", "d").replace("Đ", "D")
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return text.lower()


def _key(text: str) -> str:
    # `_`, `-` and spaces are alike; runs collapse; a missing separator is no spelling.
    return re.sub(r"[\s_\-]+", " ", fold(text)).strip()


# Every spelling SPEC allows, as folded keys. Both accent placements of "phong tỏa"
# fold to the same key, as do NFC and NFD input.
_SPELLINGS: dict[str, str] = {
    "xanh": "xanh",
    "green": "xanh",
    "da cam": "da_cam",
    "orange": "da_cam",
    "do": "do",
    "red": "do",
    "phong toa": "phong_toa",
    "lockdown": "phong_toa",
}
_PREFIX = re.compile(r"^(vung|zone) ")


class LevelError(ValueError):
    """A reported level that is not one of the four reportable levels."""


def parse_level(text: str) -> str:
    """Return the level code for a reported spelling, or raise LevelError naming it.

    `unknown` is not a level a report can give (SPEC).
    """
    if text is None or not str(text).strip():
        raise LevelError("empty level")
    key = _PREFIX.sub("", _key(str(text)))
    try:
        return _SPELLINGS[key]
    except KeyError:
        raise LevelError(
            f"unknown level {text!r}: expected one of xanh, da cam, đỏ, phong tỏa "
            "(or green, orange, red, lockdown)"
        ) from None
