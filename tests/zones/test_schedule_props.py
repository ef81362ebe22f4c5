"""Properties of the testing-schedule planner for any instance (hypothesis): no day over
capacity, no gap under min_days; and, when capacity is ample, no gap over max_days and
nothing overdue."""

import datetime as dt

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data.config.policy_files import load_policy
from zones.schedule import plan_schedule

POLICY = load_policy()
AS_OF = dt.date(2021, 9, 10)
LEVELS = ("xanh", "da_cam", "do", "phong_toa", "unknown")


@st.composite
def instances(draw, ample: bool = False):
    n = draw(st.integers(1, 12))
    horizon = draw(st.integers(1, 10))
    levels = draw(st.lists(st.sampled_from(LEVELS), min_size=n, max_size=n))
    pops = draw(st.lists(st.integers(0, 600), min_size=n, max_size=n))
    districts = draw(st.lists(st.sampled_from(["901", "902"]), min_size=n, max_size=n))
    # Ample: nobody is already past due, so every deadline can be met.
    slack = 0 if ample else 4
    ago = [draw(st.none() | st.integers(0, POLICY.interval(lv).max_days + slack))
           for lv in levels]
    unit = draw(st.sampled_from(["samples", "tubes"]))
    areas = pd.DataFrame({
        "district_code": districts, "ward_code": "90001",
        "block_code": [f"T{i:02d}" for i in range(n)], "level": levels, "population": pops,
    })
    keep = [a is not None for a in ago]
    rounds = pd.DataFrame({"ward_code": "90001", "block_code": areas["block_code"][keep],
                           "date": [AS_OF - dt.timedelta(days=a) for a in ago if a is not None]})
    size = _sizes(areas, unit)
    if ample:  # every area, every day: room for all
        per_pool = size.groupby(areas["district_code"]).sum()
        table = [(d, int(per_pool.get(d, 0))) for d in ("901", "902")]
        capacity = pd.DataFrame(table, columns=["district_code", "capacity"])
    else:
        figures = draw(st.lists(st.integers(0, 1500), min_size=2 * horizon,
                                max_size=2 * horizon))
        capacity = pd.DataFrame({
            "district_code": ["901"] * horizon + ["902"] * horizon,
            "date": [AS_OF + dt.timedelta(days=d) for d in range(horizon)] * 2,
            "capacity": figures,
        })
    return areas, rounds, horizon, capacity, unit


def _sizes(areas, unit):
    pop = areas["population"].astype(int)
    if unit == "samples":
        return pop
    return -(-pop // areas["level"].map(POLICY.pooling))


def _days(areas, rounds, plan):
    """Per block: its recorded round (day ≤ 0) and planned days, sorted."""
    out = {}
    for code in areas["block_code"]:
        had = [(d - AS_OF).days for d in rounds.loc[rounds["block_code"] == code, "date"]]
        got = [(d - AS_OF).days for d in plan.rounds.loc[plan.rounds["block_code"] == code,
                                                         "date"]]
        out[code] = (had, sorted(got))
    return out


SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(instances())
def test_never_over_capacity_never_under_min_gap(case):
    areas, rounds, horizon, capacity, unit = case
    plan = plan_schedule(areas, rounds, AS_OF, POLICY, horizon=horizon, capacity=capacity,
                         unit=unit)
    cap = capacity.set_index(["district_code", "date"])["capacity"]
    used = plan.rounds.groupby(["district_code", "date"])[unit].sum()
    for key, value in used.items():
        assert value <= cap[key], key
    assert (plan.load["used"] <= plan.load["capacity"]).all()
    level = dict(zip(areas["block_code"], areas["level"], strict=True))
    for code, (had, got) in _days(areas, rounds, plan).items():
        assert all(0 <= d < horizon for d in got)
        days = had[-1:] + got
        assert (np.diff(days) >= POLICY.interval(level[code]).min_days).all(), (code, days)


@SETTINGS
@given(instances(ample=True))
def test_ample_capacity_meets_every_interval(case):
    areas, rounds, horizon, capacity, unit = case
    plan = plan_schedule(areas, rounds, AS_OF, POLICY, horizon=horizon, capacity=capacity,
                         unit=unit)
    assert plan.feasible and plan.overdue.empty and plan.extra.empty
    assert (plan.rounds["overdue_days"] == 0).all()
    level = dict(zip(areas["block_code"], areas["level"], strict=True))
    for code, (had, got) in _days(areas, rounds, plan).items():
        iv = POLICY.interval(level[code])
        start = had[-1] if had else -iv.max_days  # never sampled: due on day 0
        days = [start, *got]
        assert (np.diff(days) <= iv.max_days).all(), (code, days)
        assert days[-1] + iv.max_days >= horizon, (code, days)  # covered to the end
