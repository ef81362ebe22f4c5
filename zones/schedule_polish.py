"""Polish for plans that slip: large-neighbourhood search over the areas of pools where the
earliest-deadline-first pass leaves areas overdue.

When capacity is short, deadline order alone wastes it: which areas to sample on a
crowded day is a packing question. Each step takes a late area and a few others of its
pool off the plan, then puts each back with its own best round days given what is left
(an exact shortest path over days), and keeps the change if total slip does not grow.
A last phase keeps total slip and moves what slip there is onto lower-priority areas
(priority: deadline, severity, larger population), so who slips follows the policy.
Everything is seeded: the same input always gives the same plan.
"""

from __future__ import annotations

import numpy as np

from zones.schedule_core import Instance

_PER_ROUND = 1 << 10  # tie-break: fewer rounds leave capacity to others
_PER_LATE_DAY = 1 << 24  # a late day outweighs every tie-break together
_PATIENCE = 2000  # steps without improvement before the search stops
_MAX_STEPS = 8000
# Fewer steps the more areas are polished, so that the polish stays near a second at city
# scale. There it does little (a step touches a handful of areas among thousands): a full
# search gained ~5 % of slip on bench/schedule_speed.py's short case, at ten times the time.
_MAX_AREA_STEPS = 500_000
_MIN_STEPS = 300
_SETTLE_STEPS = 300
_MAX_TAKEN = 8  # areas drawn with the late one: 2 … _MAX_TAKEN + 1 (small groups do best)


def late_days(horizon: int, max_gap: int, last: int, days: list[int]) -> int:
    """Slip days of one area sampled on `days` (sorted) after a round on `last`."""
    prev, total = last, 0
    for t in days:
        total += max(0, t - max(prev + max_gap, 0))
        prev = t
    return total + max(0, horizon - max(prev + max_gap, 0))


def best_days(horizon: int, load: int, min_gap: int, max_gap: int, last: int,
              room: list[int], noise: list[int]) -> tuple[int, list[int]]:
    """The round days with least slip for one area, given the room left per day; ties go
    to fewer rounds, then to the smaller `noise` sum. Returns (slip, days)."""
    days = [t for t in range(max(0, last + min_gap), horizon) if room[t] >= load]
    cost: dict[int, int] = {}
    back: dict[int, int | None] = {}
    end_cost, end_day = max(0, horizon - max(last + max_gap, 0)) * _PER_LATE_DAY, None
    for k, t in enumerate(days):
        step = _PER_ROUND + noise[t]
        best, via = max(0, t - max(last + max_gap, 0)) * _PER_LATE_DAY + step, None
        for u in days[:k]:
            if t - u >= min_gap:
                c = cost[u] + max(0, t - u - max_gap) * _PER_LATE_DAY + step
                if c < best:
                    best, via = c, u
        cost[t], back[t] = best, via
        end = best + max(0, horizon - t - max_gap) * _PER_LATE_DAY
        if end < end_cost:
            end_cost, end_day = end, t
    chosen = []
    while end_day is not None:
        chosen.append(end_day)
        end_day = back[end_day]
    return end_cost // _PER_LATE_DAY, chosen[::-1]


