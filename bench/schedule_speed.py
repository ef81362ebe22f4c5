"""How fast the testing-schedule planner is at city scale: 25,000 blocks over 30 days.

    .venv/bin/python bench/schedule_speed.py [--quick] [--json]

Times plan_schedule end to end (tables in, tables out) with capacity that allows every
interval (the acceptance case, target ≤ 2 s), then with capacity a fifth short of the
average demand (the planner then also polishes and searches for the extra capacity
needed). The baseline, measured in the same run, is the obvious pure-Python
earliest-deadline-first loop (per day, per area) on a tenth of the areas, scaled up
linearly (which flatters it: its per-day sort grows faster than linearly). The summed
overdue days of both plans are figures too. --quick: 5,000 areas, one repeat.
"""

from __future__ import annotations

import datetime as dt
import time

import numpy as np
import pandas as pd
from common import Figure, main, note, timed

from data.config.policy_files import load_policy
from zones.schedule import plan_schedule

AS_OF = dt.date(2021, 9, 10)
DISTRICTS = 24
BLOCKS_PER_WARD = 20
DAYS = 30
GOAL_S = 2.0


def city(n: int, policy, seed: int = 1) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """Blocks of a made-up city with random levels, populations and last rounds (none
    past due), and each district's average daily demand if sampled at max_days."""
    rng = np.random.default_rng(seed)
    level = rng.choice(["xanh", "da_cam", "do", "phong_toa", "unknown"], size=n,
                       p=[0.35, 0.25, 0.2, 0.1, 0.1])
    pop = rng.integers(100, 3001, size=n)
    district = rng.integers(0, DISTRICTS, size=n)
    areas = pd.DataFrame({
        "district_code": [f"9{d:02d}" for d in district], "district_name": "",
        "ward_code": [f"{90000 + i // BLOCKS_PER_WARD:05d}" for i in range(n)],
        "ward_name": "", "block_code": [f"T{i:05d}" for i in range(n)], "block_name": "",
        "level": level, "population": pop,
    })
    hi = np.array([policy.interval(lv).max_days for lv in level])
    ago = rng.integers(0, hi + 1)
    rounds = pd.DataFrame({"ward_code": areas["ward_code"], "block_code": areas["block_code"],
                           "date": [AS_OF - dt.timedelta(days=int(k)) for k in ago]})
    demand = np.bincount(district, weights=pop / hi, minlength=DISTRICTS)
    return areas, rounds, demand


def capacity_table(demand: np.ndarray, factor: float) -> pd.DataFrame:
    return pd.DataFrame({"district_code": [f"9{d:02d}" for d in range(DISTRICTS)],
                         "capacity": np.ceil(demand * factor).astype(int)})


def naive_plan(areas: pd.DataFrame, rounds: pd.DataFrame, capacity: pd.DataFrame,
               days: int, policy) -> int:
    """Pure-Python earliest deadline first, area by area and day by day; returns the
    number of rounds (the baseline only has to do the work, not report it)."""
    cap = dict(zip(capacity["district_code"], capacity["capacity"], strict=True))
    last = {b: (d - AS_OF).days for b, d in zip(rounds["block_code"], rounds["date"],
                                                strict=True)}
    rows = list(areas.itertuples(index=False))
    prev = {r.block_code: last.get(r.block_code, -policy.interval(r.level).max_days)
            for r in rows}
    count = 0
    for t in range(days):
        room = dict(cap)
        due = [(prev[r.block_code] + policy.interval(r.level).max_days, -r.population, r)
               for r in rows if prev[r.block_code] + policy.interval(r.level).min_days <= t]
        for _, _, r in sorted(due, key=lambda x: (x[0], x[1])):
            if room[r.district_code] >= r.population:
                room[r.district_code] -= r.population
                prev[r.block_code] = t
                count += 1
    return count


def size(quick: bool) -> int:
    return 5_000 if quick else 25_000


def planned(quick: bool) -> list[Figure]:
    n = size(quick)
    return [Figure(f"schedule {n:,} blocks × {DAYS} days", "s",
                   "pure-Python deadline-first loop", GOAL_S),
            Figure("schedule overdue days, enough capacity", "days", limit=0),
            Figure("schedule overdue days, capacity 20 % short", "days"),
            Figure("schedule time, capacity 20 % short", "s")]


def figures(quick: bool, db: str | None = None) -> list[Figure]:
    """The store at `db` is not used: the blocks are made up here, with levels and last
    rounds spread so that every interval rule is exercised."""
    n, repeat = size(quick), 1 if quick else 3
    policy = load_policy()
    areas, rounds, demand = city(n, policy)
    enough, short = capacity_table(demand, 1.5), capacity_table(demand, 0.8)

    def run(cap):
        return plan_schedule(areas, rounds, AS_OF, policy, horizon=DAYS, capacity=cap)

    run(enough)  # warm-up: imports and first-call caches
    fast, plan = timed(run, enough, repeat=repeat)
    tenth = max(1, n // 10)
    slow = timed(naive_plan, areas.iloc[:tenth], rounds.iloc[:tenth], enough, DAYS,
                 policy)[0] * n / tenth
    start = time.perf_counter()
    tight = run(short)
    tight_s = time.perf_counter() - start
    note(f"schedule: {n} areas × {DAYS} days in {fast:.2f} s (median of {repeat}); "
         f"{len(plan.rounds)} rounds, feasible={plan.feasible}; naive loop {slow:.2f} s "
         f"(measured on {tenth} areas, scaled ×{n / tenth:.0f}); capacity 20 % short: "
         f"{tight_s:.2f} s, {int(tight.overdue['overdue_days'].sum())} overdue days "
         f"({int(tight.overdue['slip_days'].sum())} slip), {len(tight.extra)} pools short")
    speed, ok_days, short_days, short_time = planned(quick)
    return [speed.measured(fast, slow),
            ok_days.measured(float(plan.overdue["overdue_days"].sum())),
            short_days.measured(float(tight.overdue["overdue_days"].sum())),
            short_time.measured(tight_s)]


if __name__ == "__main__":
    main(__doc__, figures, planned)
