"""New cases, tests and report discipline for a periodic report: totals per day and per
ward without double counting (zones.counts), the same for the period before, and which
wards sent nothing on which days. A ward that did not report is a finding to show, not a
gap to paper over: its blank counts are never taken as zeros.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from zones.areas import WARD_ROW
from zones.counts import COUNT_FIELDS, daily_ward_counts
from zones.report_period import Period

WARD_COLUMNS = ["district_code", "district_name", "ward_code", "ward_name"]


@dataclass(frozen=True)
class CountsPart:
    """daily: date, new_cases, tests_done, wards_reported (every day of the period);
    by_ward: WARD_COLUMNS, new_cases, tests_done, days_reported (every ward of the scope);
    total / previous: new_cases and tests_done of the period and of the one before
    (`previous_period`); a blank figure adds nothing."""

    daily: pd.DataFrame
    by_ward: pd.DataFrame
    total: dict[str, int]
    previous: dict[str, int]
    previous_period: Period


def _within(reports: pd.DataFrame, period: Period, wards: set[str]) -> pd.DataFrame:
    keep = (reports["date"] >= period.start) & (reports["date"] <= period.end)
    return reports[keep & reports["ward_code"].isin(wards)]


def _totals(daily: pd.DataFrame) -> dict[str, int]:
    return {f: int(pd.to_numeric(daily[f]).fillna(0).sum()) for f in COUNT_FIELDS}


def counts_part(areas: pd.DataFrame, reports: pd.DataFrame, period: Period,
                before: Period) -> CountsPart:
    """Counts of the scope's wards (a ward's figure: its blocks' sum when it has block rows
    that day, else its own row; SPEC)."""
    wards = set(areas.loc[areas["area_type"] == "ward", "ward_code"].astype(str))
    per_day = daily_ward_counts(areas, _within(reports, period, wards))
    days = pd.Index(period.dates(), name="date")
    daily = per_day.groupby("date")[COUNT_FIELDS].sum(min_count=1).reindex(days)
    daily["wards_reported"] = per_day.groupby("date").size().reindex(days, fill_value=0)
    daily = daily.reset_index().astype(dict.fromkeys(COUNT_FIELDS, "Int64"))
    by_ward = per_day.groupby("ward_code")[COUNT_FIELDS].sum(min_count=1)
    by_ward["days_reported"] = per_day.groupby("ward_code").size()
    ward_rows = areas.loc[areas["area_type"] == "ward", WARD_COLUMNS]
    by_ward = ward_rows.merge(by_ward.reset_index(), on="ward_code", how="left")
    by_ward["days_reported"] = by_ward["days_reported"].fillna(0).astype("int64")
    by_ward = by_ward.astype(dict.fromkeys(COUNT_FIELDS, "Int64"))
    earlier = daily_ward_counts(areas, _within(reports, before, wards))
    return CountsPart(daily, by_ward.sort_values("ward_code", ignore_index=True),
                      _totals(daily), _totals(earlier), before)


def missing_reports(areas: pd.DataFrame, reports: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Wards of the scope that sent nothing (no ward row, no block row) on some day of the
    period: WARD_COLUMNS, dates (list of dates), days_missing; and, for every ward,
    block_days_missing: block-days with no row of their own on days the ward did report
    (those blocks show as no data). Only wards with something missing are listed."""
    wards = areas.loc[areas["area_type"] == "ward", WARD_COLUMNS]
    rows = _within(reports, period, set(wards["ward_code"].astype(str)))
    sent = set(zip(rows["ward_code"], rows["date"], strict=True))
    is_block = rows["block_code"].fillna(WARD_ROW) != WARD_ROW
    block_rows = rows[is_block].groupby(["ward_code", "date"]).size()
    n_blocks = areas[areas["area_type"] == "block"].groupby("ward_code").size()
    out = []
    for w in wards.itertuples(index=False):
        silent = [d for d in period.dates() if (w.ward_code, d) not in sent]
        spoke = [d for d in period.dates() if (w.ward_code, d) in sent]
        expected = int(n_blocks.get(w.ward_code, 0))
        gaps = sum(expected - int(block_rows.get((w.ward_code, d), 0)) for d in spoke)
        if silent or gaps:
            out.append({**w._asdict(), "dates": silent, "days_missing": len(silent),
                        "block_days_missing": max(gaps, 0)})
    cols = [*WARD_COLUMNS, "dates", "days_missing", "block_days_missing"]
    return pd.DataFrame(out, columns=cols)


def reporting_rate(missing: pd.DataFrame, areas: pd.DataFrame, period: Period) -> tuple[int, int]:
    """(ward-days reported, ward-days expected) over the period."""
    n_wards = int((areas["area_type"] == "ward").sum())
    expected = n_wards * period.days
    return expected - int(missing["days_missing"].sum()), expected


def format_ranges(dates: list[dt.date], fmt: str = "%d/%m") -> str:
    """Dates as runs: 05/09–06/09, 12/09 (a list of consecutive days is one run)."""
    runs: list[list[dt.date]] = []
    for d in sorted(dates):
        if runs and (d - runs[-1][-1]).days == 1:
            runs[-1].append(d)
        else:
            runs.append([d])
    return ", ".join(r[0].strftime(fmt) if len(r) == 1
                     else f"{r[0].strftime(fmt)}–{r[-1].strftime(fmt)}" for r in runs)
