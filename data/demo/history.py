"""The demo city's epidemic: a seeded day-by-day simulation of every block's level, new
cases and tests, the wards' own levels, and the days some wards send nothing.

Vectorised over blocks (one numpy step per day), so a 25,000-block city runs in seconds.
Levels are severities (1 xanh … 4 phong_toa) here; the caller turns them into codes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from zones.levels import LEVELS, REPORTABLE
from zones.policy import Policy

SEV = {code: LEVELS[code].severity for code in REPORTABLE}
XANH, DA_CAM, DO, PHONG_TOA = SEV["xanh"], SEV["da_cam"], SEV["do"], SEV["phong_toa"]
# Initial shares of blocks by level, most at-risk blocks first (close to the samples'
# Hà Đông history: 5 / 35 / 56 of 242 blocks).
START_SHARE = ((PHONG_TOA, 0.02), (DO, 0.14), (DA_CAM, 0.22))
DECAY = 0.8  # an outbreak's daily case rate shrinks by this factor (isolation works)
SEEDING = 0.012  # daily chance of a community case in the riskiest lower-level block
WARD_SHARE = 0.25  # README rule: ¼ of a ward's people in a level lifts the ward row

NOTE_CASE, NOTE_LIFT, NOTE_TO_DA_CAM, NOTE_TO_XANH = 1, 2, 3, 4


def note_texts(policy: Policy) -> list[str | None]:
    """Note per note code (0: no note)."""
    n = policy.days_without_cases
    return [
        None,
        "Ca mắc mới trong cộng đồng, chuyển vùng đỏ",
        "Gỡ phong tỏa, chuyển vùng đỏ",
        f"Đủ {n} ngày không có ca mới, chuyển vùng da cam",
        f"Đủ {n} ngày không có ca mới, chuyển vùng xanh",
    ]


@dataclass(frozen=True)
class History:
    """Arrays of shape (areas, days). Blocks are grouped by ward, wards by index."""

    block_level: np.ndarray
    block_cases: np.ndarray
    block_tests: np.ndarray
    block_note: np.ndarray
    ward_level: np.ndarray
    ward_cases: np.ndarray
    ward_tests: np.ndarray
    ward_present: np.ndarray  # False on the days a ward (and its blocks) sent nothing


@dataclass
class _State:
    """One value per block, carried from day to day."""

    level: np.ndarray
    intensity: np.ndarray  # expected new cases today
    case_free: np.ndarray  # consecutive days without a case, up to yesterday
    since_change: np.ndarray  # days since the last level change
    since_round: np.ndarray  # days since the last whole-population test round


def simulate(risk: np.ndarray, population: np.ndarray, block_ward: np.ndarray, days: int,
             policy: Policy, rng: np.random.Generator, progress=None) -> History:
    """Run the epidemic; `risk` in [0, 1] per block says where outbreaks cluster."""
    n = len(risk)
    state = _start(risk, policy, rng)
    level, cases, tests, note = (np.zeros((n, days), np.int32) for _ in range(4))
    wave = np.exp(-np.arange(days) / max(days / 3, 1))  # the city's epidemic ebbs
    for t in range(days):
        cases[:, t], note[:, t] = _day(state, risk * wave[t], policy, rng)
        tests[:, t] = _tests(state, population, cases[:, t], policy, rng)
        level[:, t] = state.level
        if progress is not None:
            progress(t + 1, days, "history")
    return _with_wards(level, cases, tests, note, population, block_ward, rng)


def _start(risk: np.ndarray, policy: Policy, rng: np.random.Generator) -> _State:
    """Day-0 state: the riskiest blocks locked down or red, then orange, the rest green."""
    n = len(risk)
    rank = np.empty(n, int)
    rank[np.argsort(-risk, kind="stable")] = np.arange(n)
    level = np.full(n, XANH, np.int32)
    edge = 0
    for sev, share in START_SHARE:
        size = int(np.ceil(share * n))
        level[(rank >= edge) & (rank < edge + size)] = sev
        edge += size
    lift = 0.6 + 0.4 * risk  # riskier pockets burn hotter
    intensity = np.select([level == PHONG_TOA, level == DO],
                          [rng.uniform(1.5, 3.5, n) * lift, rng.uniform(0.2, 0.8, n) * lift], 0.0)
    # Pre-window counters: red pockets had cases days ago, orange ones longer ago, green
    # ones long enough that they are settled.
    case_free = np.select([level >= DO, level == DA_CAM],
                          [rng.integers(0, 4, n), rng.integers(0, 18, n)], 60)
    since_round = rng.integers(0, _max_days(policy)[level])  # rounds staggered across the interval
    return _State(level, intensity, case_free.astype(np.int32), rng.integers(0, 14, n),
                  since_round)


def _max_days(policy: Policy) -> np.ndarray:
    """The policy's longest gap between rounds, indexed by severity."""
    top = np.zeros(max(SEV.values()) + 1, np.int64)
    for code, sev in SEV.items():
        top[sev] = policy.interval(code).max_days
    return top


