"""Green-zone targets (mục tiêu vùng xanh) as data, and progress toward them.

`parse_targets` turns a targets TOML text (policy/targets.toml, read by
`data.config.policy_files`) into `GreenTarget`s, naming every problem at once. `target_progress`
measures each target on a per-day level table: current value, value at the start of its
phase, progress, 7- and 14-day trends, the projected date the goal is reached, and a status.
"""

from __future__ import annotations

import datetime as dt
import math
import tomllib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from zones.levels import RANKED, REPORTABLE
from zones.policy import DataFileError
from zones.trends import UNITS, AreaIndex, level_grid, tally

SCOPES = {"city": "province_code", "district": "district_code", "ward": "ward_code"}
COMPARATORS = (">=", "<=", ">", "<")
KINDS = ("share", "count")
STATUSES = ("met", "on_track", "at_risk", "missed")
TREND_DAYS = (7, 14)
_EPS = 1e-9  # shares are ratios of integers: compare with a hair of tolerance
_HORIZON_DAYS = 3650  # a goal ten years off at this trend is not projected at all
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
    scope: str  # city | district | ward
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

    def meets(self, x: float | None) -> bool:
        if x is None:
            return False
        return {">=": x >= self.value - _EPS, "<=": x <= self.value + _EPS,
                ">": x > self.value + _EPS, "<": x < self.value - _EPS}[self.comparator]


def _is_date(v) -> bool:
    return isinstance(v, dt.date) and not isinstance(v, dt.datetime)


def _is_number(v) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


class _Checker:
    def __init__(self, doc: dict):
        self.doc, self.problems = doc, []
        src = doc.get("sources")
        self.sources = src if isinstance(src, dict) else {}

    def fail(self, key: str, msg: str) -> None:
        self.problems.append(f"{key}: {msg}")

    def text(self, key: str, table: dict, field: str, required: bool = True) -> str:
        v = table.get(field, None if required else "")
        if not isinstance(v, str) or (required and not v.strip()):
            self.fail(f"{key}.{field}", f"expected non-empty text, got {v!r}")
            return ""
        return v

    def source(self, key: str, table: dict) -> str:
        src = table.get("source")
        if src not in self.sources:
            known = ", ".join(sorted(self.sources)) or "none defined"
            self.fail(f"{key}.source", f"unknown source {src!r} (known: {known})")
            return ""
        return str(self.sources[src])

    def unknown_keys(self, key: str, table: dict, allowed: set[str]) -> None:
        for k in sorted(set(table) - allowed):
            self.fail(f"{key}.{k}", f"unknown key (known: {', '.join(sorted(allowed))})")


def _header(c: _Checker) -> None:
    for key in sorted(set(c.doc) - _FILE_KEYS):
        c.fail(key, f"unknown key (known: {', '.join(sorted(_FILE_KEYS))})")
    if "effective_date" in c.doc and not _is_date(c.doc["effective_date"]):
        c.fail("effective_date", f"expected a date YYYY-MM-DD, got {c.doc['effective_date']!r}")
    if not isinstance(c.doc.get("id"), str) or not c.doc["id"].strip():
        c.fail("id", "missing or empty (a text id such as 'vn-2021-green-targets')")
    if not c.sources:
        c.fail("sources", "missing: a table of source citations, e.g. ct06 = \"Chỉ thị 06…\"")
    if not isinstance(c.doc.get("targets"), list) or not c.doc["targets"]:
        c.fail("targets", "missing: at least one [[targets]] table")