class _Search:
    """Mutable plan of the polished areas: their days, the room left, their slip, kept
    up to date step by step so that a step costs the same in a pool of 20 or 20,000."""

    def __init__(self, inst: Instance, area: np.ndarray, day: np.ndarray, seed: int):
        self.rng = np.random.default_rng(seed)
        self.h = inst.horizon
        self.load, self.pool = inst.load.tolist(), inst.pool.tolist()
        self.min_gap, self.max_gap = inst.min_gap.tolist(), inst.max_gap.tolist()
        self.last = inst.last.tolist()
        n = len(self.load)
        self.weight = (n - inst.rank.argsort().argsort()).tolist()  # higher: served first
        self.room = inst.capacity.astype(np.int64).tolist()
        self.members: dict[int, list[int]] = {}
        for i, p in enumerate(self.pool):
            self.members.setdefault(p, []).append(i)
        self.days: list[list[int]] = [[] for _ in range(n)]
        self.late = [0] * n
        self.late_list: list[int] = []  # the late areas, sampled uniformly in O(1)
        self.late_at: dict[int, int] = {}
        self.total = self.weighted = 0
        for i, t in zip(area.tolist(), day.tolist(), strict=True):
            self.days[i].append(t)
            self.room[self.pool[i]][t] -= self.load[i]
        for i in range(n):
            self._set(i, self.days[i], None)

    def score(self, settle: bool) -> tuple[int, int]:
        return self.total, self.weighted if settle else 0

    def _set(self, i: int, days: list[int], late: int | None) -> None:
        room = self.room[self.pool[i]]
        for t in self.days[i]:
            room[t] += self.load[i]
        for t in days:
            room[t] -= self.load[i]
        if late is None:
            late = late_days(self.h, self.max_gap[i], self.last[i], days)
        self.total += late - self.late[i]
        self.weighted += self.weight[i] * (late - self.late[i])
        self.days[i], self.late[i] = days, late
        if late and i not in self.late_at:
            self.late_at[i] = len(self.late_list)
            self.late_list.append(i)
        elif not late and i in self.late_at:
            pos, moved = self.late_at.pop(i), self.late_list.pop()
            if moved != i:
                self.late_list[pos], self.late_at[moved] = moved, pos

    def neighbourhood(self) -> list[int] | None:
        """A late area and others drawn from its pool, in the order they go back."""
        if not self.late_list:
            return None
        i = self.late_list[int(self.rng.integers(len(self.late_list)))]
        pool = self.members[self.pool[i]]
        k = min(len(pool), int(self.rng.integers(2, _MAX_TAKEN + 2)))
        picked = dict.fromkeys([i, *(pool[int(j)] for j in
                                     self.rng.choice(len(pool), k, replace=False))])
        picked = list(picked)
        if self.rng.random() < 0.5:  # policy order half the time, else any order
            return sorted(picked, key=lambda j: -self.weight[j])
        return [picked[int(j)] for j in self.rng.permutation(len(picked))]

    def step(self, settle: bool) -> bool:
        """Re-plan one neighbourhood; keep it unless the score grows. False: nothing late."""
        group = self.neighbourhood()
        if group is None:
            return False
        before = self.score(settle)
        saved = [(i, self.days[i], self.late[i]) for i in group]
        for i in group:
            self._set(i, [], 0)
        for i in group:
            noise = self.rng.integers(0, 100, self.h).tolist()
            late, days = best_days(self.h, self.load[i], self.min_gap[i], self.max_gap[i],
                                   self.last[i], self.room[self.pool[i]], noise)
            self._set(i, days, late)
        if self.score(settle) > before:
            for i in group:
                self._set(i, [], 0)
            for i, days, late in saved:
                self._set(i, days, late)
        return True

    def floor(self, capacity: np.ndarray) -> int:
        """Slip no plan can go below: each late area's least slip with its pool's whole
        capacity to itself. An area that fits on every day can be sampled on each of its
        deadlines (max_days ≥ min_days apart), so only the others need the search."""
        zero = [0] * self.h
        narrow = np.asarray(self.load) > capacity.min(axis=1)[np.asarray(self.pool)]
        return sum(best_days(self.h, self.load[i], self.min_gap[i], self.max_gap[i],
                             self.last[i], capacity[self.pool[i]].tolist(), zero)[0]
                   for i in self.late_list if narrow[i])

    def rounds(self) -> tuple[np.ndarray, np.ndarray]:
        area = np.array([i for i, d in enumerate(self.days) for _ in d], dtype=np.int64)
        day = np.array([t for d in self.days for t in d], dtype=np.int64)
        order = np.lexsort((day, area))
        return area[order], day[order]


def polish(inst: Instance, area: np.ndarray, day: np.ndarray,
           seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A plan with slip no greater than (area, day)'s, sorted by area then day.

    The score never grows, so the last plan is the best one; the search stops once
    _PATIENCE steps in a row bring no gain, or slip is down to what no plan can avoid.
    """
    search = _Search(inst, area, day, seed)
    best, idle, floor = search.total, 0, search.floor(inst.capacity)
    steps = min(_MAX_STEPS, max(_MIN_STEPS, _MAX_AREA_STEPS // max(1, len(inst.load))))
    for _ in range(steps):
        if idle >= _PATIENCE or search.total <= floor or not search.step(False):
            break
        best, idle = (search.total, 0) if search.total < best else (best, idle + 1)
    for _ in range(_SETTLE_STEPS):
        if not search.step(True):
            break
    return search.rounds()
