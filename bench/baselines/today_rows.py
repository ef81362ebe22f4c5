"""The naive baseline of the morning view's benchmark (bench/today_speed.py): the same
answers the way a first version would get them, from report rows: every report up to the
day read at once, each day's effective levels row by row (zones.effective.effective_levels,
as `export-levels` does) for the day, the comparison day and a week before, who reported
from the day's rows, and every round on record from the whole history."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from data.services.figures import rounds_until
from data.store.database import Store
from zones.effective import effective_levels
from zones.policy import Policy
from zones.rounds import round_table, sampling_units


def naive_view(store: Store, as_of: dt.date, policy: Policy) -> dict:
    """Silent wards, carried areas, level changes since yesterday, people in đỏ per
    district and overdue units, from rows."""
    areas, reports = store.areas(), store.reports(date_to=as_of)
    levels = {d: effective_levels(areas, reports, d, policy)
              for d in (as_of, as_of - dt.timedelta(days=1), as_of - dt.timedelta(days=7))}
    today, yesterday = levels[as_of], levels[as_of - dt.timedelta(days=1)]
    sent = set(reports.loc[reports["date"] == as_of, "ward_code"])
    wards = set(areas.loc[areas["area_type"] == "ward", "ward_code"])
    moved = (today["level"] != yesterday["level"]) & (today["level"] != "unknown") & (
        yesterday["level"] != "unknown")
    red = today[(today["level"] == "do") & (today["area_type"] == "block")]
    units = sampling_units(today)
    late = round_table(units, rounds_until(store, as_of, policy, areas), as_of, policy)
    return {"not_reported": sorted(wards - sent), "carried": int(today["stale"].sum()),
            "changes": int(moved.sum()),
            "red_by_district": pd.to_numeric(red["population"]).groupby(
                red["district_code"]).sum().to_dict(),
            "overdue": int((late["overdue_days"] > 0).sum())}
