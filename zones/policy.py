"""Policy as data: parse and validate a policy TOML text into a `Policy`.

The text comes from `policy/default.toml` or a file the office supplies; reading the file
is the caller's job (`data.config.policy_files`), so this module stays free of I/O.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field

from zones.levels import LEVELS, REPORTABLE, UNKNOWN
from zones.problems import DataChecker, DataFileError, Term, key_problem

ROLLUPS = ("worst",)


class PolicyError(DataFileError):
    what = "policy"


@dataclass(frozen=True)
class Interval:
    min_days: int
    max_days: int


@dataclass(frozen=True)
class Rule:
    """Where a rule's value comes from: its source citation and effective date."""

    source: str
    citation: str
    effective_date: dt.date


@dataclass(frozen=True)
class Policy:
    id: str
    effective_date: dt.date
    title_vi: str
    title_en: str
    intervals: dict[str, Interval]  # every level, unknown included (via unknown_as)
    pooling: dict[str, int]
    campaign_window_days: int
    unknown_as: str
    round_min_coverage: float
    carry_forward_days: int
    rollup: str
    days_without_cases: int
    max_upload_bytes: int
    max_upload_rows: int
    max_upload_seconds: int
    rules: dict[str, Rule] = field(default_factory=dict)

    def interval(self, level: str) -> Interval:
        return self.intervals[level]


_AT_LEAST_1 = ("data.expected_int_min", {"min": 1})
_SETTINGS = {
    # key: (type check, message key and parameters saying what is expected)
    "campaign_window_days": (lambda v: _is_int(v) and v >= 1, _AT_LEAST_1),
    "unknown_as": (lambda v: v in REPORTABLE,
                   ("data.expected_one_of", {"choices": ", ".join(REPORTABLE)})),
    "round_min_coverage": (
        lambda v: isinstance(v, int | float) and not isinstance(v, bool) and 0 < v <= 1,
        ("policy.expected_fraction", {}),
    ),
    "carry_forward_days": (lambda v: _is_int(v) and v >= 0,
                           ("data.expected_int_min", {"min": 0})),
    "rollup": (lambda v: v in ROLLUPS, ("data.expected_one_of", {"choices": ", ".join(ROLLUPS)})),
    "days_without_cases": (lambda v: _is_int(v) and v >= 1, _AT_LEAST_1),
    "max_upload_bytes": (lambda v: _is_int(v) and v >= 1, _AT_LEAST_1),
    "max_upload_rows": (lambda v: _is_int(v) and v >= 1, _AT_LEAST_1),
    "max_upload_seconds": (lambda v: _is_int(v) and v >= 1, _AT_LEAST_1),
}
SETTING_KEYS = tuple(_SETTINGS)


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


class _Checker(DataChecker):
    """A policy document's problems, and the rules (source, date) of its values."""

    def __init__(self, doc: dict):
        super().__init__(doc)
        self.rules: dict[str, Rule] = {}
        self.default_date = doc.get("effective_date")

    def rule(self, key: str, table: dict) -> None:
        src = table.get("source")
        if src is None:
            self.fail(key, "data.missing_source")
            return
        if not isinstance(src, str) or src not in self.sources:  # [] or {} is no key
            known = ", ".join(sorted(self.sources)) or Term("files.data.none_defined")
            self.fail(key, "data.unknown_source", src, known=known)
            return
        when = table.get("effective_date", self.default_date)
        if isinstance(when, dt.date) and not isinstance(when, dt.datetime):
            self.rules[key] = Rule(src, str(self.sources[src]), when)
        elif "effective_date" in table:
            self.fail(f"{key}.effective_date", "data.expected_date", when)


def _header(c: _Checker) -> None:
    doc = c.doc
    if not isinstance(doc.get("id"), str) or not doc.get("id", "").strip():
        c.fail("id", "data.missing_id", example="vn-2021-09-default")
    date = doc.get("effective_date")
    if not isinstance(date, dt.date) or isinstance(date, dt.datetime):
        c.fail("effective_date", "data.expected_date", date)
    if not isinstance(doc.get("sources"), dict) or not doc["sources"]:
        c.fail("sources", "data.missing_sources")
    for key in ("title_vi", "title_en"):
        if not isinstance(doc.get(key, ""), str):
            c.fail(key, "data.expected_text")


def _settings(c: _Checker) -> dict:
    settings = c.doc.get("settings", {})
    if not isinstance(settings, dict):
        c.fail("settings", "data.expected_table")
        return {}
    out = {}
    for key, (ok, (expected, params)) in _SETTINGS.items():
        entry = settings.get(key)
        if not isinstance(entry, dict) or "value" not in entry:
            c.fail(f"settings.{key}", "policy.missing_setting")
            continue
        if not ok(entry["value"]):
            c.fail(f"settings.{key}.value", expected, entry["value"], **params)
            continue
        c.rule(f"settings.{key}", entry)
        out[key] = entry["value"]
    for key in settings:
        if key not in _SETTINGS:
            c.fail(f"settings.{key}", "policy.unknown_setting", known=", ".join(SETTING_KEYS))
    return out


def _intervals(c: _Checker, settings: dict) -> dict[str, Interval]:
    table = c.doc.get("testing", {}).get("intervals", {})
    out: dict[str, Interval] = {}
    for level in REPORTABLE:
        key = f"testing.intervals.{level}"
        entry = table.get(level)
        if not isinstance(entry, dict):
            c.fail(key, "policy.missing_interval")
            continue
        lo, hi = entry.get("min_days"), entry.get("max_days")
        if hi == "campaign_window_days":
            hi = settings.get("campaign_window_days")
        if not (_is_int(lo) and lo >= 1):
            c.fail(f"{key}.min_days", "data.expected_int_min", lo, min=1)
        elif not (_is_int(hi) and hi >= lo):
            c.fail(f"{key}.max_days", "policy.bad_max_days", entry.get("max_days"), min=lo)
        else:
            out[level] = Interval(lo, hi)
        c.rule(key, entry)
    for level in table:
        if level not in REPORTABLE:
            c.fail(f"testing.intervals.{level}", "data.unknown_level",
                   known=", ".join(REPORTABLE))
    if "unknown_as" in settings and settings["unknown_as"] in out:
        out[UNKNOWN] = out[settings["unknown_as"]]
    return out


def _pooling(c: _Checker) -> dict[str, int]:
    table = c.doc.get("testing", {}).get("pooling")
    if not isinstance(table, dict):
        c.fail("testing.pooling", "policy.missing_pooling")
        return {}
    out = {}
    for level in LEVELS:
        v = table.get(level)
        if not (_is_int(v) and v >= 1):
            c.fail(f"testing.pooling.{level}", "data.expected_int_min", v, min=1)
        else:
            out[level] = v
    for key in table:
        if key not in LEVELS and key not in ("source", "effective_date"):
            c.fail(f"testing.pooling.{key}", "data.unknown_level", known=", ".join(LEVELS))
    c.rule("testing.pooling", table)
    return out


def parse_policy(text: str) -> Policy:
    """Parse a policy TOML text; raise PolicyError listing every problem."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError([key_problem(None, "data.not_toml", detail=str(exc))]) from None
    c = _Checker(doc)
    _header(c)
    settings = _settings(c)
    intervals = _intervals(c, settings)
    pooling = _pooling(c)
    if c.problems:
        raise PolicyError(c.problems)
    return Policy(
        id=doc["id"],
        effective_date=doc["effective_date"],
        title_vi=doc.get("title_vi", ""),
        title_en=doc.get("title_en", ""),
        intervals=intervals,
        pooling=pooling,
        rules=c.rules,
        **settings,
    )
