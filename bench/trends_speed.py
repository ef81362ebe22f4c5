"""Trends speed: wards and blocks at each level per day and district over the store's
whole history, as the trends page gets them (areas held across reruns, the ward tallies
kept in the store), against the naive baseline measured in the same run: the full
reports table read with pandas, every day's effective levels, and a pandas group-by.

Two more figures, reported: the first view with no tallies kept (a new store, or a policy
change), and the first view after the last month changed in every ward (what a day's
city-wide upload costs the next view).

    python bench/trends_speed.py [--quick] [--json] [--db sqlite:///city.db]

Both must give the same ward and block counts; the run fails loudly if they do not.
"""

from __future__ import annotations

import pandas as pd
from common import Figure, city_store, main, note, timed
from sqlalchemy import delete

from data.config.policy_files import load_policy
from data.services.figures import trends_between
from data.store import packs
from data.store.database import Store
from data.store.schema import trend_packs
from zones.effective import effective_history

GOAL_S = 0.2
KEY = ["date", "district_code", "level"]


def planned(quick: bool) -> list[Figure]:
    return [Figure("trends, whole history, all districts", "s",
                   "pandas over the full history table", GOAL_S),
            Figure("trends, first view with no tallies kept", "s",
                   "pandas over the full history table"),
            Figure("trends, first view after the last month changed", "s",
                   "pandas over the full history table")]


def naive_counts(store: Store, policy) -> pd.DataFrame:
    """Wards and blocks per date, district and level: every report read at once, every
    area's level on every day, then counted by a pandas group-by."""
    areas, reports = store.areas(), store.reports()
    first, last = reports["date"].min(), reports["date"].max()
    history = effective_history(areas, reports, first, last, policy)
    kind = areas[["ward_code", "block_code", "district_code", "area_type"]]
    merged = history.astype({"ward_code": str, "block_code": str, "level": str}).merge(
        kind, on=["ward_code", "block_code"], how="left")
    counts = merged.groupby([*KEY, "area_type"]).size().unstack("area_type", fill_value=0)
    return counts.rename(columns={"ward": "wards", "block": "blocks"})


def our_counts(store: Store, policy, areas: pd.DataFrame) -> pd.DataFrame:
    first, last = store.date_range()
    return trends_between(store, first, last, policy, areas=areas).levels


def forgetting(store: Store, policy, areas: pd.DataFrame, since) -> pd.DataFrame:
    """our_counts after dropping the kept tallies from month `since` on (outside the
    timing would be fairer to us; inside it costs a few ms and keeps `timed` simple)."""
    with store.engine.begin() as c:
        c.execute(delete(trend_packs).where(trend_packs.c.month >= since))
    return our_counts(store, policy, areas)


def check_same(ours: pd.DataFrame, naive: pd.DataFrame) -> None:
    """Raise if the two tables disagree on any (date, district, level) count."""
    a = ours.set_index(KEY)[["wards", "blocks"]]
    a = a[(a["wards"] > 0) | (a["blocks"] > 0)].sort_index()
    b = naive.reindex(columns=["wards", "blocks"], fill_value=0).astype("int64")
    b = b.rename_axis(index=KEY).sort_index()
    if a.index.equals(b.index) and (a.to_numpy() == b.to_numpy()).all():
        return
    diff = a.join(b, how="outer", lsuffix="_ours", rsuffix="_naive").fillna(0)
    diff = diff[(diff["wards_ours"] != diff["wards_naive"])
                | (diff["blocks_ours"] != diff["blocks_naive"])]
    raise AssertionError(f"trends disagree with the naive count on {len(diff)} cells:\n"
                         f"{diff.head(10)}")


def figures(quick: bool, db: str | None = None) -> list[Figure]:
    store = city_store(db, quick)
    policy = load_policy()
    repeat = 2 if quick else 5
    areas = store.areas()  # the page holds it (st.cache_data) across reruns
    first, last = store.date_range()
    cold, _ = timed(forgetting, store, policy, areas, first, repeat=max(1, repeat // 2))
    month, _ = timed(forgetting, store, policy, areas, packs.month_of(last),
                     repeat=repeat, budget_s=20)
    ours, levels = timed(our_counts, store, policy, areas, repeat=repeat, budget_s=20)
    base, naive = timed(naive_counts, store, policy, repeat=max(1, repeat // 2), budget_s=20)
    check_same(levels, naive)
    note(f"trends: {(last - first).days + 1} days, {levels['district_code'].nunique()} "
         f"districts; ours {ours:.3f} s (first view {cold:.2f} s, after the last month "
         f"changed {month:.3f} s), naive {base:.2f} s (medians of up to {repeat} runs); "
         f"ward and block counts agree")
    store.dispose()
    return [f.measured(v, base) for f, v in zip(planned(quick), (ours, cold, month),
                                                 strict=True)]


if __name__ == "__main__":
    main(__doc__, figures, planned)
