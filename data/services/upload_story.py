"""What each upload did to the levels, for the history page to tell in words ("3 tổ lên
đỏ, 1 phường xuống xanh"): every area and day an upload wrote, against the value it
replaced that day, else the area's own report of the day before. Reported levels, not
effective ones (no carry-forward or rollup): what the file said changed."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import select

from data.store.database import Store
from data.store.schema import zone_report_history, zone_reports
from zones.levels import severity

KEY = ["ward_code", "block_code", "date"]
COLUMNS = ["upload_id", *KEY, "before", "after", "direction"]


def _read(store: Store, query) -> pd.DataFrame:
    with store.engine.connect() as c:
        return pd.read_sql(query, c)


def _written(store: Store, ids: list[int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(what the uploads wrote: upload_id, key, level; what they replaced: upload_id,
    key, before). A value written and later replaced is in the history table."""
    cols = [zone_reports.c[k] for k in KEY]
    now = select(zone_reports.c.upload_id, *cols, zone_reports.c.level).where(
        zone_reports.c.upload_id.in_(ids))
    h = zone_report_history.c
    later = select(h.upload_id, *[h[k] for k in KEY], h.level).where(h.upload_id.in_(ids))
    replaced = select(h.replaced_by_upload_id.label("upload_id"), *[h[k] for k in KEY],
                      h.level.label("before")).where(h.replaced_by_upload_id.in_(ids))
    written = pd.concat([_read(store, now), _read(store, later)], ignore_index=True)
    return written, _read(store, replaced)


def _day_before(store: Store, written: pd.DataFrame) -> pd.DataFrame:
    """Each written area's current report of the day before: key (of the written day),
    before."""
    days = pd.to_datetime(written["date"]).dt.date
    prior = store.reports(date_from=min(days) - dt.timedelta(days=1),
                          date_to=max(days) - dt.timedelta(days=1),
                          ward_codes=sorted(set(written["ward_code"])))
    prior = prior.assign(date=pd.to_datetime(prior["date"]).dt.date + dt.timedelta(days=1))
    return prior[[*KEY, "level"]].rename(columns={"level": "before"})


def level_changes_by_upload(store: Store, ids: list[int]) -> pd.DataFrame:
    """upload_id, ward_code, block_code, date, before, after, direction (up | down) for
    every area and day an upload in `ids` wrote at another level than before. An area
    reported for the first time has no before and is not a change."""
    written, replaced = _written(store, [int(i) for i in ids])
    if written.empty:
        return pd.DataFrame(columns=COLUMNS)
    written["date"] = pd.to_datetime(written["date"]).dt.date
    replaced["date"] = pd.to_datetime(replaced["date"]).dt.date
    out = written.merge(replaced, on=["upload_id", *KEY], how="left")
    prior = out.drop(columns="before").merge(_day_before(store, written), on=KEY, how="left")
    out["before"] = out["before"].fillna(prior["before"])
    out = out.rename(columns={"level": "after"}).dropna(subset=["before"])
    out = out[out["before"] != out["after"]]
    rank = {c: severity(c) for c in set(out["before"]) | set(out["after"])}
    up = [(rank[a] or 0) > (rank[b] or 0) for b, a in zip(out["before"], out["after"],
                                                          strict=True)]
    return out.assign(direction=["up" if u else "down" for u in up])[COLUMNS].reset_index(
        drop=True)


def change_counts(changes: pd.DataFrame) -> pd.DataFrame:
    """upload_id, kind (ward | block), direction, after, n: how many areas of a kind moved
    up or down to each level, most first."""
    kind = changes["block_code"].map(lambda b: "block" if b else "ward")
    counted = (changes.assign(kind=kind).groupby(["upload_id", "kind", "direction", "after"])
               .size().rename("n").reset_index())
    return counted.sort_values(["upload_id", "n", "direction"], ascending=[True, False, False],
                               ignore_index=True)
