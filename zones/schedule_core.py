"""The planner's engine over integer arrays: earliest deadline first, day by day, sampling
ahead of time only as much as the days to come will need.

Days are integers relative to the plan's first day (day 0 = as_of). An area's *deadline*
is its last round plus max_days; its round is *late* by the days it falls after the
deadline, where a deadline already past on day 0 counts from day 0 (that part is backlog
no plan can undo). A round still owed at the end of the horizon is late by the days from
its deadline to the day after the horizon. `slip` is the sum of those days: what the
planner minimises and what the quality benchmark compares with the optimum.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Rounds of filling one day: each takes at least one area, and in practice a handful do
# it all; the cap keeps a pathological instance from looping area by area.
_FILL_PASSES = 64


@dataclass(frozen=True)
class Instance:
    pool: np.ndarray  # capacity pool of each area, 0 … pools-1
    load: np.ndarray  # capacity units one round of the area takes (samples or tubes)
    min_gap: np.ndarray  # policy interval of the area's level, days
    max_gap: np.ndarray
    last: np.ndarray  # day of the last round (≤ 0); never sampled: -max_gap, due on day 0
    rank: np.ndarray  # priority after the deadline: severity, then population, then key
    capacity: np.ndarray  # (pools, days): units available per pool and day

    @property
    def horizon(self) -> int:
        return self.capacity.shape[1]

    def with_capacity(self, capacity: np.ndarray) -> Instance:
        return Instance(self.pool, self.load, self.min_gap, self.max_gap, self.last,
                        self.rank, capacity)

    def subset(self, areas: np.ndarray) -> Instance:
        return Instance(self.pool[areas], self.load[areas], self.min_gap[areas],
                        self.max_gap[areas], self.last[areas], self.rank[areas],
                        self.capacity)


def plan(inst: Instance) -> tuple[np.ndarray, np.ndarray]:
    """Round days of every area: (area, day) arrays sorted by area then day."""
    prev = inst.last.astype(np.int64).copy()
    areas, days = [], []
    for t in range(inst.horizon):
        deadline = prev + inst.max_gap
        eligible = np.flatnonzero(prev + inst.min_gap <= t)
        need = required_today(inst, deadline, t)
        take = fill_day(inst, eligible, deadline, need, t)
        prev[take] = t
        areas.append(take)
        days.append(np.full(len(take), t, dtype=np.int64))
    area = np.concatenate(areas) if areas else np.empty(0, np.int64)
    day = np.concatenate(days) if days else np.empty(0, np.int64)
    order = np.lexsort((day, area))
    return area[order], day[order]


def lazy_demand(inst: Instance, deadline: np.ndarray, t: int) -> np.ndarray:
    """(pools, days t…end) load if every area were sampled exactly on each deadline from
    now on: the fewest rounds any on-time plan has by any day, so a lower bound on work."""
    pools, width = inst.capacity.shape[0], inst.horizon - t
    due = np.maximum(deadline, t)  # an overdue round is owed today at the latest
    live = np.flatnonzero(due < inst.horizon)
    out = np.zeros(pools * width, dtype=np.int64)
    while len(live):
        cell = inst.pool[live] * width + (due[live] - t)
        out += np.bincount(cell, weights=inst.load[live], minlength=pools * width).astype(
            np.int64)
        due = due.copy()
        due[live] += inst.max_gap[live]
        live = live[due[live] < inst.horizon]
    return out.reshape(pools, width)


def required_today(inst: Instance, deadline: np.ndarray, t: int) -> np.ndarray:
    """Per pool, the load that must be sampled today so that, for every later day x, the
    lazy demand up to x fits in the capacity of days t+1…x: the work pulled forward."""
    demand = np.cumsum(lazy_demand(inst, deadline, t), axis=1)
    later = np.cumsum(inst.capacity[:, t:], axis=1) - inst.capacity[:, t:t + 1]
    return np.maximum(0, (demand - later).max(axis=1, initial=0))


def fill_day(inst: Instance, eligible: np.ndarray, deadline: np.ndarray, need: np.ndarray,
             t: int) -> np.ndarray:
    """Areas sampled on day t: by deadline, then rank, while the pool has room and the
    work still needed today is not done; an area too big for what is left is skipped
    for smaller ones behind it (first fit)."""
    room = inst.capacity[:, t].astype(np.int64).copy()
    need = need.astype(np.int64).copy()
    owed = deadline <= t  # wanted however little the look-ahead asks for
    queue = eligible[np.lexsort((inst.rank[eligible], deadline[eligible],
                                 inst.pool[eligible]))]
    taken = []
    for _ in range(_FILL_PASSES):
        p = inst.pool[queue]
        queue = queue[(inst.load[queue] <= room[p]) & (owed[queue] | (need[p] > 0))]
        if not len(queue):
            break
        p, w = inst.pool[queue], inst.load[queue]
        cum = _grouped_cumsum(w, p)
        take = (cum <= room[p]) & (owed[queue] | (cum - w < need[p]))
        used = np.bincount(p[take], weights=w[take], minlength=len(room)).astype(np.int64)
        room -= used
        need -= used
        taken.append(queue[take])
        queue = queue[~take]
    return np.concatenate(taken) if taken else np.empty(0, np.int64)


def _grouped_cumsum(values: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Running sum of `values` restarting at each new group (groups sorted)."""
    cum = np.cumsum(values)
    start = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
    base = np.r_[0, cum[start[1:] - 1]] if len(start) else np.empty(0, cum.dtype)
    return cum - np.repeat(base, np.diff(np.r_[start, len(values)]))


def deadlines(inst: Instance, area: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Deadline of each round (sorted by area, day): the previous round plus max_days."""
    if not len(area):
        return np.empty(0, np.int64)
    first = np.r_[True, area[1:] != area[:-1]]
    prev = np.where(first, inst.last[area], np.r_[0, day[:-1]])
    return prev + inst.max_gap[area]


def lateness(inst: Instance, area: np.ndarray, day: np.ndarray) -> dict[str, np.ndarray]:
    """Per area: 'overdue' (days past every deadline, backlog included), 'slip' (the part
    the plan could have avoided: deadlines before day 0 count from day 0), 'owed' (a round
    falls due inside the horizon and is not planned) and 'owed_from' (that round's
    deadline, which is before day 0 for an area already overdue; meaningless unless
    'owed')."""
    n, h = len(inst.load), inst.horizon
    dl = deadlines(inst, area, day)
    over = np.bincount(area, weights=np.maximum(0, day - dl), minlength=n)
    slip = np.bincount(area, weights=np.maximum(0, day - np.maximum(dl, 0)), minlength=n)
    prev = inst.last.astype(np.int64).copy()
    final = np.r_[area[1:] != area[:-1], True] if len(area) else np.empty(0, bool)
    prev[area[final]] = day[final]
    end = prev + inst.max_gap
    owed = end < h
    over += np.where(owed, h - end, 0)
    slip += np.where(owed, h - np.maximum(end, 0), 0)
    return {"overdue": over.astype(np.int64), "slip": slip.astype(np.int64),
            "owed": owed, "owed_from": end.astype(np.int64)}
