"""How close the testing-schedule planner comes to the optimum.

On seeded random instances (≤ 60 areas, ≤ 14 days) the planner's summed slip days are
compared with the minimum an exact solver (OR-Tools CP-SAT) proves. The target: within
5 % of the optimum, and 0 wherever the optimum is 0.

    .venv/bin/python bench/schedule_quality.py [--instances 200] [--seed 2021]

Slip is counted day by day, independently of the planner's own bookkeeping: an area is
late on day s (1 ≤ s ≤ horizon) when no round, recorded or planned, falls in the
max_days days before s. A deadline already past on day 0 thus costs nothing if the area
is sampled on day 0, and a round still owed after the horizon costs its days up to the
day after it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from data.config.policy_files import load_policy
from zones.schedule import plan_schedule

AS_OF = dt.date(2021, 9, 10)
LEVELS = ("xanh", "da_cam", "do", "phong_toa", "unknown")
LEVEL_SHARE = (0.35, 0.25, 0.2, 0.1, 0.1)


@dataclass
class Case:
    """One random instance: the planner's inputs, and the same as plain arrays."""

    areas: pd.DataFrame
    rounds: pd.DataFrame
    capacity: object  # an integer, or a table per district and date
    horizon: int
    unit: str
    load: np.ndarray  # per area, in `unit`
    pool: np.ndarray  # per area: pool row
    cap: np.ndarray  # (pools, days)
    min_gap: np.ndarray
    max_gap: np.ndarray
    last: np.ndarray  # day of last round; never sampled: -max_gap (due on day 0)


