"""The demo city, continued: a history that follows the zoning rules it claims to, and a
load into the store that keeps it all."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
import shapely
from numpy.lib.stride_tricks import sliding_window_view

from data.demo.city import DemoCity, generate_demo, load_demo
from data.store.schema import REPORT_FIELDS
from tests.support.demo_city_cases import (
    POLICY,
    SEV,
)

# ---- the history ------------------------------------------------------------------------


def test_reports_have_the_store_columns_and_dates(demo_city):
    r = demo_city.reports
    assert tuple(r.columns) == REPORT_FIELDS
    assert str(r["new_cases"].dtype) == "Int64" and str(r["tests_done"].dtype) == "Int64"
    assert all(type(d) is dt.date for d in r["date"].head(300))
    days = sorted(set(r["date"]))
    assert len(days) == 60 and days[-1] == dt.date(2021, 9, 30)
    assert not r.duplicated(["ward_code", "block_code", "date"]).any()
    assert set(r["level"]) <= {"xanh", "da_cam", "do", "phong_toa"}
    assert r["note"].map(lambda v: v is None or isinstance(v, str)).all()


def _block_matrices(c: DemoCity) -> dict[str, np.ndarray]:
    """Block rows as (block, day) arrays; `present` is False where no row was sent."""
    rows = c.reports[c.reports["block_code"] != ""]
    keys = pd.MultiIndex.from_frame(c.blocks[["ward_code", "block_code"]])
    i = keys.get_indexer(pd.MultiIndex.from_frame(rows[["ward_code", "block_code"]]))
    days = sorted(set(c.reports["date"]))
    j = pd.Index(days).get_indexer(rows["date"])
    shape = (len(keys), len(days))
    out = {"present": np.zeros(shape, bool), "sev": np.zeros(shape, int),
           "cases": np.zeros(shape, int), "tests": np.zeros(shape, int)}
    out["present"][i, j] = True
    out["sev"][i, j] = rows["level"].map(SEV).to_numpy()
    out["cases"][i, j] = rows["new_cases"].to_numpy(int)
    out["tests"][i, j] = rows["tests_done"].to_numpy(int)
    out["pop"] = c.blocks["population"].to_numpy()[:, None]
    return out


def test_cases_only_in_red_or_lockdown_blocks(demo_city):
    r = demo_city.reports
    assert r.loc[r["level"] == "xanh", "new_cases"].eq(0).all()
    blocks = r[r["block_code"] != ""]
    assert blocks.loc[blocks["new_cases"] > 0, "level"].isin(["do", "phong_toa"]).all()
    assert blocks["new_cases"].sum() > 100


def test_step_down_only_after_clean_days_and_at_most_once_a_week(demo_city):
    m = _block_matrices(demo_city)
    sev, present = m["sev"], m["present"]
    # Compare each report with the block's previous report, across days it sent nothing.
    before = pd.DataFrame(np.where(present, sev, np.nan)).ffill(axis=1).shift(1, axis=1)
    before = before.fillna(0).to_numpy(int)
    steps = 0
    for b, t in zip(*np.nonzero(present & (sev < before)), strict=True):
        assert before[b, t] - sev[b, t] == 1, (b, t)
        window = slice(max(0, t - POLICY.days_without_cases), t + 1)
        assert m["cases"][b, window].sum() == 0, (b, t)  # today and 14 days before
        week = slice(max(0, t - 7), t)
        assert (sev[b, week][present[b, week]] == before[b, t]).all(), (b, t)
        steps += 1
    assert steps > 20  # the rule was exercised, not vacuously true


def test_rounds_follow_the_policy_intervals(demo_city):
    m = _block_matrices(demo_city)
    top = np.zeros(5, int)
    low = np.zeros(5, int)
    for code in ("xanh", "da_cam", "do", "phong_toa"):
        interval = POLICY.interval(code)
        top[SEV[code]], low[SEV[code]] = interval.max_days, interval.min_days
    rounds = m["tests"] >= POLICY.round_min_coverage * m["pop"]
    assert rounds.sum(axis=1).min() >= 1
    checked = 0
    for span in sorted(set(top[1:])):
        # Every `span` consecutive reported days under a level whose max gap is `span`
        # hold a round.
        ok = m["present"] & (top[m["sev"]] == span)
        whole = sliding_window_view(ok, span, axis=1).all(axis=2)
        has_round = sliding_window_view(rounds, span, axis=1).any(axis=2)
        assert not (whole & ~has_round).any(), span
        checked += whole.sum()
    assert checked > 1000
    for b, t in zip(*np.nonzero(rounds), strict=True):
        earlier = np.flatnonzero(rounds[b, :t])
        if len(earlier):
            assert t - earlier[-1] >= low[m["sev"][b, t]], (b, t)


def test_other_days_have_a_few_tests(demo_city):
    m = _block_matrices(demo_city)
    rounds = m["tests"] >= POLICY.round_min_coverage * m["pop"]
    small = m["tests"][m["present"] & ~rounds]
    assert small.max() < 300 and np.median(small) <= 3


def test_some_wards_send_nothing_on_a_day_or_two(demo_city):
    r = demo_city.reports
    full = (len(demo_city.wards) + len(demo_city.blocks)) * 60
    assert len(r) < full
    sent = r.groupby(["ward_code", "date"]).size()
    size = demo_city.blocks.groupby("ward_code").size() + 1
    # a ward either sends its row and every block's, or nothing at all
    assert (sent == size.reindex(sent.index.get_level_values(0)).to_numpy()).all()
    missing = len(demo_city.wards) * 60 - len(sent)
    assert 1 <= missing <= len(demo_city.wards) * 2


def test_lockdowns_early_and_green_grows(demo_city):
    m = _block_matrices(demo_city)
    sev = m["sev"]
    first, last = sev[:, 0], sev[:, -1]
    assert (first == SEV["phong_toa"]).sum() >= 1
    entered = (sev[:, 1:] == SEV["phong_toa"]) & (sev[:, :-1] != SEV["phong_toa"]) \
        & m["present"][:, :-1]
    assert not entered.any()  # no new lockdowns: only the early pockets
    assert (last == SEV["xanh"]).mean() > (first == SEV["xanh"]).mean() + 0.2
    assert (last >= SEV["do"]).sum() < (first >= SEV["do"]).sum()


def test_ward_rows_follow_their_own_rule_and_sum_their_blocks(demo_city):
    r = demo_city.reports
    blocks = r[r["block_code"] != ""].merge(
        demo_city.blocks[["ward_code", "block_code", "population"]], on=["ward_code", "block_code"])
    sev = blocks["level"].map(SEV)
    blocks = blocks.assign(
        lockdown=sev == 4, red=sev == 3, pop_red=blocks["population"] * (sev >= 3),
        pop_orange=blocks["population"] * (sev >= 2), cases=blocks["new_cases"].astype(int),
        tests=blocks["tests_done"].astype(int))
    agg = blocks.groupby(["ward_code", "date"]).agg(
        lockdown=("lockdown", "any"), red=("red", "any"), pop=("population", "sum"),
        pop_red=("pop_red", "sum"), pop_orange=("pop_orange", "sum"),
        cases=("cases", "sum"), tests=("tests", "sum"))
    wards = r[r["block_code"] == ""].set_index(["ward_code", "date"]).loc[agg.index]
    expected = np.select(
        [agg["lockdown"] | (agg["pop_red"] >= 0.25 * agg["pop"]),
         agg["red"] | (agg["pop_orange"] >= 0.25 * agg["pop"])], ["do", "da_cam"], "xanh")
    assert (wards["level"].to_numpy() == expected).all()
    assert (wards["new_cases"].to_numpy(int) == agg["cases"].to_numpy()).all()
    assert (wards["tests_done"].to_numpy(int) == agg["tests"].to_numpy()).all()
    assert wards["level"].nunique() >= 2  # the rule picks different levels


def test_progress_reaches_its_total():
    seen = []
    c = generate_demo(wards=3, blocks_per_ward=4, days=10,
                      progress=lambda d, n, label: seen.append((d, n, label)))
    assert seen[-1][0] == seen[-1][1] and [s[0] for s in seen] == sorted(s[0] for s in seen)
    assert isinstance(c, DemoCity)


@pytest.mark.slow
def test_city_scale_generates_in_well_under_a_minute():
    start = dt.datetime.now()
    c = generate_demo(wards=312, blocks_per_ward=80, days=60)
    assert (dt.datetime.now() - start).total_seconds() < 45
    assert len(c.blocks) == 24_960 and len(c.reports) > 1_450_000


# ---- loading into the store ---------------------------------------------------------------


def test_load_demo_stores_everything_once(store):
    c = generate_demo(wards=4, blocks_per_ward=5, days=12)
    seen = []
    load_demo(store, c, progress=lambda d, n, label: seen.append((d, n)))
    counts = store.table_counts()
    assert counts["provinces"] == 1 and counts["districts"] == len(c.districts) == 2
    assert counts["wards"] == 4 and counts["blocks"] == 20
    assert counts["zone_reports"] == len(c.reports) and counts["uploads"] == 12
    assert seen[-1] == (14, 14)
    stored = store.reports().drop(columns="upload_id")
    key = ["date", "ward_code", "block_code"]
    pd.testing.assert_frame_equal(
        stored.sort_values(key, ignore_index=True).astype(object),
        c.reports.sort_values(key, ignore_index=True).astype(object), check_dtype=False)
    areas = store.areas()
    ward_people = areas.loc[areas["area_type"] == "ward", "population"].sum()
    assert ward_people == c.wards["population"].sum()
    geoms = store.geometries("block")
    assert shapely.from_wkb(geoms["geometry"].to_numpy()).tolist()[0].equals(
        c.blocks.set_index(["ward_code", "block_code"]).geometry[
            (geoms["ward_code"][0], geoms["block_code"][0])])
    load_demo(store, c)  # again: every day is a repeat, nothing changes
    again = store.table_counts()
    assert again["zone_reports"] == counts["zone_reports"] and again["zone_report_history"] == 0
    assert store.uploads()["outcome"].value_counts().to_dict() == {"accepted": 12, "repeat": 12}
