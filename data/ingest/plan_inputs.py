"""Files a coordinator gives the planner: the capacity table and recorded testing rounds.
Both are checked whole, every problem named with its row, before anything is used; a code,
date or count holding invisible or look-alike characters names them, as the zone file
does."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from data.ingest.validate import problem
from data.ingest.zone_cells import parse_block, parse_date, parse_ward
from data.store.schema import WARD_ROW
from zones.cells import header_key, odd_characters, parse_count, parse_count_named
from zones.problems import Problem, Refused
from zones.tiers import has_districts

FAR_FUTURE = dt.date(9999, 12, 31)  # a capacity table may plan days ahead
COLUMNS = ("date", "district_code", "ward_code", "block_code", "capacity", "samples")
_BY_KEY = {header_key(c): c for c in COLUMNS}


class PlanInputError(Refused):
    """A capacity or rounds file with problems; `problems` lists every one."""

    def text(self) -> str:
        return f"{self.source}: " + "; ".join(
            f"row {p.row} {p.column or ''} {p.value!r}: {p.reason}" for p in self.problems[:20])


def _plan_problem(row, column, value, msg: str, **params) -> Problem:
    return Problem(row, column, value, f"plan.{msg}", params)


def _read(path: str | Path, required: list[str]) -> pd.DataFrame:
    """The table, its columns named as COLUMNS spell them (matched like every header:
    case, accents and separators aside), every cell trimmed."""
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError):
        raise PlanInputError(str(path), [_plan_problem(None, None, "", "not_csv")]) from None
    written = [str(c).strip() for c in df.columns]
    df.columns = [_BY_KEY.get(header_key(c), c.lower()) for c in written]
    doubled = [c for c in COLUMNS if list(df.columns).count(c) > 1]
    if doubled:
        raise PlanInputError(str(path), [_plan_problem(
            1, c, "", "duplicate_column", names=", ".join(
                w for w, d in zip(written, df.columns, strict=True) if d == c))
            for c in doubled])
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise PlanInputError(str(path), [_plan_problem(
            1, None, "", "missing_columns", columns=", ".join(missing),
            found=", ".join(df.columns))])
    return df.apply(lambda col: col.str.strip())


def read_capacity_file(path: str | Path, areas: pd.DataFrame, today: dt.date) -> pd.DataFrame:
    """`date` (optional), `district_code` or `ward_code`, `capacity` (> 0 per day)."""
    df = _read(path, ["capacity"])
    keys = [k for k in ("district_code", "ward_code") if k in df.columns]
    if len(keys) != 1:
        raise PlanInputError(str(path), [_plan_problem(1, None, "", "one_key")])
    key, problems = keys[0], []
    if key == "district_code" and not has_districts(areas):  # two tiers, from 2025
        raise PlanInputError(str(path), [_plan_problem(1, key, "", "no_districts")])
    known = set(areas[key].astype(str))
    for i, r in enumerate(df.itertuples(index=False), start=2):
        problems += _capacity_problems(i, r, key, known, "date" in df.columns)
    if problems:
        raise PlanInputError(str(path), problems)
    out = df[[key, "capacity"]].assign(capacity=df["capacity"].map(lambda v: parse_count(v)[0]))
    if "date" in df.columns:
        out["date"] = [parse_date(v, FAR_FUTURE)[0] for v in df["date"]]
    return out


def _capacity_problems(i: int, r, key: str, known: set[str], dated: bool) -> list[Problem]:
    """The problems of the capacity table's row `i` (`r`): its `key` code, its capacity
    and (when `dated`) its date."""
    code, out = getattr(r, key), []
    if odd := odd_characters(code):
        out.append(problem(i, key, code, odd[0], **odd[1]))
    elif code not in known:
        out.append(_plan_problem(i, key, code, "unknown_code", field=key, code=code))
    value, err = parse_count_named(r.capacity)
    if err and err[0] == "odd_characters":
        out.append(problem(i, "capacity", r.capacity, err[0], **err[1]))
    elif err or value is pd.NA or value == 0:
        out.append(_plan_problem(i, "capacity", r.capacity, "capacity_positive"))
    if dated and (err := parse_date(r.date, FAR_FUTURE)[1]):
        out.append(problem(i, "date", r.date, err[0], **err[1]))
    return out


def read_rounds_file(path: str | Path, known: dict[str, set[str]],
                     today: dt.date) -> pd.DataFrame:
    """`ward_code`, `block_code` (blank: the whole ward), `date`, `samples` (≥ 0)."""
    df = _read(path, ["ward_code", "block_code", "date", "samples"])
    rows, problems = [], []
    for i, r in enumerate(df.itertuples(index=False), start=2):
        ward, err_w = parse_ward(r.ward_code, known)
        block, err_b = parse_block(ward or "", r.block_code, known)
        date, err_d = parse_date(r.date, today)
        samples, err_s = parse_count_named(r.samples)
        for col, err in (("ward_code", err_w), ("block_code", err_b), ("date", err_d),
                         ("samples", err_s)):
            if err:
                problems.append(problem(i, col, getattr(r, col), err[0], **err[1]))
        if samples is pd.NA:
            problems.append(_plan_problem(i, "samples", "", "samples_required"))
        rows.append((ward, block if block is not None else WARD_ROW, date, samples))
    if problems:
        raise PlanInputError(str(path), problems)
    return pd.DataFrame(rows, columns=["ward_code", "block_code", "date", "samples"])