def _metric(c: _Checker, name: str, table) -> Metric | None:
    key = f"metrics.{name}"
    if not isinstance(table, dict):
        c.fail(key, "expected a table")
        return None
    n = len(c.problems)
    c.unknown_keys(key, table, _METRIC_KEYS)
    titles = c.text(key, table, "title_vi"), c.text(key, table, "title_en")
    if table.get("unit") not in UNITS:
        c.fail(f"{key}.unit", f"expected one of {', '.join(UNITS)}, got {table.get('unit')!r}")
    if table.get("kind") not in KINDS:
        c.fail(f"{key}.kind", f"expected one of {', '.join(KINDS)}, got {table.get('kind')!r}")
    levels = table.get("levels")
    if not (isinstance(levels, list) and levels and all(lv in REPORTABLE for lv in levels)):
        c.fail(f"{key}.levels", f"expected a list of level codes from {', '.join(REPORTABLE)} "
               f"(unknown is never counted in a metric), got {levels!r}")
    citation = c.source(key, table)
    if len(c.problems) > n:
        return None
    return Metric(name, *titles, table["unit"], tuple(levels), table["kind"],
                  table["source"], citation)


def _metrics(c: _Checker) -> dict[str, Metric]:
    tables = c.doc.get("metrics")
    if not isinstance(tables, dict) or not tables:
        c.fail("metrics", "missing: a table of metric definitions, e.g. "
               "[metrics.share_wards_green]")
        return {}
    found = {name: _metric(c, name, t) for name, t in tables.items()}
    return {name: m for name, m in found.items() if m is not None}


def _goal(c: _Checker, key: str, metric: Metric, v) -> None:
    if metric.kind == "share" and not (_is_number(v) and 0 <= v <= 1):
        c.fail(f"{key}.value", f"expected a share between 0 and 1 for {metric.id} "
               f"(80 % is 0.8), got {v!r}")
    elif metric.kind == "count" and not (isinstance(v, int) and not isinstance(v, bool)
                                         and v >= 0):
        c.fail(f"{key}.value", f"expected a whole number ≥ 0 for {metric.id}, got {v!r}")


def _scope(c: _Checker, key: str, t: dict) -> None:
    scope, code = t.get("scope"), t.get("scope_code")
    if scope not in SCOPES:
        c.fail(f"{key}.scope", f"expected one of {', '.join(SCOPES)}, got {scope!r}")
    elif code is None and scope != "city":
        c.fail(f"{key}.scope_code", f"missing: the {scope} code, as text (\"09541\")")
    elif code is not None and (not isinstance(code, str) or not code.isdigit()):
        c.fail(f"{key}.scope_code", f"expected a code of digits as text, got {code!r}")


def _dates_and_flags(c: _Checker, key: str, t: dict) -> None:
    for field in ("start", "deadline"):
        if not _is_date(t.get(field)):
            c.fail(f"{key}.{field}", f"expected a date YYYY-MM-DD, got {t.get(field)!r}")
    if _is_date(t.get("start")) and _is_date(t.get("deadline")) and t["deadline"] < t["start"]:
        c.fail(f"{key}.deadline", f"{t['deadline']} is before the start {t['start']}")
    for field in ("value_is_example", "deadline_is_example"):
        if not isinstance(t.get(field, False), bool):
            c.fail(f"{key}.{field}", f"expected true or false, got {t[field]!r}")


def _target(c: _Checker, i: int, t, metrics: dict[str, Metric], seen: set[str]):
    if not isinstance(t, dict):
        c.fail(f"targets[{i}]", "expected a table ([[targets]])")
        return None
    key = f"targets[{i}]" + (f" ({t['id']})" if isinstance(t.get("id"), str) else "")
    n = len(c.problems)
    c.unknown_keys(key, t, _TARGET_KEYS)
    tid = c.text(key, t, "id")
    if tid in seen:
        c.fail(f"{key}.id", f"{tid!r} is used by an earlier target: ids must be unique")
    seen.add(tid)
    titles = c.text(key, t, "title_vi"), c.text(key, t, "title_en")
    _scope(c, key, t)
    metric = metrics.get(t.get("metric"))
    if metric is None:
        c.fail(f"{key}.metric", f"unknown metric {t.get('metric')!r} "
               f"(known: {', '.join(sorted(metrics)) or 'none defined'})")
    elif metric.unit == "wards" and t.get("scope") == "ward":
        c.fail(f"{key}.metric", f"{metric.id} counts wards: a ward-scope target counts "
               "blocks or population")
    if t.get("comparator") not in COMPARATORS:
        c.fail(f"{key}.comparator", f"expected one of {', '.join(COMPARATORS)}, "
               f"got {t.get('comparator')!r}")
    if metric is not None:
        _goal(c, key, metric, t.get("value"))
    _dates_and_flags(c, key, t)
    citation, note = c.source(key, t), c.text(key, t, "note", required=False)
    if len(c.problems) > n:
        return None
    return GreenTarget(tid, *titles, t["scope"], t.get("scope_code"), metric, t["comparator"],
                       t["value"], t["start"], t["deadline"], t["source"], citation,
                       c.doc.get("id", ""), t.get("value_is_example", False),
                       t.get("deadline_is_example", False), note)


