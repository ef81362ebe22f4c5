"""How fast the testing-schedule planner is at city scale: 25,000 blocks over 30 days.

    .venv/bin/python bench/schedule_speed.py [--areas 25000] [--days 30] [--repeat 3]

Times plan_schedule end to end (tables in, tables out) with capacity that allows every
interval (the acceptance case, target ≤ 2 s), then with capacity a fifth short of the
average demand (the planner then also polishes and searches for the extra capacity
needed). The baseline, measured in the same run, is the obvious pure-Python
earliest-deadline-first loop (per day, per area) on a tenth of the areas, scaled up
linearly (which flatters it: its per-day sort grows faster than linearly).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from data.policy_file import load_policy
from zones.schedule import plan_schedule

AS_OF = dt.date(2021, 9, 10)
DISTRICTS = 24
BLOCKS_PER_WARD = 20


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


def timed(fn, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--areas", type=int, default=25_000)
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    policy = load_policy()
    areas, rounds, demand = city(args.areas, policy)
    enough, short = capacity_table(demand, 1.5), capacity_table(demand, 0.8)

    def run(cap):
        return plan_schedule(areas, rounds, AS_OF, policy, horizon=args.days, capacity=cap)

    plan = run(enough)
    fast = timed(lambda: run(enough), args.repeat)
    print(f"planner, enough capacity: {args.areas} areas × {args.days} days in {fast:.2f} s "
          f"(median of {args.repeat}); {len(plan.rounds)} rounds, feasible={plan.feasible}")
    tenth = max(1, args.areas // 10)
    sub = areas.iloc[:tenth]
    slow = timed(lambda: naive_plan(sub, rounds.iloc[:tenth], enough, args.days, policy),
                 1) * args.areas / tenth
    print(f"naive pure-Python loop: {slow:.2f} s (measured on {tenth} areas, scaled "
          f"×{args.areas / tenth:.0f}); planner is {slow / fast:.1f}× faster")
    start = time.perf_counter()
    tight = run(short)
    print(f"planner, capacity 20 % short: {time.perf_counter() - start:.2f} s with polish "
          f"and extra-capacity search; {int(tight.overdue['slip_days'].sum())} slip days, "
          f"{len(tight.extra)} pools short")
    return 0 if fast <= 2.0 and plan.feasible else 1


if __name__ == "__main__":
    raise SystemExit(main())
