"""Figures from the store: the one place the CLI, the dashboard and the reports get
levels, history, trends, targets and transitions, so a number is the same everywhere.

Each function reads only the reports its window needs and hands them to the pure
functions of zones/.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from data.store.database import Store
from zones.areas import area_keys
from zones.effective import effective_history_of_own, effective_levels, effective_rank_history
from zones.levels import RANKED
from zones.policy import Policy
from zones.problems import Unsaid
from zones.round_grids import derived_rounds
from zones.rounds import last_round_days, sampling_units
from zones.schedule import SchedulePlan, plan_schedule
from zones.target_file import GreenTarget
from zones.targets import TargetProgress, history_window, target_progress
from zones.tiers import has_districts, unit_groups
from zones.transitions import area_transitions, transitions_window
from zones.trends import Trends, trends_of_tallies, ward_groups

COUNT_COLUMNS = ["date", "ward_code", "block_code", "new_cases", "tests_done"]


def levels_on(store: Store, as_of: dt.date, policy: Policy,
              areas: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every area with its effective level on `as_of` (level_since needs the whole past)."""
    areas = store.areas() if areas is None else areas
    return effective_levels(areas, store.reports(date_to=as_of), as_of, policy)


def history_between(store: Store, start: dt.date, end: dt.date, policy: Policy,
                    areas: pd.DataFrame | None = None) -> pd.DataFrame:
    """Effective level of every area on every day start..end (long table)."""
    areas = store.areas() if areas is None else areas
    first = start - dt.timedelta(days=policy.carry_forward_days)
    own, _counts, _sent = store.report_grids(area_keys(areas), first, end)
    return effective_history_of_own(areas, own, first, start, end, policy)


def trends_between(store: Store, start: dt.date, end: dt.date, policy: Policy, *,
                   district: str | None = None, by: str = "district_code",
                   areas: pd.DataFrame | None = None) -> Trends:
    """Areas and population per level, cases and tests, per day and group (`by`; by
    district where there are none means by province). `district` may name a province
    whose wards have no district.

    Adds up each ward's tallies, which the store keeps by ward and month and computes
    again only where its reports, areas or the policy changed (data.store.trend_packs).
    `areas`: Store.areas(), if the caller holds it already.
    """
    if end < start:
        raise Unsaid("request.trends.backwards", end=end, start=start)
    areas = store.areas() if areas is None else areas
    if district is not None:  # a district, or the province of wards without one
        groups = unit_groups(areas)
        if district not in set(groups):
            raise Unsaid("request.trends.unknown_district", code=repr(district))
        areas = areas[groups == district]
    if by == "district_code" and not has_districts(areas):
        by = "province_code"  # two tiers: the next level up
    wards, levels, counts = store.ward_tallies(areas, start, end, policy)
    group, names = ward_groups(areas, by, wards)
    return trends_of_tallies(levels, counts, group, names, start, by)


def targets_as_of(store: Store, as_of: dt.date, policy: Policy,
                  targets: list[GreenTarget]) -> list[TargetProgress]:
    """Progress, trend, projection and status of each target on `as_of`."""
    areas = store.areas()
    start, end = history_window(targets, as_of)
    history = history_between(store, start, end, policy, areas)
    return target_progress(targets, history, areas, as_of)


def transitions_as_of(store: Store, as_of: dt.date, policy: Policy) -> pd.DataFrame:
    """Per area: time at level, case-free days, step-down eligibility, recent step-ups."""
    areas = store.areas()
    start, end = transitions_window(as_of, policy)
    history = history_between(store, start, end, policy, areas)
    counts = store.reports(date_from=start, date_to=end)[COUNT_COLUMNS]
    return area_transitions(history, counts, areas, start, as_of, policy)


ROUND_FIELDS = ["ward_code", "block_code", "date", "basis"]


def rounds_until(store: Store, as_of: dt.date, policy: Policy,
                 areas: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every round on record up to `as_of`: recorded ones and those implied by daily
    tests_done reaching the policy's coverage (ward_code, block_code, date, basis),
    derived from the report grids (zones.round_grids)."""
    areas = store.areas() if areas is None else areas
    recorded = store.testing_rounds(date_to=as_of).assign(basis="own")
    span = store.date_range()
    if span is None or as_of < span[0]:
        return recorded[ROUND_FIELDS].reset_index(drop=True)
    wards = sorted(set(areas["ward_code"]))
    _rank, own, sent = store.report_grids(area_keys(areas), span[0], as_of, wards)
    derived = derived_rounds(areas, own, sent, span[0], policy)
    return pd.concat([derived[ROUND_FIELDS], recorded[ROUND_FIELDS]], ignore_index=True)


def last_rounds_until(store: Store, as_of: dt.date, policy: Policy, areas: pd.DataFrame,
                      recent: tuple[dict, np.ndarray, dt.date]) -> pd.DataFrame:
    """Rounds enough to know each sampling unit's last round up to `as_of` (not all of
    them: what zones.rounds.round_table needs for last_round and overdue_days, not for
    rounds_on_record). `recent`: the report grids already read for the areas (counts,
    sent, their first day), from which the recent rounds are derived; only the wards
    with a unit that had no round since then are read further back."""
    counts, sent, first = recent
    recorded = store.testing_rounds(date_to=as_of).assign(basis="own")
    derived = derived_rounds(areas, counts, sent, first, policy)
    rounds = pd.concat([derived[ROUND_FIELDS], recorded[ROUND_FIELDS]], ignore_index=True)
    units = sampling_units(areas)
    last, _count = last_round_days(units, rounds, as_of)
    silent = sorted(set(units.loc[np.isnan(last), "ward_code"]))
    if silent:
        older = areas[areas["ward_code"].isin(silent)]
        before = rounds_until(store, first - dt.timedelta(days=1), policy, older)
        rounds = pd.concat([before, rounds], ignore_index=True)  # recorded ones twice: harmless
    return rounds


def level_codes_on(store: Store, as_of: dt.date, policy: Policy,
                   areas: pd.DataFrame) -> pd.Series:
    """Each area's effective level code on `as_of` (aligned to `areas`), from the report
    grids: `levels_on`'s level column without the rest."""
    first = as_of - dt.timedelta(days=policy.carry_forward_days)
    own, _counts, _sent = store.report_grids(area_keys(areas), first, as_of)
    rank = effective_rank_history(areas, own, first, as_of, as_of, policy)[:, 0]
    return pd.Series(np.asarray(RANKED, dtype=object)[rank], index=areas.index)


def schedule_as_of(store: Store, as_of: dt.date, policy: Policy, *, days: int, capacity,
                   unit: str = "samples") -> SchedulePlan:
    """The testing plan for as_of … as_of + days - 1 from the levels of `as_of`.

    capacity: samples (or tubes) per day for the whole city, or a table with `capacity`,
    `district_code` or `ward_code`, and optionally `date` (zones.schedule_capacity).
    Unsaid (a ValueError) when the store has no areas or no levels on `as_of`, or the
    capacity does not fit them.
    """
    areas = store.areas()
    if areas.empty:
        raise Unsaid("request.schedule.no_areas")
    span = store.date_range()
    if span is None:
        raise Unsaid("request.schedule.no_levels_none", date=as_of)
    if as_of < span[0]:
        raise Unsaid("request.schedule.no_levels", date=as_of, first=span[0], last=span[1])
    levels = areas.assign(level=level_codes_on(store, as_of, policy, areas))
    rounds = rounds_until(store, as_of, policy, areas)
    return plan_schedule(levels, rounds, as_of, policy, horizon=days, capacity=capacity,
                         unit=unit)
