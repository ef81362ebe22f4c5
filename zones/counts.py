"""New cases and tests of an area without counting anything twice (SPEC "Zone levels").

A ward's figure is the sum of its block rows when it has block rows that day, else the
ward row's own: a reporter often sends both, and the ward row is then a subtotal.
Counts are about one day and are never carried forward the way levels are.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from zones.areas import WARD_ROW, area_keys, day_numbers, report_positions, rows_on

COUNT_FIELDS = ["new_cases", "tests_done"]
AS_INT = dict.fromkeys(COUNT_FIELDS, "Int64")  # blank stays blank (NA), never 0


def daily_ward_counts(areas: pd.DataFrame, reports: pd.DataFrame) -> pd.DataFrame:
    """Per ward and day on which it or one of its blocks reported: date, ward_code,
    new_cases, tests_done (Int64) and counted_from ('blocks' or 'ward').

    A blank block count adds nothing; the sum is blank only when every block row is
    blank, since blank means "not reported", not zero. Reports about areas missing from
    `areas` are left out, as they are everywhere else.
    """
    pos = report_positions(area_keys(areas), reports)
    r = reports.loc[pos >= 0, ["date", "ward_code", "block_code", *COUNT_FIELDS]]
    r = r.astype(AS_INT)
    by = ["date", "ward_code"]
    is_block = r["block_code"].fillna(WARD_ROW) != WARD_ROW
    from_blocks = r[is_block].groupby(by, sort=False)[COUNT_FIELDS].sum(min_count=1)
    own = r[~is_block].set_index(by)[COUNT_FIELDS]
    own = own[~own.index.isin(from_blocks.index)]
    out = pd.concat([from_blocks.assign(counted_from="blocks"),
                     own.assign(counted_from="ward")])
    return out.sort_index().reset_index().astype(AS_INT)


def ward_counts(areas: pd.DataFrame, reports: pd.DataFrame, day: dt.date) -> pd.DataFrame:
    """One row per ward of `areas` (its index kept): ward_code, new_cases, tests_done,
    counted_from ('blocks', 'ward', or 'none' when nothing was reported that day)."""
    todays = reports[day_numbers(reports["date"], day) == 0] if len(reports) else reports
    daily = daily_ward_counts(areas, todays).set_index("ward_code")
    wards = areas.loc[areas["area_type"] == "ward", ["ward_code"]]
    out = wards.join(daily[[*COUNT_FIELDS, "counted_from"]], on="ward_code")
    out["counted_from"] = out["counted_from"].fillna("none")
    return out.astype(AS_INT)


def area_counts(areas: pd.DataFrame, reports: pd.DataFrame, day: dt.date) -> pd.DataFrame:
    """new_cases and tests_done of every area on `day`, aligned to `areas`: a block's own
    row, a ward's figure by the no-double-count rule."""
    out = rows_on(areas, reports, day)[COUNT_FIELDS].astype("Int64")
    wards = ward_counts(areas, reports, day)
    is_ward = np.asarray(areas["area_type"] == "ward")
    out.loc[is_ward, COUNT_FIELDS] = wards[COUNT_FIELDS].to_numpy()
    return out