def parse_targets(text: str) -> list[GreenTarget]:
    """Parse a targets TOML text; raise TargetsError listing every problem."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TargetsError([f"not valid TOML: {exc}"]) from None
    c = _Checker(doc)
    _header(c)
    metrics = _metrics(c)
    seen: set[str] = set()
    tables = doc.get("targets") if isinstance(doc.get("targets"), list) else []
    targets = [_target(c, i, t, metrics, seen) for i, t in enumerate(tables)]
    if c.problems:
        raise TargetsError(c.problems)
    return targets


# ---- progress ------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetProgress:
    """One target measured on `as_of`. Values are in the metric's terms (a share 0–1 or a
    count); trends are change per day; `unknown` is how much of the scope (same terms) had
    no data on as_of, counted as not green and shown, never hidden."""

    target: GreenTarget
    as_of: dt.date
    current: float | None
    start_value: float | None  # None before the phase starts
    value_at_deadline: float | None  # None before the deadline
    progress: float | None
    trend_7d: float | None
    trend_14d: float | None
    projected_date: dt.date | None
    status: str  # one of STATUSES
    unknown: float | None

    def as_json(self) -> dict:
        t = self.target

        def num(x):
            return None if x is None else round(float(x), 6)

        def day(d):
            return None if d is None else d.isoformat()

        return {
            "id": t.id, "title": {"vi": t.title_vi, "en": t.title_en}, "scope": t.scope,
            "scope_code": t.scope_code, "metric": t.metric.id, "unit": t.metric.unit,
            "kind": t.metric.kind, "comparator": t.comparator, "goal": t.value,
            "goal_is_example": t.value_is_example, "current": num(self.current),
            "start_value": num(self.start_value), "progress": num(self.progress),
            "trend_7d": num(self.trend_7d), "trend_14d": num(self.trend_14d),
            "projected_date": day(self.projected_date), "start": day(t.start),
            "deadline": day(t.deadline), "deadline_is_example": t.deadline_is_example,
            "value_at_deadline": num(self.value_at_deadline), "status": self.status,
            "unknown": num(self.unknown), "source": t.citation, "source_key": t.source,
            "version": t.version, "as_of": day(self.as_of),
        }


def history_window(targets: list[GreenTarget], as_of: dt.date) -> tuple[dt.date, dt.date]:
    """The days of history `target_progress` needs: every phase start (and so every
    deadline up to as_of) and the longest trend window."""
    first = as_of - dt.timedelta(days=max(TREND_DAYS))
    return min([first, *(t.start for t in targets)]), as_of


def _scope_rows(targets: list[GreenTarget], areas: pd.DataFrame) -> dict[tuple, np.ndarray]:
    """Areas in each target's scope; TargetsError names every scope with no area."""
    rows, problems = {}, []
    for t in targets:
        key, column = (t.scope, t.scope_code), SCOPES[t.scope]
        if key in rows or t.scope_code is None:
            rows.setdefault(key, np.ones(len(areas), dtype=bool))
            continue
        if column not in areas.columns:
            raise ValueError(f"areas lacks column {column!r} for target {t.id}")
        rows[key] = np.asarray(areas[column].astype(str) == t.scope_code)
        if not rows[key].any():
            problems.append(f"{t.id}: no area has {column} {t.scope_code!r}")
    if problems:
        raise TargetsError(problems)
    return rows


