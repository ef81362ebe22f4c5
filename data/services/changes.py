"""What an upload changed: the effective levels of the areas a file's rows can touch,
before and after it is stored. Called by every interface that stores reports."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from data.store.database import Store
from zones.effective import effective_history
from zones.policy import Policy

KEY = ["date", "ward_code", "block_code"]


def level_changes(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """Areas whose effective level differs between two (date, ward_code, block_code,
    level) tables: date, ward_code, block_code, before, after."""
    both = before.merge(after, on=KEY, how="outer", suffixes=("_before", "_after"))
    both = both.rename(columns={"level_before": "before", "level_after": "after"})
    both[["before", "after"]] = both[["before", "after"]].astype(object).fillna("unknown")
    return both[both["before"] != both["after"]].sort_values(KEY, ignore_index=True)


def levels_for(store: Store, rows: pd.DataFrame, areas: pd.DataFrame,
               policy: Policy) -> pd.DataFrame:
    """Effective levels, on the file's dates, of the areas of the file's wards: the only
    areas a report about those wards can change (rollups stay within a ward). Only those
    wards' reports are read (figures.history_between reads every ward's), so a ward's
    form stays quick in a city of 25,000 blocks. `areas`: the store's area table."""
    wards = sorted(set(rows["ward_code"]))
    start, end = min(rows["date"]), max(rows["date"])
    areas = areas[areas["ward_code"].isin(wards)]
    reports = store.reports(date_from=start - dt.timedelta(days=policy.carry_forward_days),
                            date_to=end, ward_codes=wards)
    history = effective_history(areas, reports, start, end, policy)
    history = history[history["date"].isin(set(rows["date"]))]
    return history[[*KEY, "level"]].astype({"level": str})
