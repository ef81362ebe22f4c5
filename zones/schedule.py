"""Testing schedule within sampling capacity (SPEC "Testing schedule"): the round dates of
every sampling unit over a horizon, and, when capacity falls short, which areas go
overdue, by how many days, and how much more capacity a day would prevent it.

Sampling units are blocks, and wards without blocks (zones.rounds.sampling_units). Day 0
of the horizon is `as_of`, so a round recorded on `as_of` counts as already done.
Priority among areas is by deadline, then severity, then larger population first, then
ward and block code so that the same input always gives the same plan. Where capacity
is short, the polish (zones.schedule_polish) lowers the summed overdue days below what
priority order alone gives, and among plans as good leaves the slip to the areas of
lowest priority. Levels are those of `as_of` for the whole horizon: when a level
changes, planning again from the new as-of date reschedules (round numbers carry over).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from zones.levels import severity
from zones.policy import Policy
from zones.problems import Unsaid
from zones.rounds import as_dates, interval_arrays, last_round_days, sampling_units
from zones.schedule_capacity import Capacity, read_capacity
from zones.schedule_core import Instance, deadlines, lateness
from zones.schedule_search import extra_capacity, solve

UNITS = ("samples", "tubes")
NAME_COLUMNS = ("district_code", "district_name", "ward_name", "block_name")
ROUND_COLUMNS = ["date", "district_code", "district_name", "ward_code", "ward_name",
                 "block_code", "block_name", "level", "population", "samples", "tubes",
                 "round", "due_by", "overdue_days"]
OVERDUE_COLUMNS = ["district_code", "district_name", "ward_code", "ward_name", "block_code",
                   "block_name", "level", "population", "pool", "overdue_days", "slip_days",
                   "backlog_days", "owed_after_horizon", "reason"]
# A round owed inside the horizon that the plan does not place: a round row without a date.
OWED_COLUMNS = [*ROUND_COLUMNS[1:], "reason"]
# Why an area goes overdue: a round planned after its due date; a round due inside the
# horizon that capacity leaves out; or one that no day's capacity of its pool can hold
# (the planner samples an area in one day).
SAMPLED_LATE = "sampled_late"
NOT_SAMPLED = "not_sampled_in_horizon"
TOO_LARGE = "larger_than_daily_capacity"
REASONS = (SAMPLED_LATE, NOT_SAMPLED, TOO_LARGE)


@dataclass(frozen=True)
class SchedulePlan:
    """A plan and what it falls short of. Every figure carries the policy and as-of date.

    rounds: one row per area round (ROUND_COLUMNS); `round` numbers the area's rounds
      after those on record, so a re-planned round keeps its number; due_by is the last
      on-time day and overdue_days the days the round falls after it.
    load: per pool and date: capacity, used (in `unit`), rounds, samples, tubes.
    overdue: one row per area that goes overdue (OVERDUE_COLUMNS). overdue_days counts
      every day past due, backlog included; slip_days the part more capacity would have
      avoided (an area already past due on as_of and sampled that day slips 0 days);
      owed_after_horizon: a round is still owed when the horizon ends; reason (REASONS):
      that round's (not_sampled_in_horizon or larger_than_daily_capacity), otherwise
      sampled_late.
    extra: per pool whose plan slips: extra_per_day, the least figure that, added to
      every day's capacity of that pool, lets the planner's deadline-first pass meet every
      deadline (with one less it does not; see schedule_search.extra_capacity), and
      lower_bound, below which no plan of any planner can (lazy demand against capacity).
      Empty when the plan is feasible.
    owed: one row per area owed a round that falls due inside the horizon and is not
      planned (OWED_COLUMNS: a round row without a date): the number that round will
      carry, its due_by (before as_of for an area already overdue), overdue_days counted
      to the day after the horizon (as in `overdue`), and its reason. Every such area is
      in `overdue` too, with owed_after_horizon true.
    """

    policy_id: str
    as_of: dt.date
    horizon: int
    unit: str
    pool_by: str
    rounds: pd.DataFrame
    load: pd.DataFrame
    overdue: pd.DataFrame
    extra: pd.DataFrame
    owed: pd.DataFrame

    @property
    def feasible(self) -> bool:
        return bool((self.overdue["slip_days"] == 0).all())

    @property
    def dates(self) -> list[dt.date]:
        return [self.as_of + dt.timedelta(days=d) for d in range(self.horizon)]


def plan_schedule(areas: pd.DataFrame, rounds: pd.DataFrame, as_of: dt.date, policy: Policy,
                  *, horizon: int, capacity, unit: str = "samples") -> SchedulePlan:
    """Plan testing rounds for days as_of … as_of + horizon - 1.

    areas: ward_code, block_code ('' for a ward), level (effective level as of as_of),
      population, and optionally district_code and the names; wards that have blocks
      are sampled through them. rounds: ward_code, block_code, date (+ optional basis),
      every round on record: recorded ones and zones.round_grids.derived_rounds'.
    capacity: see zones.schedule_capacity.read_capacity; counted in `unit`, samples
      (people swabbed) or tubes (pooled per policy.pooling of the area's level).
    """
    if unit not in UNITS:
        raise ValueError(f"unit {unit!r}: expected one of {UNITS}")
    if not (isinstance(horizon, int) and horizon >= 1):
        raise ValueError(f"horizon {horizon!r}: expected a whole number of days ≥ 1")
    units = _prepare(sampling_units(areas))
    cap = read_capacity(capacity, units, as_of, horizon)
    samples, tubes = _sizes(units, policy)
    inst, count = _instance(units, rounds, as_of, policy, cap,
                            samples if unit == "samples" else tubes)
    area, day = solve(inst)
    late = lateness(inst, area, day)
    extra = extra_capacity(inst, late["slip"])
    frame = units.assign(samples=samples, tubes=tubes, pool=np.array(cap.pools)[cap.of_area],
                         reason=_reasons(inst, late))
    return SchedulePlan(
        policy_id=policy.id, as_of=as_of, horizon=horizon, unit=unit, pool_by=cap.pool_by,
        rounds=_rounds_frame(frame, inst, area, day, count, as_of),
        load=_load_frame(frame, cap, inst, area, day, as_of),
        overdue=_overdue_frame(frame, late),
        extra=_extra_frame(cap, extra, late["slip"], unit),
        owed=_owed_frame(frame, late, np.bincount(area, minlength=len(units)) + count,
                         as_of, horizon),
    )


def _prepare(units: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in ("ward_code", "block_code", "level", "population")
               if c not in units.columns]
    if missing:
        raise ValueError(f"areas lacks column(s) {missing}: expected ward_code, block_code, "
                         "level, population")
    pop = pd.to_numeric(units["population"], errors="coerce")
    bad = pop.isna() | (pop < 0)
    if bad.any():
        keys = (units["ward_code"].astype(str) + "/" + units["block_code"].astype(str))[bad]
        raise Unsaid("request.schedule.no_population", areas=str(keys.tolist()[:10]))
    out = units.reset_index(drop=True).assign(population=pop.astype(np.int64).to_numpy())
    for col in NAME_COLUMNS:
        out[col] = out[col].fillna("").astype(str) if col in out.columns else ""
    out["ward_code"] = out["ward_code"].astype(str)
    out["block_code"] = out["block_code"].fillna("").astype(str)
    return out


def _sizes(units: pd.DataFrame, policy: Policy) -> tuple[np.ndarray, np.ndarray]:
    """Samples (the whole population) and tubes (samples pooled per the level's rule)."""
    samples = units["population"].to_numpy(np.int64)
    pool = units["level"].map(policy.pooling).to_numpy(np.int64)
    return samples, -(-samples // pool)


def _instance(units: pd.DataFrame, rounds: pd.DataFrame, as_of: dt.date, policy: Policy,
              cap: Capacity, load: np.ndarray) -> tuple[Instance, np.ndarray]:
    lo, hi = interval_arrays(units["level"], policy)
    last, count = last_round_days(units, rounds, as_of)
    # Never sampled: due at once, as if the last round were max_days before day 0.
    last = np.where(np.isnan(last), -hi, last).astype(np.int64)
    sev = units["level"].map(lambda c: severity(c) or severity(policy.unknown_as))
    order = pd.DataFrame({"s": -sev.to_numpy(), "p": -units["population"].to_numpy(),
                          "w": units["ward_code"], "b": units["block_code"]})
    rank = np.empty(len(units), np.int64)
    rank[order.sort_values(["s", "p", "w", "b"]).index.to_numpy()] = np.arange(len(units))
    return Instance(cap.of_area, load, lo, hi, last, rank, cap.matrix), count


def _rounds_frame(units: pd.DataFrame, inst: Instance, area: np.ndarray, day: np.ndarray,
                  count: np.ndarray, as_of: dt.date) -> pd.DataFrame:
    first = np.r_[True, area[1:] != area[:-1]] if len(area) else np.empty(0, bool)
    start = np.maximum.accumulate(np.where(first, np.arange(len(area)), 0))
    due = deadlines(inst, area, day)
    base = np.datetime64(as_of, "D")
    out = units.iloc[area].reset_index(drop=True).assign(
        date=as_dates(base + day), round=count[area] + np.arange(len(area)) - start + 1,
        due_by=as_dates(base + due), overdue_days=np.maximum(0, day - due))
    return out.sort_values(["date", "ward_code", "block_code"], ignore_index=True)[
        ROUND_COLUMNS]


def _load_frame(units: pd.DataFrame, cap: Capacity, inst: Instance, area: np.ndarray,
                day: np.ndarray, as_of: dt.date) -> pd.DataFrame:
    pools, h = cap.matrix.shape
    cell = inst.pool[area] * h + day

    def per_cell(weights):
        return np.bincount(cell, weights=weights, minlength=pools * h).astype(np.int64)

    return pd.DataFrame({
        "pool": np.repeat(cap.pools, h),
        "date": as_dates(np.datetime64(as_of, "D") + np.tile(np.arange(h), pools)),
        "capacity": cap.matrix.ravel(), "used": per_cell(inst.load[area]),
        "rounds": per_cell(None), "samples": per_cell(units["samples"].to_numpy()[area]),
        "tubes": per_cell(units["tubes"].to_numpy()[area]),
    })


def _reasons(inst: Instance, late: dict[str, np.ndarray]) -> np.ndarray:
    """Per area, why it goes overdue (REASONS), or '' when it does not."""
    too_large = inst.load > inst.capacity.max(axis=1, initial=0)[inst.pool]
    owed = np.where(too_large, TOO_LARGE, NOT_SAMPLED)
    return np.where(late["owed"], owed, np.where(late["overdue"] > 0, SAMPLED_LATE, ""))


def _overdue_frame(units: pd.DataFrame, late: dict[str, np.ndarray]) -> pd.DataFrame:
    hit = late["overdue"] > 0
    out = units[hit].assign(overdue_days=late["overdue"][hit], slip_days=late["slip"][hit],
                            backlog_days=(late["overdue"] - late["slip"])[hit],
                            owed_after_horizon=late["owed"][hit])
    return out.sort_values(["slip_days", "overdue_days", "ward_code", "block_code"],
                           ascending=[False, False, True, True], ignore_index=True)[
        OVERDUE_COLUMNS]


def _extra_frame(cap: Capacity, extra: dict[str, np.ndarray], slip: np.ndarray,
                 unit: str) -> pd.DataFrame:
    slipped = np.bincount(cap.of_area, weights=slip, minlength=len(cap.pools)).astype(int)
    rows = np.flatnonzero(slipped > 0)
    return pd.DataFrame({
        "pool": np.array(cap.pools, dtype=object)[rows], "unit": unit,
        "slip_days": slipped[rows], "extra_per_day": extra["extra"][rows],
        "lower_bound": extra["lower_bound"][rows],
    })


def _owed_frame(units: pd.DataFrame, late: dict[str, np.ndarray], rounds_before: np.ndarray,
                as_of: dt.date, horizon: int) -> pd.DataFrame:
    """The round each area is owed and does not get (rounds_before: its rounds on record
    and planned), by due date, ward and block."""
    hit = late["owed"]
    due = late["owed_from"][hit]
    out = units[hit].assign(round=rounds_before[hit] + 1,
                            due_by=as_dates(np.datetime64(as_of, "D") + due),
                            overdue_days=horizon - due)
    return out.sort_values(["due_by", "ward_code", "block_code"], ignore_index=True)[
        OWED_COLUMNS]