def make_case(seed: int, policy) -> Case:
    """A random instance from `seed`: sizes, levels, last rounds and a capacity between
    well short of and well above the average demand, so that some instances are
    feasible, some tight and some clearly short."""
    rng = np.random.default_rng(seed)
    n, horizon = int(rng.integers(5, 61)), int(rng.integers(5, 15))
    districts = int(rng.integers(1, 4))
    level = rng.choice(LEVELS, size=n, p=LEVEL_SHARE)
    pop = rng.integers(100, 3001, size=n)
    unit = "tubes" if rng.random() < 0.3 else "samples"
    lo = np.array([policy.interval(lv).min_days for lv in level])
    hi = np.array([policy.interval(lv).max_days for lv in level])
    never = rng.random(n) < 0.1
    last = np.where(never, -hi, -rng.integers(0, hi + 4))
    tubes = -(-pop // np.array([policy.pooling[lv] for lv in level]))
    load = tubes if unit == "tubes" else pop
    pool = rng.integers(0, districts, size=n) if districts > 1 else np.zeros(n, np.int64)
    per_day = np.bincount(pool, weights=load / hi, minlength=districts)
    factor = rng.uniform(0.6, 1.6)
    noise = rng.uniform(0.75, 1.25, size=(districts, horizon))
    cap = np.ceil(factor * per_day[:, None] * noise).astype(np.int64)
    if rng.random() < 0.15:  # a day without sampling (e.g. a Sunday)
        cap[:, int(rng.integers(0, horizon))] = 0
    areas = pd.DataFrame({
        "district_code": [f"90{p + 1}" for p in pool], "district_name": "",
        "ward_code": "90001", "ward_name": "", "block_code": [f"B{i:03d}" for i in range(n)],
        "block_name": "", "level": level, "population": pop,
    })
    seen = ~never
    rounds = pd.DataFrame({
        "ward_code": "90001", "block_code": areas["block_code"][seen],
        "date": [AS_OF + dt.timedelta(days=int(d)) for d in last[seen]],
    })
    capacity = pd.DataFrame({
        "district_code": np.repeat([f"90{p + 1}" for p in range(districts)], horizon),
        "date": np.tile([AS_OF + dt.timedelta(days=d) for d in range(horizon)], districts),
        "capacity": cap.ravel(),
    })
    return Case(areas, rounds, capacity, horizon, unit, load, pool, cap, lo, hi, last)


def slip_of(case: Case, area: np.ndarray, day: np.ndarray) -> int:
    """Summed slip days of a plan, counted day by day (see module docstring)."""
    total = 0
    for i in range(len(case.load)):
        sampled = {int(case.last[i]), *day[area == i].tolist()}
        b = int(case.max_gap[i])
        for s in range(1, case.horizon + 1):
            total += not any(s - b <= u <= s - 1 for u in sampled)
    return total


def check_plan(case: Case, area: np.ndarray, day: np.ndarray) -> None:
    """Raise AssertionError if a plan breaks capacity or a minimum gap."""
    used = np.zeros_like(case.cap)
    np.add.at(used, (case.pool[area], day), case.load[area])
    assert (used <= case.cap).all(), "a day's load exceeds its capacity"
    for i in range(len(case.load)):
        days = np.sort(np.r_[case.last[i], day[area == i]])
        assert (np.diff(days) >= case.min_gap[i]).all(), f"area {i}: gap below min_days"


def planner_rounds(case: Case, policy) -> tuple[np.ndarray, np.ndarray]:
    plan = plan_schedule(case.areas, case.rounds, AS_OF, policy, horizon=case.horizon,
                         capacity=case.capacity, unit=case.unit)
    area = plan.rounds["block_code"].str[1:].astype(int).to_numpy()
    day = np.array([(d - AS_OF).days for d in plan.rounds["date"]], dtype=np.int64)
    return area, day


def optimum(case: Case, seconds: float = 60.0) -> tuple[int, bool, int]:
    """(least summed slip found, proven optimal?, proven lower bound) by CP-SAT: one
    Boolean per area and day."""
    from ortools.sat.python import cp_model

    m = cp_model.CpModel()
    h, n = case.horizon, len(case.load)
    x = {(i, t): m.new_bool_var(f"x{i}_{t}") for i in range(n) for t in range(h)
         if t >= case.last[i] + case.min_gap[i]}
    for i in range(n):
        for t in range(h):  # at most one round in any min_days consecutive days
            window = [x[i, u] for u in range(t, min(h, t + case.min_gap[i])) if (i, u) in x]
            if len(window) > 1:
                m.add_at_most_one(window)
    for p in range(case.cap.shape[0]):
        for t in range(h):
            m.add(sum(int(case.load[i]) * x[i, t] for i in range(n)
                      if case.pool[i] == p and (i, t) in x) <= int(case.cap[p, t]))
    late = []
    for i in range(n):
        for s in range(1, h + 1):
            if case.last[i] >= s - case.max_gap[i]:
                continue  # the recorded round covers day s
            o = m.new_bool_var(f"o{i}_{s}")
            m.add(o + sum(x[i, u] for u in range(max(0, s - case.max_gap[i]), s)
                          if (i, u) in x) >= 1)
            late.append(o)
    m.minimize(sum(late))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = 2
    status = solver.solve(m)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise RuntimeError(f"CP-SAT found no solution: {solver.status_name(status)}")
    return (round(solver.objective_value), status == cp_model.OPTIMAL,
            math.ceil(solver.best_objective_bound - 1e-6))


def compare(seed: int, policy, seconds: float = 60.0) -> dict:
    case = make_case(seed, policy)
    area, day = planner_rounds(case, policy)
    check_plan(case, area, day)
    best, proven, bound = optimum(case, seconds)
    return {"seed": seed, "areas": len(case.load), "days": case.horizon,
            "planner": slip_of(case, area, day), "optimum": best, "proven": proven,
            "bound": bound}


def summarise(rows: pd.DataFrame) -> str:
    """The figures: summed slip against the optimum (CP-SAT's best plan where it could
    not prove one optimal in time, and its proven lower bound, the worst case for us),
    0 where the optimum is 0, and the per-instance gaps."""
    pos = rows[rows["optimum"] > 0]
    zero = rows[rows["optimum"] == 0]
    gap = pos["planner"] / pos["optimum"] - 1
    proven = rows[rows["proven"] & (rows["optimum"] > 0)]
    within = (rows["planner"] <= np.floor(1.05 * rows["optimum"])).sum()
    return "\n".join([
        f"instances: {len(rows)} (optimum proven: {int(rows['proven'].sum())})",
        f"optimum 0: {len(zero)}, planner also 0: {int((zero['planner'] == 0).sum())}",
        f"summed slip planner/optimum: {rows['planner'].sum()}/{rows['optimum'].sum()} = "
        f"{rows['planner'].sum() / max(1, rows['optimum'].sum()):.4f}",
        f"summed slip planner/lower bound: {rows['planner'].sum()}/{rows['bound'].sum()} = "
        f"{rows['planner'].sum() / max(1, rows['bound'].sum()):.4f}",
        f"per instance (optimum > 0: {len(pos)}): gap mean {gap.mean():.2%}, "
        f"worst {gap.max():.2%}" if len(pos) else "per instance: no optimum > 0",
        f"per instance, proven optima only ({len(proven)}): gap mean "
        f"{(proven['planner'] / proven['optimum'] - 1).mean():.2%}, worst "
        f"{(proven['planner'] / proven['optimum'] - 1).max():.2%}" if len(proven) else "",
        f"instances within 5 % of optimum (0 where 0): {within}/{len(rows)}",
    ])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--instances", type=int, default=200)
    ap.add_argument("--seed", type=int, default=2021)
    ap.add_argument("--seconds", type=float, default=60.0, help="CP-SAT limit per instance")
    args = ap.parse_args(argv)
    policy = load_policy()
    start = time.perf_counter()
    found = []
    for k in range(args.instances):
        found.append(compare(args.seed + k, policy, args.seconds))
        print(found[-1], file=sys.stderr, flush=True)  # progress: CP-SAT takes a while
    rows = pd.DataFrame(found)
    print(summarise(rows))
    rows = rows.assign(excess=rows["planner"] - rows["optimum"],
                       ratio=rows["planner"] / rows["optimum"].clip(lower=1))
    print("largest gaps:\n" + rows.nlargest(5, "ratio").to_string(index=False))
    print(f"took {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