def _day(s: _State, seed_risk: np.ndarray, policy: Policy,
         rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Advance one day; return its new cases and note codes."""
    seeded = (s.level <= DA_CAM) & (rng.random(len(s.level)) < SEEDING * seed_risk)
    s.intensity[seeded] = rng.uniform(0.4, 1.2, seeded.sum())
    cases = rng.poisson(s.intensity)
    cases[seeded] = np.maximum(cases[seeded], 1)  # a detected community case, by definition
    s.intensity *= DECAY
    note = np.zeros(len(cases), np.int32)
    # A case turns a green or orange block red that same day (never a green row with cases).
    up = (cases > 0) & (s.level < DO)
    s.level[up], note[up] = DO, NOTE_CASE
    # One level down only after days_without_cases clean days before today, a clean
    # today, and a week since the last change.
    down = ((cases == 0) & (s.level > XANH) & (s.case_free >= policy.days_without_cases)
            & (s.since_change >= 7))
    note[down] = np.select([s.level[down] == PHONG_TOA, s.level[down] == DO],
                           [NOTE_LIFT, NOTE_TO_DA_CAM], NOTE_TO_XANH)
    s.level[down] -= 1
    s.since_change = np.where(up | down, 0, s.since_change + 1)
    s.case_free = np.where(cases > 0, 0, s.case_free + 1)
    return cases, note


def _tests(s: _State, population: np.ndarray, cases: np.ndarray, policy: Policy,
           rng: np.random.Generator) -> np.ndarray:
    """Samples taken today: the whole block when a round falls due (at the latest day the
    policy allows, so capacity stretches furthest), else a few symptom and contact tests."""
    n = len(population)
    s.since_round += 1
    due = s.since_round >= _max_days(policy)[s.level]
    s.since_round[due] = 0
    cover = policy.round_min_coverage
    share = rng.uniform(cover + 0.3 * (1 - cover), 1.0, n)  # some people are away
    daily = np.minimum(rng.poisson(1.5, n) + 3 * cases, population // 2)
    return np.where(due, np.ceil(population * share), daily).astype(np.int32)


def _with_wards(level, cases, tests, note, population, block_ward,
                rng: np.random.Generator) -> History:
    """Add the wards' own rows and the days some wards send nothing."""
    starts = np.flatnonzero(np.r_[True, np.diff(block_ward) != 0])

    def per_ward(values):
        return np.add.reduceat(values, starts, axis=0)

    pop = population[:, None]
    ward_pop = per_ward(pop).astype(float)
    share_do = per_ward(pop * (level >= DO)) / ward_pop
    share_da_cam = per_ward(pop * (level >= DA_CAM)) / ward_pop
    any_lockdown = per_ward((level == PHONG_TOA).astype(int)) > 0
    any_do = per_ward((level == DO).astype(int)) > 0
    # The samples README rule: a ward row is not simply its worst block.
    ward_level = np.select(
        [any_lockdown | (share_do >= WARD_SHARE), any_do | (share_da_cam >= WARD_SHARE)],
        [DO, DA_CAM], XANH).astype(np.int32)
    present = _missing_days(len(starts), level.shape[1], rng)
    return History(level, cases, tests, note, ward_level, per_ward(cases), per_ward(tests),
                   present)


def _missing_days(n_wards: int, days: int, rng: np.random.Generator) -> np.ndarray:
    """About one ward in sixteen sends nothing on one or two consecutive days, never on
    the first or last day (so the history has a clear start and a current state)."""
    present = np.ones((n_wards, days), bool)
    if days < 3:
        return present
    k = max(1, round(n_wards / 16))
    wards = rng.choice(n_wards, size=k, replace=False)
    first = rng.integers(1, days - 1, size=k)
    length = rng.integers(1, 3, size=k)
    for w, d, n in zip(wards, first, length, strict=True):
        present[w, d:min(d + n, days - 1)] = False
    return present
