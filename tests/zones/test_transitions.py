"""Transitions: time at a level, days without cases, step-down eligibility at its
boundaries, step-ups, and the day-by-day transition matrix."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest

from data.config.policy_files import load_policy
from tests.oracles.trends_rows import trend_chunk
from tests.support.trend_cases import (
    CITY,
    D0,
    NO_COUNTS,
    day,
    make_areas,
    make_counts,
    make_history,
)
from zones.transitions import area_transitions, step_ups, transition_matrix, transitions_window

POLICY = load_policy()  # days_without_cases = 14
ONE = make_areas([("901", "90001", "", 100)])
W = ("90001", "")


def status(levels: str, cases: list, policy=POLICY, areas=ONE, key=W, extra=None):
    """The row of `key` as of the last day of `levels`."""
    history = make_history({key: levels, **(extra or {})})
    counts = make_counts({key: cases})
    out = area_transitions(history, counts, areas, D0, day(len(levels) - 1), policy)
    return out.set_index(["ward_code", "block_code"]).loc[key]


@pytest.mark.parametrize("free_days,eligible", [(12, False), (13, False), (14, True),
                                                (15, True)])
def test_step_down_after_days_without_cases(free_days, eligible):
    cases = [2] + [0] * free_days
    row = status("r" * len(cases), cases)
    assert row["case_free_days"] == free_days
    assert row["days_since_last_case"] == free_days
    assert row["last_case_date"] == D0
    assert bool(row["eligible_step_down"]) is eligible
    assert row["step_down_to"] == ("da_cam" if eligible else None)


@pytest.mark.parametrize("free_days,eligible", [(6, False), (7, True), (8, True)])
def test_days_without_cases_is_the_policys(free_days, eligible):
    policy = dataclasses.replace(POLICY, days_without_cases=7)
    row = status("p" * (free_days + 1), [1] + [0] * free_days, policy)
    assert bool(row["eligible_step_down"]) is eligible


@pytest.mark.parametrize("letter,to", [("p", "do"), ("r", "da_cam"), ("o", "xanh"),
                                       ("x", None), ("?", None)])
def test_one_level_down_and_never_below_green_or_from_no_data(letter, to):
    row = status(letter * 15, [0] * 15)
    assert row["step_down_to"] == to
    assert bool(row["eligible_step_down"]) is (to is not None)


def test_a_day_without_a_count_breaks_the_run():
    # Missing data is never good news: a blank day is not a day without cases.
    row = status("r" * 16, [0] * 5 + [None] + [0] * 10)
    assert (row["case_free_days"], row["eligible_step_down"]) == (10, False)
    assert row["last_case_date"] is None and pd.isna(row["days_since_last_case"])


def test_a_ward_counts_its_blocks_cases():
    counts = make_counts({("90001", ""): [0] * 15, ("90001", "A"): [0] * 14 + [1],
                          ("90001", "B"): [0] * 15})
    history = make_history({("90001", ""): "r" * 15})
    out = area_transitions(history, counts, CITY, D0, day(14), POLICY).set_index(
        ["ward_code", "block_code"])
    assert out.loc[("90001", ""), "case_free_days"] == 0  # block A's case is the ward's
    assert out.loc[("90001", "B"), "case_free_days"] == 15


def test_time_at_level():
    row = status("xxorrr", [0] * 6)
    assert (row["level"], row["level_since"], row["days_at_level"]) == ("do", day(3), 3)
    assert not row["since_history_start"]
    row = status("rrr", [0] * 3)
    assert (row["days_at_level"], row["since_history_start"]) == (3, True)


@pytest.mark.parametrize("levels,up_1d,up_7d", [
    ("xxxxxxxxo", True, True),
    ("xxxxxxxoo", False, True),
    ("xoooooooo", False, False),  # the step up was 8 days ago
    ("xx?r", True, True),  # compared with the last known level, across a gap
    ("rrrx", False, False),
    ("xxx?", False, False),  # losing data is not getting worse
    ("pppr", False, False),
])
def test_stepped_up(levels, up_1d, up_7d):
    row = status(levels, [0] * len(levels))
    assert (bool(row["stepped_up_1d"]), bool(row["stepped_up_7d"])) == (up_1d, up_7d)


def test_step_up_events():
    history = make_history({("90001", ""): "xor", ("90001", "A"): "rrp",
                            ("90002", ""): "x?o", ("90003", ""): "rox"})
    events = step_ups(history, CITY, D0, day(2), days=2)
    got = [(e.date, e.ward_code, e.block_code, e.from_level, e.to_level)
           for e in events.itertuples()]
    assert got == [(day(2), "90001", "", "da_cam", "do"),
                   (day(2), "90001", "A", "do", "phong_toa"),
                   (day(2), "90002", "", "xanh", "da_cam"),
                   (day(1), "90001", "", "xanh", "da_cam")]
    assert len(step_ups(history, CITY, D0, day(2), days=1)) == 3


def test_transition_matrix():
    history = make_history({("90001", ""): "xr", ("90001", "A"): "xr", ("90001", "B"): "x.",
                            ("90002", ""): "xx", ("90003", ""): "ro", ("90003", "C"): ".."})
    m = transition_matrix(history, CITY, D0, day(1)).set_index(["from_level", "to_level"])
    assert (m["date"] == day(1)).all() and len(m) == 25
    assert m.loc[("xanh", "do"), ["wards", "blocks", "population"]].tolist() == [1, 1, 600]
    # Block A is known on day 1, so the ward is counted by block: B's 400 are unknown.
    assert m.loc[("xanh", "unknown"), ["wards", "blocks", "population"]].tolist() == [0, 1, 400]
    assert m.loc[("xanh", "xanh"), ["wards", "blocks"]].tolist() == [1, 0]
    assert m.loc[("do", "da_cam"), ["wards", "population"]].tolist() == [1, 800]
    assert m["wards"].sum() == 3 and m["blocks"].sum() == 3


def test_matrix_people_match_the_trends_of_the_later_day():
    history = make_history({("90001", ""): "xrpo", ("90001", "A"): "x.rr",
                            ("90001", "B"): "?xpp", ("90002", ""): "xo?x",
                            ("90003", ""): "rrox", ("90003", "C"): "..x."})
    m = transition_matrix(history, CITY, D0, day(3))
    t = trend_chunk(history, NO_COUNTS, CITY, D0, day(3)).levels
    by_to = m.groupby(["date", "to_level"])[["wards", "blocks", "population"]].sum()
    by_day = t.groupby(["date", "level"])[["wards", "blocks", "population"]].sum()
    assert by_to.to_dict() == by_day[by_day.index.get_level_values(0) > D0].to_dict()


def test_window_covers_the_policy_run_and_a_week():
    as_of = dt.date(2021, 9, 30)
    assert transitions_window(as_of, POLICY) == (dt.date(2021, 9, 16), as_of)
    short = dataclasses.replace(POLICY, days_without_cases=3)
    assert transitions_window(as_of, short)[0] == dt.date(2021, 9, 23)


def test_policy_and_date_travel_with_the_table():
    out = area_transitions(make_history({W: "x"}), NO_COUNTS, ONE, D0, D0, POLICY)
    assert out.attrs["policy_id"] == POLICY.id and out.attrs["as_of"] == D0
