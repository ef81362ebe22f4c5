"""Trend tallies kept by ward and month (data.store.trend_packs): trends read through them are
exactly the trends computed from the report rows, after any uploads, area changes or
policy change; kept rows are reused, and only the wards and months a change reaches
are computed again; a store that cannot be written still gets the right figures."""

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import event, select, update

from data.config.policy_files import load_policy
from data.services.figures import trends_between
from data.store import trend_packs
from data.store.database import Store
from data.store.schema import trend_packs as table
from tests.oracles.trends_rows import trend_chunk
from tests.support.store_cases import AREAS, DAYS, load_units, send, upload
from zones.effective import effective_history

POLICY = load_policy()


def reference(store: Store, start, end, policy, *, by="district_code", district=None):
    """Trends the slow way: every report row, effective_history, trend_chunk."""
    areas = store.areas()
    if district is not None:
        areas = areas[areas["district_code"] == district]
    reports = store.reports_by_row()
    history = effective_history(areas, reports, start, end, policy)
    return trend_chunk(history, reports, areas, start, end, by=by)


def same_trends(got, want) -> None:
    for part in ("levels", "counts"):
        pd.testing.assert_frame_equal(getattr(got, part).reset_index(drop=True),
                                      getattr(want, part).reset_index(drop=True),
                                      check_dtype=False)


def computed(monkeypatch) -> list:
    """Record the (ward, month) pairs each read computes instead of reusing."""
    seen = []
    real = trend_packs._compute

    def spy(missing, *args):
        seen.append(sorted((w, m) for m, wards in missing.items() for w in wards))
        return real(missing, *args)

    monkeypatch.setattr(trend_packs, "_compute", spy)
    return seen


def kept_rows(store: Store) -> int:
    with store.engine.connect() as c:
        return len(c.execute(select(table.c.ward_code)).all())


@settings(max_examples=20, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(uploads=st.lists(upload, min_size=1, max_size=4),
       by=st.sampled_from(["district_code", "ward_code", "province_code"]))
def test_kept_tallies_give_the_trends_of_the_rows(tmp_path_factory, uploads, by):
    store = Store(f"sqlite:///{tmp_path_factory.mktemp('trends')}/t.db")
    load_units(store)
    start, end = DAYS[0] - dt.timedelta(days=3), DAYS[-1] + dt.timedelta(days=2)
    for k, recs in enumerate(uploads):
        send(store, recs, k)
        # read after every upload, so later reads go through rows kept before it
        same_trends(trends_between(store, start, end, POLICY, by=by),
                    reference(store, start, end, POLICY, by=by))
    inner = DAYS[1], DAYS[3]
    same_trends(trends_between(store, *inner, POLICY, by=by),
                reference(store, *inner, POLICY, by=by))


def test_an_upload_recomputes_only_what_it_reaches(store, monkeypatch):
    load_units(store)
    send(store, [(AREAS[0], DAYS[0], "do", 3, 1, None), (AREAS[1], DAYS[2], "xanh", 0, 7, None),
                 (AREAS[3], DAYS[3], "phong_toa", 5, 0, None)], 1)
    start, end = DAYS[0], DAYS[-1]  # August 2021 … January 2022: 6 months, 2 wards
    seen = computed(monkeypatch)
    first = trends_between(store, start, end, POLICY)
    assert len(seen[-1]) == 12 and kept_rows(store) > 0
    again = trends_between(store, start, end, POLICY)
    # All reused but November, which no report reaches in any ward, so is never kept.
    november = [("90001", dt.date(2021, 11, 1)), ("90002", dt.date(2021, 11, 1))]
    assert seen[-1] == november
    same_trends(again, first)
    # A report on 31 December in ward 90002 reaches its December and, carried forward,
    # its January; nothing of ward 90001.
    send(store, [(AREAS[3], DAYS[3], "xanh", 0, 0, None)], 2)
    after = trends_between(store, start, end, POLICY)
    assert seen[-1] == sorted([*november, ("90002", dt.date(2021, 12, 1)),
                               ("90002", dt.date(2022, 1, 1))])
    same_trends(after, reference(store, start, end, POLICY))


def test_area_and_policy_changes_recompute(store, monkeypatch):
    load_units(store)
    send(store, [(AREAS[1], DAYS[0], "do", 2, 4, None), (AREAS[2], DAYS[1], "xanh", 1, 1, None)],
         1)
    start, end = DAYS[0], DAYS[2]
    seen = computed(monkeypatch)
    trends_between(store, start, end, POLICY)
    store.upsert_blocks(pd.DataFrame({"ward_code": ["90001"], "block_code": ["TDP02"],
                                      "name": ["Tổ dân phố 2"], "population": [2500]}))
    got = trends_between(store, start, end, POLICY)
    assert {w for w, _m in seen[-1]} == {"90001"}
    same_trends(got, reference(store, start, end, POLICY))
    assert got.levels["population"].sum() > 0
    longer = dataclasses.replace(POLICY, carry_forward_days=POLICY.carry_forward_days + 5)
    got = trends_between(store, start, end, longer)
    assert len(seen[-1]) == 4  # both wards, both months
    same_trends(got, reference(store, start, end, longer))


def test_a_damaged_row_is_computed_again(store, monkeypatch):
    load_units(store)
    send(store, [(AREAS[0], DAYS[2], "do", 2, 4, None)], 1)
    trends_between(store, DAYS[2], DAYS[2], POLICY)
    with store.engine.begin() as c:  # right key, data of another layout
        c.execute(update(table).values(data=trend_packs._encode(np.zeros(3), np.zeros(3))))
    seen = computed(monkeypatch)
    same_trends(trends_between(store, DAYS[2], DAYS[2], POLICY),
                reference(store, DAYS[2], DAYS[2], POLICY))
    assert len(seen[-1]) == 2


def test_a_store_that_cannot_be_written_still_gets_trends(sqlite_url, monkeypatch):
    store = Store(sqlite_url)
    load_units(store)
    send(store, [(AREAS[0], DAYS[2], "do", 2, 4, None)], 1)
    store.engine.dispose()
    event.listen(store.engine, "connect",
                 lambda conn, _rec: conn.execute("PRAGMA query_only = ON"))
    got = trends_between(store, DAYS[0], DAYS[3], POLICY)
    assert kept_rows(store) == 0
    same_trends(got, reference(store, DAYS[0], DAYS[3], POLICY))


def test_a_ward_split_across_districts_is_refused(store):
    load_units(store)
    areas = store.areas()
    areas.loc[areas["block_code"] == "TDP01", "district_code"] = "902"
    with pytest.raises(ValueError, match="90001"):
        trends_between(store, DAYS[0], DAYS[1], POLICY, areas=areas)