def _series(counts: np.ndarray, metric: Metric) -> tuple[np.ndarray, np.ndarray]:
    """The metric per day (NaN where a share has no denominator) and the unknown part,
    from a [day, level, unit] tally of one scope."""
    u = counts[:, :, UNITS.index(metric.unit)]
    counted = u[:, [RANKED.index(lv) for lv in metric.levels]].sum(axis=1)
    if metric.kind == "count":
        return counted, u[:, 0]
    total = u.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return counted / total, u[:, 0] / total


def _slope(values: np.ndarray, days: int) -> float | None:
    """Change per day of the least-squares line through the last `days` + 1 values."""
    y = values[-(days + 1):]
    ok = ~np.isnan(y)
    if ok.sum() < 2:
        return None
    # Rounded so that a flat line's floating-point dust (1e-17) reads as flat.
    return round(float(np.polyfit(np.arange(len(y))[ok], y[ok], 1)[0]), 12)


def _projection(t: GreenTarget, current, slope, as_of: dt.date) -> dt.date | None:
    """The day the goal is reached if the trend holds; None when met, flat, worsening
    or more than ten years away."""
    if current is None or slope is None or slope == 0 or t.meets(current):
        return None
    gap = (t.value - current) / slope
    if not 0 < gap <= _HORIZON_DAYS:
        return None
    # A strict goal (>, <) is passed only after the line crosses the value itself.
    days = math.floor(gap) + 1 if t.comparator in (">", "<") else math.ceil(gap - _EPS)
    return as_of + dt.timedelta(days=days)


def _progress(t: GreenTarget, start_value, current) -> float | None:
    """Share of the gap between the phase-start value and the goal closed so far: 1 when
    met, 0 when a goal met at the start has been lost, negative when moving away."""
    if start_value is None or current is None:
        return None
    if t.meets(current):
        return 1.0
    if t.meets(start_value) or start_value == t.value:
        return 0.0
    return (current - start_value) / (t.value - start_value)


def _status(t: GreenTarget, as_of, current, at_deadline, projected) -> str:
    if as_of > t.deadline:  # judged on the deadline day, whatever happened since
        return "met" if t.meets(at_deadline) else "missed"
    if t.meets(current):
        return "met"
    if as_of == t.deadline:  # the last day is over without the goal
        return "missed"
    on_track = projected is not None and projected <= t.deadline
    return "on_track" if on_track else "at_risk"


def _measure(t: GreenTarget, values: np.ndarray, unknown: np.ndarray, first: dt.date,
             as_of: dt.date) -> TargetProgress:
    def on(day: dt.date):
        i = (day - first).days
        return None if not 0 <= i < len(values) or np.isnan(values[i]) else float(values[i])

    current = on(as_of)
    start_value = on(t.start) if as_of >= t.start else None
    at_deadline = on(t.deadline) if as_of >= t.deadline else None
    trends = [_slope(values, n) for n in TREND_DAYS]
    slope = trends[0] if trends[0] is not None else trends[1]
    projected = _projection(t, current, slope, as_of)
    u = unknown[-1]
    return TargetProgress(t, as_of, current, start_value, at_deadline,
                          _progress(t, start_value, current), *trends, projected,
                          _status(t, as_of, current, at_deadline, projected),
                          None if np.isnan(u) else float(u))


def target_progress(targets: list[GreenTarget], history: pd.DataFrame, areas: pd.DataFrame,
                    as_of: dt.date) -> list[TargetProgress]:
    """Progress of every target on `as_of` from history (date, ward_code, block_code,
    level) covering `history_window(targets, as_of)`; a day or area the history lacks
    counts as unknown, never as green."""
    first, _ = history_window(targets, as_of)
    idx = AreaIndex.of(areas)
    grid = level_grid(history, idx, first, as_of)
    tallies = {key: tally(grid, idx, np.where(rows, 0, -1), 1)[0]
               for key, rows in _scope_rows(targets, areas).items()}
    out = []
    for t in targets:
        values, unknown = _series(tallies[(t.scope, t.scope_code)], t.metric)
        out.append(_measure(t, values, unknown, first, as_of))
    return out
