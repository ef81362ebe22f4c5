"""The green-zone targets file (mục tiêu vùng xanh) as data: `parse_targets` turns a
targets TOML text (policy/targets.toml, read by `data.config.policy_files`) into
`GreenTarget`s, naming every problem at once. Progress toward them is `zones.targets`.
"""

from __future__ import annotations

import datetime as dt
import math
import tomllib
from dataclasses import dataclass

from zones.area_grids import UNITS
from zones.codes import is_ascii_digits
from zones.levels import REPORTABLE
from zones.problems import DataChecker, DataFileError, Term, key_problem
from zones.report_period import Scope

# A target's `scope` key and the area column its `scope_code` is matched on. "city" with a
# code is that province (the same as "province"); "city" without one is every area of the
# store, whatever it holds, so the targets shipped in policy/ all name their province.
SCOPES = {"city": "province_code", "province": "province_code", "district": "district_code",
          "ward": "ward_code"}
# GSO code widths, as `report --scope` pads them: scope_code "1" is Hà Nội's "01".
_CODE_WIDTH = {"city": 2, "province": 2, "district": 3, "ward": 5}
COMPARATORS = (">=", "<=", ">", "<")
KINDS = ("share", "count")
EPS = 1e-9  # shares are ratios of integers: compare with a hair of tolerance
_FILE_KEYS = {"id", "effective_date", "title_vi", "title_en", "sources", "metrics", "targets"}
_METRIC_KEYS = {"title_vi", "title_en", "unit", "levels", "kind", "source"}
_TARGET_KEYS = {"id", "title_vi", "title_en", "scope", "scope_code", "metric", "comparator",
                "value", "value_is_example", "start", "deadline", "deadline_is_example",
                "source", "note"}


class TargetsError(DataFileError):
    what = "targets"


@dataclass(frozen=True)
class Metric:
    id: str
    title_vi: str
    title_en: str
    unit: str  # one of UNITS
    levels: tuple[str, ...]
    kind: str  # share | count
    source: str
    citation: str


@dataclass(frozen=True)
class GreenTarget:
    id: str
    title_vi: str
    title_en: str
    scope: str  # city | province | district | ward, as the file writes it
    scope_code: str | None  # None: a city target over every area given
    metric: Metric
    comparator: str
    value: float
    start: dt.date  # first day of the phase
    deadline: dt.date
    source: str
    citation: str
    version: str  # id of the targets file
    value_is_example: bool = False
    deadline_is_example: bool = False
    note: str = ""

    @property
    def area_scope(self) -> Scope:
        """The scope in the product's one syntax: "city" with a code is `province:CODE`,
        so a target and a report or morning view of the same place compare equal."""
        if self.scope_code is None:
            return Scope("city", None)
        kind = "province" if self.scope == "city" else self.scope
        return Scope(kind, self.scope_code)

    def meets(self, x: float | None) -> bool:
        if x is None:
            return False
        return {">=": x >= self.value - EPS, "<=": x <= self.value + EPS,
                ">": x > self.value + EPS, "<": x < self.value - EPS}[self.comparator]


def _is_date(v) -> bool:
    return isinstance(v, dt.date) and not isinstance(v, dt.datetime)


def _is_number(v) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def _known(names) -> str | Term:
    return ", ".join(sorted(names)) or Term("files.data.none_defined")


class _Checker(DataChecker):
    """A targets document's problems, with the checks its tables share."""

    def text(self, key: str, table: dict, field: str, required: bool = True) -> str:
        v = table.get(field, None if required else "")
        if not isinstance(v, str) or (required and not v.strip()):
            self.fail(f"{key}.{field}", "data.expected_nonempty_text", v)
            return ""
        return v

    def source(self, key: str, table: dict) -> str:
        src = table.get("source")
        if not isinstance(src, str) or src not in self.sources:  # [] or {} is no key
            self.fail(f"{key}.source", "data.unknown_source", src, known=_known(self.sources))
            return ""
        return str(self.sources[src])

    def unknown_keys(self, key: str, table: dict, allowed: set[str]) -> None:
        for k in sorted(set(table) - allowed):
            self.fail(f"{key}.{k}", "data.unknown_key", known=_known(allowed))


def _header(c: _Checker) -> None:
    for key in sorted(set(c.doc) - _FILE_KEYS):
        c.fail(key, "data.unknown_key", known=_known(_FILE_KEYS))
    if "effective_date" in c.doc and not _is_date(c.doc["effective_date"]):
        c.fail("effective_date", "data.expected_date", c.doc["effective_date"])
    if not isinstance(c.doc.get("id"), str) or not c.doc["id"].strip():
        c.fail("id", "data.missing_id", example="vn-2021-green-targets")
    if not c.sources:
        c.fail("sources", "data.missing_sources")
    if not isinstance(c.doc.get("targets"), list) or not c.doc["targets"]:
        c.fail("targets", "targets.missing_targets")


