"""The testing schedule (zones.schedule.SchedulePlan) as the tables its files hold: one
row per area round (and per round the horizon leaves out), the daily load, the overdue
areas; with their headers and labels in each language, and the CSV's contract header."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from i18n import t as tr
from zones.levels import label
from zones.schedule import SAMPLED_LATE, SchedulePlan

LANGUAGES = ("en", "vi")
# The CSV's contract header (the CLI's and the API's default, --headers en).
CSV_COLUMNS = [
    "date", "district_code", "district_name", "ward_code", "ward_name", "block_code",
    "block_name", "level", "population", "samples", "tubes", "round", "due_by",
    "overdue_days", "policy_id", "as_of", "reason",
]
SUMMARY_COLUMNS = ["pool", "date", "unit", "capacity", "used", "rounds", "samples", "tubes",
                   "policy_id", "as_of"]
# The overdue sheet's columns: the area's as in CSV_COLUMNS, then the shortfall's own.
_OVERDUE_AREA = ["district_code", "district_name", "ward_code", "ward_name", "block_code",
                 "block_name", "level", "population", "overdue_days"]
_OVERDUE_OWN = ["slip_days", "backlog_days", "reason", "due_by", "pool", "extra_per_day",
                "unit", "policy_id", "as_of"]
# Which language each file speaks when none is asked: the CSV its contract header, the
# XLSX and the calendar Vietnamese, as they always have.
DEFAULT_LANGUAGE = {"csv": "en", "xlsx": "vi", "ics": "vi"}


def headers(lang: str) -> dict[str, str]:
    """The plan table's column → its header in `lang` (the XLSX's, the CSV's in 'vi')."""
    return {c: tr(f"export.schedule.col.{c}", lang) for c in CSV_COLUMNS}


def summary_headers(lang: str) -> dict[str, str]:
    return {c: tr(f"export.schedule.summary.{c}", lang) for c in SUMMARY_COLUMNS}


def overdue_headers(lang: str) -> dict[str, str]:
    return {**{c: tr(f"export.schedule.col.{c}", lang) for c in _OVERDUE_AREA},
            **{c: tr(f"export.schedule.overdue.{c}", lang) for c in _OVERDUE_OWN}}


HEADERS_VI = headers("vi")
SUMMARY_SHEET = tr("export.schedule.summary_sheet", "vi")
OVERDUE_SHEET = tr("export.schedule.overdue_sheet", "vi")


def reason_text(code: str, lang: str = "vi") -> str:
    """The label of a zones.schedule reason code in `lang`; '' stays ''."""
    return tr(f"schedule.reason.{code}", lang) if code else ""


def unit_text(unit: str, lang: str) -> str:
    return tr(f"export.schedule.unit_{unit}", lang)


def pool_text(pool: str, lang: str) -> str:
    return tr("export.schedule.pool_all", lang) if pool == "all" else pool


def _stamped(df: pd.DataFrame, plan: SchedulePlan) -> pd.DataFrame:
    out = df.assign(policy_id=plan.policy_id)
    out["as_of"] = pd.Series([plan.as_of] * len(out), index=out.index, dtype=object)
    return out


def schedule_table(plan: SchedulePlan) -> pd.DataFrame:
    """One row per area and round (CSV_COLUMNS), by date, ward and block; then one row
    per round owed in the horizon that the plan leaves out (plan.owed: no date), by due
    date. `reason` says why a row is overdue, and is empty for a round on time."""
    late = plan.rounds["overdue_days"] > 0
    rounds = plan.rounds.assign(reason=late.map({True: SAMPLED_LATE, False: ""}))
    owed = plan.owed.assign(date=pd.Series([None] * len(plan.owed), dtype=object,
                                           index=plan.owed.index))
    parts = [part for part in (rounds, owed) if len(part)] or [rounds]
    return _stamped(pd.concat(parts, ignore_index=True), plan)[CSV_COLUMNS]


def labelled_table(plan: SchedulePlan, lang: str) -> pd.DataFrame:
    """`schedule_table` as people read it in `lang`: level and reason labels, headers."""
    table = schedule_table(plan)
    table["level"] = [label(code, lang) for code in table["level"]]
    table["reason"] = [reason_text(code, lang) for code in table["reason"]]
    return table.rename(columns=headers(lang))


def summary_table(plan: SchedulePlan, lang: str = "vi") -> pd.DataFrame:
    """Rounds and samples per pool and day against capacity, with the plan's unit."""
    out = plan.load.assign(unit=unit_text(plan.unit, lang), policy_id=plan.policy_id)
    out["pool"] = out["pool"].map(lambda p: pool_text(p, lang))
    out["as_of"] = pd.Series([plan.as_of] * len(out), index=out.index, dtype=object)
    return out[SUMMARY_COLUMNS].rename(columns=summary_headers(lang))


def pool_extra(plan: SchedulePlan) -> dict[str, int]:
    """Extra capacity a day each pool needs (plan.extra); 0 for a pool whose overdue days
    are all backlog, which no capacity could have avoided."""
    extra = dict(zip(plan.extra["pool"], plan.extra["extra_per_day"].astype(int), strict=True))
    return {pool: extra.get(pool, 0) for pool in plan.overdue["pool"]}


def owed_due(plan: SchedulePlan) -> dict[tuple[str, str], dt.date]:
    """(ward_code, block_code) → due date of the round the horizon leaves out."""
    return dict(zip(zip(plan.owed["ward_code"], plan.owed["block_code"], strict=True),
                    plan.owed["due_by"], strict=True))


def overdue_table(plan: SchedulePlan, lang: str = "vi") -> pd.DataFrame:
    """The overdue areas in the plan's order (most slip first), headers and labels in
    `lang`: days overdue, why, the due date of a round left out, and the extra capacity a
    day the area's pool needs."""
    late, owed = plan.overdue, owed_due(plan)
    keys = zip(late["ward_code"], late["block_code"], strict=True)
    out = _stamped(late.assign(
        level=[label(code, lang) for code in late["level"]],
        reason=[reason_text(code, lang) for code in late["reason"]],
        due_by=pd.Series([owed.get(k) for k in keys], index=late.index, dtype=object),
        extra_per_day=late["pool"].map(pool_extra(plan)).astype("int64"),
        pool=late["pool"].map(lambda p: pool_text(p, lang)), unit=unit_text(plan.unit, lang)), plan)
    return out[_OVERDUE_AREA + _OVERDUE_OWN].rename(columns=overdue_headers(lang))
