"""The tables of a periodic report as an Excel workbook: one sheet per table, headers in
the report's language, every text cell written as text with formulas neutralised
(data.exports.levels.xlsx_bytes), and the policy id and as-of date in the file's properties.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from data.exports.levels import xlsx_bytes
from data.reports.layout import period_text, scope_name
from i18n import t as tr
from zones.levels import label
from zones.policy import Policy
from zones.report import ReportContent
from zones.report_counts import format_ranges
from zones.rounds import STATES

_AREA = {"district_name": "xlsx.col.district", "ward_code": "xlsx.col.ward_code",
         "ward_name": "xlsx.col.ward", "block_code": "xlsx.col.block_code",
         "block_name": "xlsx.col.block"}


def _sheet(df: pd.DataFrame, headers: dict[str, str], lang: str) -> pd.DataFrame:
    """`df`'s columns named in `headers` (column → message key under report.), renamed;
    level codes shown as labels."""
    out = df[list(headers)].copy()
    for col in out.columns:
        if col in ("level", "from_level", "to_level", "step_down_to"):
            out[col] = [label(c, lang) if isinstance(c, str) else None for c in out[col]]
    return out.rename(columns={c: tr(f"report.{k}", lang) for c, k in headers.items()})


def _about(content: ReportContent, lang: str, policy: Policy,
           generated_at: dt.datetime) -> pd.DataFrame:
    def x(key: str) -> str:
        return tr(f"report.xlsx.{key}", lang)

    when = content.data_as_of
    rows = [(x("scope"), f"{scope_name(content)} ({content.scope})"),
            (x("period"), period_text(content, lang)),
            (x("period_dates"), f"{content.period.start.isoformat()} – "
                                f"{content.period.end.isoformat()}"),
            (x("policy"), f"{policy.id} ({policy.title_vi if lang == 'vi' else policy.title_en})"),
            (x("data_as_of"), when.isoformat(timespec="minutes") if when else ""),
            (x("generated"), generated_at.isoformat(timespec="minutes"))]
    if content.is_partial:
        rows.append(("", tr("report.partial", lang, date=content.period.end.isoformat())))
    return pd.DataFrame(rows, columns=[x("key"), x("value")])


def _headline(content: ReportContent, lang: str) -> pd.DataFrame:
    h = content.headline
    out = {tr("report.levels.col_level", lang): [label(c, lang) for c in h["level"]]}
    for unit in ("wards", "blocks", "population"):
        name = tr(f"report.levels.col_{unit}", lang)
        for suffix, key in (("_start", "start"), ("", "end"), ("_change", "change")):
            out[f"{name}: {tr(f'report.xlsx.col.{key}', lang)}"] = h[unit + suffix]
    return pd.DataFrame(out)


def _changes(content: ReportContent, lang: str) -> pd.DataFrame:
    df = content.changes.copy()
    df["direction"] = [tr(f"report.xlsx.{d}", lang) for d in df["direction"]]
    return _sheet(df, {"date": "changes.col_date", **_AREA, "from_level": "changes.col_from",
                       "to_level": "changes.col_to", "direction": "xlsx.direction"}, lang)


def _missing(content: ReportContent, lang: str) -> pd.DataFrame:
    df = content.missing.copy()
    df["dates"] = [format_ranges(d, "%Y-%m-%d") for d in df["dates"]]
    return _sheet(df, {"district_name": "xlsx.col.district", "ward_code": "xlsx.col.ward_code",
                       "ward_name": "xlsx.col.ward", "dates": "xlsx.col.dates",
                       "days_missing": "xlsx.col.days_missing",
                       "block_days_missing": "missing.col_blocks"}, lang)


def _targets(content: ReportContent, lang: str) -> pd.DataFrame:
    df = content.targets.copy()
    df["title"] = df["title_vi"] if lang == "vi" else df["title_en"]
    df["status"] = [tr(f"report.targets.status.{s}", lang) for s in df["status"]]
    named = {"title": "col_target", "goal": "col_goal", "current": "col_current",
             "deadline": "col_deadline", "projected_date": "col_projected",
             "status": "col_status"}
    # The other columns are the targets file's own keys, kept as its ids.
    cols = ["id", "title", "scope", "scope_code", "metric", "comparator", "goal",
            "goal_is_example", "current", "start_value", "progress", "projected_date",
            "deadline", "deadline_is_example", "status", "unknown", "version"]
    return df[cols].rename(columns={c: tr(f"report.targets.{k}", lang)
                                    for c, k in named.items()})


def report_sheets(content: ReportContent, lang: str, policy: Policy,
                  generated_at: dt.datetime) -> dict[str, pd.DataFrame]:
    """Sheet name → table, in the order of the report's sections."""
    def name(key: str) -> str:
        return tr(f"report.xlsx.{key}", lang)

    rounds, counts = content.rounds, content.counts
    state = {code: tr(f"rounds.state.{code}", lang) for code in STATES}
    units = rounds.units.assign(state=rounds.units["state"].map(state))
    unit_cols = {"ward_code": "xlsx.col.ward_code", "ward_name": "xlsx.col.ward",
                 "block_code": "xlsx.col.block_code", "block_name": "xlsx.col.block",
                 "population": "xlsx.col.population", "level": "xlsx.col.level",
                 "due": "rounds.col_due", "done": "rounds.col_done",
                 "overdue": "rounds.col_overdue", "state": "xlsx.col.state",
                 "last_round": "rounds.col_last", "due_by": "rounds.col_due_by",
                 "overdue_days": "rounds.col_days_late"}
    return {
        name("about"): _about(content, lang, policy, generated_at),
        name("summary"): _headline(content, lang),
        name("changes"): _changes(content, lang),
        name("eligible"): _sheet(content.eligible, {
            **_AREA, "level": "eligible.col_level", "step_down_to": "eligible.col_to",
            "case_free_days": "eligible.col_days", "level_since": "eligible.col_since"}, lang),
        name("targets"): _targets(content, lang),
        name("rounds"): _sheet(rounds.by_ward, {
            "ward_code": "xlsx.col.ward_code", "ward_name": "xlsx.col.ward",
            "units": "rounds.col_units",
            "due": "rounds.col_due", "done": "rounds.col_done", "overdue": "rounds.col_overdue",
            "overdue_now": "rounds.col_overdue_now"}, lang),
        name("rounds_units"): _sheet(units, unit_cols, lang),
        name("daily"): _sheet(counts.daily, {
            "date": "counts.col_date", "new_cases": "counts.col_cases",
            "tests_done": "counts.col_tests", "wards_reported": "counts.col_reported"}, lang),
        name("wards"): _sheet(counts.by_ward, {
            "district_name": "xlsx.col.district", "ward_code": "xlsx.col.ward_code",
            "ward_name": "xlsx.col.ward", "new_cases": "counts.col_cases",
            "tests_done": "counts.col_tests", "days_reported": "counts.col_days"}, lang),
        name("missing"): _missing(content, lang),
    }


def report_xlsx(content: ReportContent, lang: str, *, policy: Policy,
                generated_at: dt.datetime) -> bytes:
    """The report's tables as XLSX bytes."""
    where = f"policy {content.policy_id}; as of {content.period.end.isoformat()}"
    props = {"title": f"{tr('report.title', lang)} {period_text(content, lang)}",
             "subject": f"{content.scope} {content.requested}", "creator": "vungxanh",
             "description": where,
             "keywords": f"policy_id={content.policy_id}; as_of={content.period.end.isoformat()}"}
    return xlsx_bytes(report_sheets(content, lang, policy, generated_at), props)