def _metric(c: _Checker, name: str, table) -> Metric | None:
    key = f"metrics.{name}"
    if not isinstance(table, dict):
        c.fail(key, "data.expected_table")
        return None
    n = len(c.problems)
    c.unknown_keys(key, table, _METRIC_KEYS)
    titles = c.text(key, table, "title_vi"), c.text(key, table, "title_en")
    for field, choices in (("unit", UNITS), ("kind", KINDS)):
        if table.get(field) not in choices:
            c.fail(f"{key}.{field}", "data.expected_one_of", table.get(field),
                   choices=", ".join(choices))
    levels = table.get("levels")
    if not (isinstance(levels, list) and levels and all(lv in REPORTABLE for lv in levels)):
        c.fail(f"{key}.levels", "targets.bad_levels", levels, levels=", ".join(REPORTABLE))
    citation = c.source(key, table)
    if len(c.problems) > n:
        return None
    return Metric(name, *titles, table["unit"], tuple(levels), table["kind"],
                  table["source"], citation)


def _metrics(c: _Checker) -> dict[str, Metric]:
    tables = c.doc.get("metrics")
    if not isinstance(tables, dict) or not tables:
        c.fail("metrics", "targets.missing_metrics")
        return {}
    found = {name: _metric(c, name, t) for name, t in tables.items()}
    return {name: m for name, m in found.items() if m is not None}


def _goal(c: _Checker, key: str, metric: Metric, v) -> None:
    if metric.kind == "share" and not (_is_number(v) and 0 <= v <= 1):
        c.fail(f"{key}.value", "targets.bad_share", v, metric=metric.id)
    elif metric.kind == "count" and not (isinstance(v, int) and not isinstance(v, bool)
                                         and v >= 0):
        c.fail(f"{key}.value", "targets.bad_count", v, metric=metric.id)


def _scope(c: _Checker, key: str, t: dict) -> None:
    scope, code = t.get("scope"), t.get("scope_code")
    if not isinstance(scope, str) or scope not in SCOPES:
        c.fail(f"{key}.scope", "data.expected_one_of", scope, choices=", ".join(SCOPES))
    elif code is None and scope != "city":  # "province" names one, as a district does
        c.fail(f"{key}.scope_code", "targets.missing_scope_code", scope=scope)
    elif code is not None and (not isinstance(code, str) or not is_ascii_digits(code)):
        c.fail(f"{key}.scope_code", "targets.bad_scope_code", code)


def _dates_and_flags(c: _Checker, key: str, t: dict) -> None:
    for field in ("start", "deadline"):
        if not _is_date(t.get(field)):
            c.fail(f"{key}.{field}", "data.expected_date", t.get(field))
    if _is_date(t.get("start")) and _is_date(t.get("deadline")) and t["deadline"] < t["start"]:
        c.fail(f"{key}.deadline", "targets.deadline_before_start", deadline=t["deadline"],
               start=t["start"])
    for field in ("value_is_example", "deadline_is_example"):
        if not isinstance(t.get(field, False), bool):
            c.fail(f"{key}.{field}", "data.expected_bool", t[field])


def _target(c: _Checker, i: int, t, metrics: dict[str, Metric], seen: set[str]):
    if not isinstance(t, dict):
        c.fail(f"targets[{i}]", "targets.expected_target")
        return None
    key = f"targets[{i}]" + (f" ({t['id']})" if isinstance(t.get("id"), str) else "")
    n = len(c.problems)
    c.unknown_keys(key, t, _TARGET_KEYS)
    tid = c.text(key, t, "id")
    if tid in seen:
        c.fail(f"{key}.id", "targets.duplicate_id", tid)
    seen.add(tid)
    titles = c.text(key, t, "title_vi"), c.text(key, t, "title_en")
    _scope(c, key, t)
    metric = metrics.get(t["metric"]) if isinstance(t.get("metric"), str) else None
    if metric is None:
        c.fail(f"{key}.metric", "targets.unknown_metric", t.get("metric"),
               known=_known(metrics))
    elif metric.unit == "wards" and t.get("scope") == "ward":
        c.fail(f"{key}.metric", "targets.ward_metric", metric=metric.id)
    if t.get("comparator") not in COMPARATORS:
        c.fail(f"{key}.comparator", "data.expected_one_of", t.get("comparator"),
               choices=", ".join(COMPARATORS))
    if metric is not None:
        _goal(c, key, metric, t.get("value"))
    _dates_and_flags(c, key, t)
    citation, note = c.source(key, t), c.text(key, t, "note", required=False)
    if len(c.problems) > n:
        return None
    code = t.get("scope_code")
    code = None if code is None else code.zfill(_CODE_WIDTH[t["scope"]])
    return GreenTarget(tid, *titles, t["scope"], code, metric, t["comparator"],
                       t["value"], t["start"], t["deadline"], t["source"], citation,
                       c.doc.get("id", ""), t.get("value_is_example", False),
                       t.get("deadline_is_example", False), note)


def parse_targets(text: str) -> list[GreenTarget]:
    """Parse a targets TOML text; raise TargetsError listing every problem."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TargetsError([key_problem(None, "data.not_toml", detail=str(exc))]) from None
    c = _Checker(doc)
    _header(c)
    metrics = _metrics(c)
    seen: set[str] = set()
    tables = doc.get("targets") if isinstance(doc.get("targets"), list) else []
    targets = [_target(c, i, t, metrics, seen) for i, t in enumerate(tables)]
    if c.problems:
        raise TargetsError(c.problems)
    return targets
