"""Searches around the planner's engine: the plan itself, and the least extra capacity
per day that removes every slip. Pools never share capacity, so each pool is judged on
its own and all pools are searched at once."""

from __future__ import annotations

import numpy as np

from zones.schedule_core import Instance, lateness, lazy_demand, plan
from zones.schedule_polish import polish


def solve(inst: Instance) -> tuple[np.ndarray, np.ndarray]:
    """Round (area, day) arrays of the plan, sorted by area then day: the deadline-first
    pass, then, in pools where it slips, the polish."""
    area, day = plan(inst)
    slip = lateness(inst, area, day)["slip"]
    slipping = np.bincount(inst.pool, weights=slip, minlength=inst.capacity.shape[0]) > 0
    if not slipping.any():
        return area, day
    chosen = np.flatnonzero(slipping[inst.pool])
    inside = slipping[inst.pool[area]]
    local = np.searchsorted(chosen, area[inside])
    sub_area, sub_day = polish(inst.subset(chosen), local, day[inside])
    area = np.r_[area[~inside], chosen[sub_area]]
    day = np.r_[day[~inside], sub_day]
    order = np.lexsort((day, area))
    return area[order], day[order]


def pool_slip_greedy(inst: Instance) -> np.ndarray:
    """Slip days per pool of the deadline-first pass alone (no polish)."""
    area, day = plan(inst)
    slip = lateness(inst, area, day)["slip"]
    return np.bincount(inst.pool, weights=slip, minlength=inst.capacity.shape[0])


def lower_bound(inst: Instance) -> np.ndarray:
    """Per pool, the extra units a day below which no plan at all meets every deadline:
    by each day x, the lazy demand up to x must fit in x + 1 days of capacity."""
    need = np.cumsum(lazy_demand(inst, inst.last + inst.max_gap, 0), axis=1)
    have = np.cumsum(inst.capacity, axis=1)
    days = np.arange(1, inst.horizon + 1)
    short = -((have - need) // days)  # ceil((need - have) / days)
    return np.maximum(0, short.max(axis=1, initial=0))


def extra_capacity(inst: Instance, slip: np.ndarray) -> dict[str, np.ndarray]:
    """Per pool: 'extra', the least uniform extra a day with which the deadline-first
    pass has no slip (so neither has the plan: the polish runs only where that pass
    slips), 0 for pools without slip; and 'lower_bound' (see lower_bound).

    Found by doubling, then bisection between a figure known to slip and one known not
    to: with one unit less the pass slips (the polish might still avoid it; searching
    with the polish would cost it dozens of times). Capacity equal to a pool's whole load
    every day never slips (every area fits on any allowed day), which bounds the search.
    """
    pools = inst.capacity.shape[0]
    bound = lower_bound(inst)
    slipping = np.bincount(inst.pool, weights=slip, minlength=pools) > 0
    total = np.bincount(inst.pool, weights=inst.load, minlength=pools).astype(np.int64)
    lo = np.where(slipping, np.maximum(bound - 1, 0), 0)  # known to slip (or not asked)
    hi = np.where(slipping, np.maximum(bound, 1), 0)  # first guess
    hi = np.minimum(hi, np.maximum(total, 1))
    ok = _feasible(inst, hi, slipping)
    while not ok[slipping].all():
        bad = slipping & ~ok
        lo[bad] = hi[bad]
        hi[bad] = np.minimum(total[bad], 2 * hi[bad])
        ok = ok | _feasible(inst, hi, bad)
    open_ = slipping & (hi - lo > 1)
    while open_.any():
        mid = (lo + hi) // 2
        good = _feasible(inst, mid, open_)
        hi[open_ & good] = mid[open_ & good]
        lo[open_ & ~good] = mid[open_ & ~good]
        open_ = slipping & (hi - lo > 1)
    return {"extra": hi, "lower_bound": bound}


def _feasible(inst: Instance, extra: np.ndarray, pools: np.ndarray) -> np.ndarray:
    """For each pool in the mask `pools`: does the plan with `extra` a day not slip?
    Only the areas of those pools are planned; other pools come back False."""
    areas = np.flatnonzero(pools[inst.pool])
    sub = inst.subset(areas).with_capacity(inst.capacity + extra[:, None])
    return pools & (pool_slip_greedy(sub) == 0)
