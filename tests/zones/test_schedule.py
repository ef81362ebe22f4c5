"""The testing-schedule planner (zones/schedule.py): the acceptance cases of the issue,
the shortfall report, capacity tables, units and round numbering."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from data.config.policy_files import load_policy
from zones.schedule import (
    NOT_SAMPLED,
    OVERDUE_COLUMNS,
    OWED_COLUMNS,
    ROUND_COLUMNS,
    SAMPLED_LATE,
    TOO_LARGE,
    plan_schedule,
)

POLICY = load_policy()
AS_OF = dt.date(2021, 9, 10)


def _areas(levels, pops, districts=None):
    n = len(levels)
    return pd.DataFrame({
        "area_type": "block", "district_code": districts or ["901"] * n,
        "district_name": "Quận Thử", "ward_code": "90001", "ward_name": "Phường Thử",
        "block_code": [f"T{i:02d}" for i in range(n)], "block_name": "",
        "level": levels, "population": pops,
    })


def _rounds(areas, days_ago):
    """Last rounds `days_ago` before AS_OF (None: never sampled)."""
    keep = [k is not None for k in days_ago]
    return pd.DataFrame({
        "ward_code": areas["ward_code"][keep], "block_code": areas["block_code"][keep],
        "date": [AS_OF - dt.timedelta(days=k) for k in days_ago if k is not None],
    })


def _gaps(plan, areas, rounds):
    """Per block: sorted day numbers of its recorded last round and planned rounds."""
    out = {}
    last = dict(zip(rounds["block_code"], rounds["date"], strict=True))
    for code in areas["block_code"]:
        days = sorted(plan.rounds.loc[plan.rounds["block_code"] == code, "date"])
        out[code] = ([(last[code] - AS_OF).days] if code in last else []) + [
            (d - AS_OF).days for d in days]
    return out


def test_acceptance_intervals_with_enough_capacity():
    rng = np.random.default_rng(7)
    levels = list(rng.choice(["xanh", "da_cam", "do", "phong_toa"], size=80))
    areas = _areas(levels, rng.integers(200, 2500, size=80).tolist())
    hi = {"xanh": 14, "da_cam": 7, "do": 3, "phong_toa": 3}
    rounds = _rounds(areas, [int(rng.integers(1, hi[lv] + 1)) for lv in levels])
    plan = plan_schedule(areas, rounds, AS_OF, POLICY, horizon=14, capacity=36_000)
    assert plan.feasible and plan.overdue.empty and plan.extra.empty
    assert (plan.load["used"] <= plan.load["capacity"]).all()
    for code, days in _gaps(plan, areas, rounds).items():
        level = levels[int(code[1:])]
        gaps = np.diff(days)
        if level in ("do", "phong_toa"):
            assert ((gaps >= 2) & (gaps <= 3)).all(), (code, days)
        elif level == "da_cam":
            assert ((gaps >= 5) & (gaps <= 7)).all(), (code, days)
        else:
            assert len(days) >= 2, (code, days)  # sampled at least once in the window


def test_output_columns_and_provenance():
    areas = _areas(["do", "xanh"], [100, 200])
    plan = plan_schedule(areas, _rounds(areas, [None, 3]), AS_OF, POLICY, horizon=5,
                         capacity=1000)
    assert list(plan.rounds.columns) == ROUND_COLUMNS
    assert list(plan.overdue.columns) == OVERDUE_COLUMNS
    assert (plan.policy_id, plan.as_of, plan.horizon, plan.unit) == (
        POLICY.id, AS_OF, 5, "samples")
    assert plan.dates[0] == AS_OF and len(plan.dates) == 5
    assert plan.rounds["date"].iloc[0] == AS_OF  # never sampled: due at once


def test_infeasible_instance_names_exactly_who_slips_and_the_fix():
    # Three red blocks all due today, 500 samples a day: 300 and 200 fit, so by larger
    # population first the 100 waits one day; lockdown outranks red whatever its size.
    areas = _areas(["do", "do", "do", "phong_toa"], [100, 300, 200, 50])
    rounds = _rounds(areas, [3, 3, 3, 3])
    plan = plan_schedule(areas, rounds, AS_OF, POLICY, horizon=3, capacity=550)
    assert not plan.feasible
    slipped = plan.overdue[plan.overdue["slip_days"] > 0]
    assert slipped["block_code"].tolist() == ["T00"]
    assert slipped["slip_days"].tolist() == [1] and slipped["overdue_days"].tolist() == [1]
    late = plan.rounds[plan.rounds["block_code"] == "T00"]
    assert late["date"].tolist() == [AS_OF + dt.timedelta(days=1)]
    assert late["overdue_days"].tolist() == [1]
    (extra,) = plan.extra.itertuples()
    assert (extra.pool, extra.unit, extra.extra_per_day) == ("all", "samples", 100)
    assert extra.lower_bound <= extra.extra_per_day
    fixed = plan_schedule(areas, rounds, AS_OF, POLICY, horizon=3, capacity=650)
    assert fixed.feasible
    assert not plan_schedule(areas, rounds, AS_OF, POLICY, horizon=3, capacity=649).feasible


def test_backlog_is_overdue_but_not_slip():
    areas = _areas(["do"], [100])
    plan = plan_schedule(areas, _rounds(areas, [6]), AS_OF, POLICY, horizon=4, capacity=100)
    assert plan.feasible  # nothing more capacity could have done
    (row,) = plan.overdue.itertuples()
    assert (row.overdue_days, row.slip_days, row.backlog_days) == (3, 0, 3)
    assert plan.rounds["overdue_days"].tolist() == [3, 0]


def test_round_still_owed_after_the_horizon_counts():
    areas = _areas(["do"], [100])
    plan = plan_schedule(areas, _rounds(areas, [1]), AS_OF, POLICY, horizon=5, capacity=0)
    (row,) = plan.overdue.itertuples()
    # Due on day 2, never sampled: late days 3, 4 and the day after the horizon.
    assert (row.slip_days, row.owed_after_horizon) == (3, True)
    assert plan.rounds.empty


def test_rounds_the_horizon_leaves_out_are_owed_with_their_reason():
    # Two red blocks due today, room for one: the smaller waits past the horizon.
    areas = _areas(["do", "do"], [300, 100])
    plan = plan_schedule(areas, _rounds(areas, [3, 3]), AS_OF, POLICY, horizon=1,
                         capacity=300)
    assert list(plan.owed.columns) == OWED_COLUMNS
    (row,) = plan.owed.itertuples()
    assert (row.block_code, row.round, row.due_by, row.overdue_days, row.reason) == (
        "T01", 2, AS_OF, 1, NOT_SAMPLED)
    assert row.samples == 100 and row.tubes == 20
    late = plan.overdue.set_index("block_code")
    assert late.loc["T01", "owed_after_horizon"] and late.loc["T01", "reason"] == NOT_SAMPLED


def test_an_area_already_overdue_and_too_large_for_any_day_is_owed():
    # Last round 5 days ago (due 2 days before as_of), 100 samples, 50 a day: never
    # sampled, owed since before as_of (a deadline before day 0 is still owed).
    areas = _areas(["do"], [100])
    plan = plan_schedule(areas, _rounds(areas, [5]), AS_OF, POLICY, horizon=4, capacity=50)
    (late,) = plan.overdue.itertuples()
    assert (late.overdue_days, late.backlog_days, late.owed_after_horizon, late.reason) == (
        6, 2, True, TOO_LARGE)
    (row,) = plan.owed.itertuples()
    assert (row.due_by, row.overdue_days, row.round) == (AS_OF - dt.timedelta(days=2), 6, 2)


def test_a_round_planned_late_is_sampled_late_and_not_owed():
    areas = _areas(["do"], [100])
    plan = plan_schedule(areas, _rounds(areas, [6]), AS_OF, POLICY, horizon=4, capacity=100)
    assert plan.owed.empty and plan.overdue["reason"].tolist() == [SAMPLED_LATE]


def test_capacity_per_district_and_date():
    areas = _areas(["do", "do"], [400, 400], districts=["901", "902"])
    table = pd.DataFrame({
        "district_code": ["901", "902", "902"],
        "date": [AS_OF, AS_OF, AS_OF + dt.timedelta(days=1)],
        "capacity": [400, 0, 400],
    })
    plan = plan_schedule(areas, _rounds(areas, [3, 2]), AS_OF, POLICY, horizon=2,
                         capacity=table)
    assert plan.pool_by == "district_code"
    got = dict(zip(plan.rounds["block_code"], plan.rounds["date"], strict=True))
    assert got == {"T00": AS_OF, "T01": AS_OF + dt.timedelta(days=1)}
    cap = plan.load.set_index(["pool", "date"])["capacity"]
    assert cap[("901", AS_OF + dt.timedelta(days=1))] == 0  # a missing date has none


@pytest.mark.parametrize("table,message", [
    (pd.DataFrame({"district_code": ["901"], "capacity": [10]}), "no capacity row"),
    (pd.DataFrame({"district_code": ["901", "901", "902"], "capacity": [1, 2, 3]}), "twice"),
    (pd.DataFrame({"district_code": ["901", "902"], "capacity": [1.5, 2]}), "whole number"),
    (pd.DataFrame({"district_code": ["901", "902"], "capacity": [-1, 2]}), "whole number"),
    (pd.DataFrame({"capacity": [1]}), "one of district_code or ward_code"),
    (-5, "negative"),
])
def test_bad_capacity_is_refused_by_name(table, message):
    areas = _areas(["do", "do"], [400, 400], districts=["901", "902"])
    with pytest.raises(ValueError, match=message):
        plan_schedule(areas, _rounds(areas, [3, 2]), AS_OF, POLICY, horizon=2, capacity=table)


def test_missing_population_is_refused_by_name():
    areas = _areas(["do", "do"], [400, None])
    with pytest.raises(ValueError, match="90001/T01"):
        plan_schedule(areas, _rounds(areas, [3, 2]), AS_OF, POLICY, horizon=2, capacity=9)


def test_tubes_pool_by_level():
    areas = _areas(["xanh", "do"], [101, 101])
    plan = plan_schedule(areas, _rounds(areas, [None, None]), AS_OF, POLICY, horizon=1,
                         capacity=32, unit="tubes")
    assert sorted(plan.rounds["tubes"]) == [11, 21]  # ceil(101/10), ceil(101/5)
    assert plan.load["used"].tolist() == [32] and plan.load["samples"].tolist() == [202]


def test_round_numbers_continue_from_the_record():
    areas = _areas(["do"], [100])
    rounds = pd.concat([_rounds(areas, [5]), _rounds(areas, [2])])
    plan = plan_schedule(areas, rounds, AS_OF, POLICY, horizon=6, capacity=100)
    assert plan.rounds["round"].tolist() == [3, 4]
    # Re-planned a day later after round 3 is done: the next round keeps number 4.
    done = pd.concat([rounds, areas[["ward_code", "block_code"]].assign(
        date=plan.rounds["date"].iloc[0])])
    later = plan_schedule(areas, done, plan.rounds["date"].iloc[0] + dt.timedelta(days=1),
                          POLICY, horizon=6, capacity=100)
    assert later.rounds["round"].iloc[0] == 4


def test_ward_with_blocks_is_sampled_through_them():
    areas = pd.concat([
        pd.DataFrame({"area_type": ["ward"], "ward_code": ["90001"], "block_code": [""],
                      "level": ["do"], "population": [300]}),
        _areas(["do", "do"], [100, 200]).drop(columns=["district_code"]),
    ], ignore_index=True)
    plan = plan_schedule(areas, _rounds(areas.iloc[1:], [3, 3]), AS_OF, POLICY, horizon=1,
                         capacity=1000)
    assert sorted(plan.rounds["block_code"]) == ["T00", "T01"]


def test_same_input_same_plan_and_inputs_untouched():
    rng = np.random.default_rng(3)
    areas = _areas(list(rng.choice(["xanh", "do", "da_cam"], size=30)),
                   rng.integers(100, 900, size=30).tolist())
    rounds = _rounds(areas, rng.integers(0, 8, size=30).tolist())
    before = (areas.copy(), rounds.copy())
    one = plan_schedule(areas, rounds, AS_OF, POLICY, horizon=10, capacity=2500)
    two = plan_schedule(areas, rounds, AS_OF, POLICY, horizon=10, capacity=2500)
    pd.testing.assert_frame_equal(one.rounds, two.rounds)
    pd.testing.assert_frame_equal(areas, before[0])
    pd.testing.assert_frame_equal(rounds, before[1])


def test_bad_unit_and_horizon():
    areas = _areas(["do"], [100])
    with pytest.raises(ValueError, match="unit"):
        plan_schedule(areas, _rounds(areas, [1]), AS_OF, POLICY, horizon=2, capacity=1,
                      unit="people")
    with pytest.raises(ValueError, match="horizon"):
        plan_schedule(areas, _rounds(areas, [1]), AS_OF, POLICY, horizon=0, capacity=1)
