"""The morning view (SPEC "The morning view"): what a steering officer needs first about a
day and a scope, in one object that the dashboard's first page, `cli.py today` and the
API all show: who reported and who did not, which areas show a carried-forward level, the
areas and people at each level by where the level came from, what changed since an
earlier day, where it is worst, the targets whose deadline is near or missed, and the
testing rounds overdue.

Levels come from the report grids (one read of the window the view needs), through the
same effective-level rules as everything else (zones.effective).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from data.services.figures import last_rounds_until
from data.store.database import Store
from zones.area_grids import AreaIndex, LevelGrid
from zones.areas import area_keys
from zones.effective import effective_codes_of_own
from zones.levels import RANKED, severity
from zones.morning import (
    area_name,
    changes_of,
    counts_of,
    keys_of,
    ranking_of,
    unit_column,
)
from zones.policy import Policy
from zones.problems import Unsaid
from zones.report import scope_areas, targets_table
from zones.report_period import Period, Scope, parse_scope
from zones.rounds import round_table, sampling_units
from zones.target_file import GreenTarget
from zones.targets import history_window, progress_of_grid

WEEK = 7  # the ranking compares with this many days before
LOOKBACK = 31  # days of grids read to find a silent ward's last report; older: one query
TARGET_GRACE = 7  # a missed target stays on the view this many days after its deadline


@dataclass(frozen=True)
class Morning:
    """The morning view of `scope` on `as_of`, changes measured from `since`."""

    as_of: dt.date
    since: dt.date
    scope: str
    policy: str
    wards: int  # wards in the scope
    reported: list[str]  # ward codes that sent rows for as_of
    not_reported: list[dict]  # ward_code, name, district_code, district_name, last_reported
    carried: list[str]  # area keys shown with a carried-forward (stale) level
    counts: list[dict]  # area_type, level, source, areas, population
    changes: list[dict]  # area, area_type, name, ward_name, from, to, direction, population
    ranking: list[dict]  # unit_code, name, population, population_do, …, share, change_7d
    unit_kind: str  # what the ranking ranks: "district" or "ward"
    targets: list[dict]  # id, title_vi, title_en, status, days_left, deadline, current, goal
    overdue: list[dict]  # area, name, level, days_overdue

    def as_json(self) -> dict:
        out = asdict(self)
        out["as_of"], out["since"] = self.as_of.isoformat(), self.since.isoformat()
        return out


def _check_days(store: Store, as_of: dt.date, since: dt.date) -> None:
    span = store.date_range()
    if span is None:
        raise Unsaid("request.schedule.no_levels_none", date=as_of)
    if as_of < span[0]:
        raise Unsaid("request.schedule.no_levels", date=as_of, first=span[0], last=span[1])
    if since >= as_of:
        raise Unsaid("today.since_not_before", since=since, date=as_of)


@dataclass(frozen=True)
class _Window:
    """The levels the view is made from: every area of the store (targets are measured
    on their own scope) on every day first_day…as_of, and the rows of the scope."""

    areas: pd.DataFrame  # the store's, in order
    inside: np.ndarray  # bool per row of `areas`: in the view's scope
    first_day: dt.date  # of the report grids read
    start: dt.date  # of the effective levels below
    rank: np.ndarray  # [area, day] start…as_of
    source: np.ndarray
    stale: np.ndarray
    counts: dict  # report grids first_day…as_of
    sent: np.ndarray

    def scope(self) -> pd.DataFrame:
        return self.areas[self.inside].reset_index(drop=True)


def _window(store: Store, areas: pd.DataFrame, scope: Scope, as_of: dt.date, start: dt.date,
            policy: Policy) -> _Window:
    """One read of the report grids for every area, from the earlier of `start` and
    LOOKBACK days before as_of (less the days a level carries forward)."""
    inside = np.zeros(len(areas), dtype=bool)
    inside[areas.index.get_indexer(scope_areas(areas, scope).index)] = True
    first = min(start - dt.timedelta(days=policy.carry_forward_days),
                as_of - dt.timedelta(days=LOOKBACK))
    own, counts, sent = store.report_grids(area_keys(areas), first, as_of)
    rank, source, stale = effective_codes_of_own(areas, own, first, start, as_of, policy)
    return _Window(areas, inside, first, start, rank, source, stale, counts, sent)


def _relevant(targets: list[GreenTarget] | None, as_of: dt.date) -> list[GreenTarget]:
    """The targets whose phase has begun and whose deadline is ahead or at most
    TARGET_GRACE days past."""
    if targets is None:
        from data.config.policy_files import load_targets

        targets = load_targets()
    grace = as_of - dt.timedelta(days=TARGET_GRACE)
    return [t for t in targets if t.start <= as_of and t.deadline >= grace]


def morning(store: Store, as_of: dt.date, policy: Policy, scope: Scope | str = "city", *,
            since: dt.date | None = None, targets: list[GreenTarget] | None = None,
            areas: pd.DataFrame | None = None) -> Morning:
    """The morning view. Unsaid (a ValueError) for an unknown scope code, a day before the
    store's first report or `since` not before `as_of`. `targets`: the targets file's
    (data.config.policy_files.load_targets) when None; `areas`: Store.areas(), if the
    caller holds it already."""
    scope = parse_scope(scope) if isinstance(scope, str) else scope
    since = as_of - dt.timedelta(days=1) if since is None else since
    _check_days(store, as_of, since)
    every = (store.areas() if areas is None else areas).reset_index(drop=True)
    targets = _relevant(targets, as_of)
    start = min([since, as_of - dt.timedelta(days=WEEK),
                 *([history_window(targets, as_of)[0]] if targets else [])])
    w = _window(store, every, scope, as_of, start, policy)
    areas, rows = w.scope(), w.inside
    rank, source, stale = w.rank[rows], w.source[rows], w.stale[rows]
    today, before, week = -1, (since - start).days, (as_of - start).days - WEEK
    keys = keys_of(areas)
    reported, silent = _reporting(store, areas, w.sent[rows], w.first_day, as_of)
    recent = ({k: v[rows] for k, v in w.counts.items()}, w.sent[rows], w.first_day)
    return Morning(
        as_of=as_of, since=since, scope=str(scope), policy=policy.id,
        wards=int((areas["area_type"] == "ward").sum()), reported=reported,
        not_reported=silent, carried=keys[stale[:, today]].tolist(),
        counts=counts_of(areas, rank[:, today], source[:, today]),
        changes=changes_of(areas, keys, rank[:, before], rank[:, today]),
        ranking=ranking_of(areas, scope, rank[:, [week, today]], start),
        unit_kind=unit_column(areas, scope).removesuffix("_code"),
        targets=_targets(w, targets, areas, as_of),
        overdue=_overdue(store, areas, keys, rank[:, today], as_of, policy, recent),
    )


def _reporting(store: Store, areas: pd.DataFrame, sent: np.ndarray, first: dt.date,
               as_of: dt.date) -> tuple[list[str], list[dict]]:
    """Wards that sent any row (their own or a block's) on as_of; the others, each with
    the last day it sent anything (None: never)."""
    ward_of, codes = pd.factorize(areas["ward_code"])
    spoke = np.zeros((len(codes), sent.shape[1]), dtype=bool)
    np.logical_or.at(spoke, ward_of, sent)
    wards = areas[areas["area_type"] == "ward"].set_index("ward_code")
    silent = [str(c) for c, s in zip(codes, spoke[:, -1], strict=True)
              if not s and c in wards.index]
    last = {}
    for c in silent:
        days = np.flatnonzero(spoke[codes.get_loc(c)])
        last[c] = first + dt.timedelta(days=int(days[-1])) if len(days) else None
    older = [c for c, d in last.items() if d is None]
    if older:
        last.update(store.last_report_days(older, first - dt.timedelta(days=1)))
    rows = [{"ward_code": c, "name": str(wards.at[c, "ward_name"]),
             "district_code": _text(wards.at[c, "district_code"]),
             "district_name": _text(wards.at[c, "district_name"]),
             "last_reported": None if last.get(c) is None else last[c].isoformat()}
            for c in silent]
    rows.sort(key=lambda r: (r["district_code"] or "", r["ward_code"]))
    reported = sorted(str(c) for c, s in zip(codes, spoke[:, -1], strict=True)
                      if s and c in wards.index)
    return reported, rows


def _text(value) -> str | None:
    return None if value is None or pd.isna(value) or str(value) == "" else str(value)


def _targets(w: _Window, targets: list[GreenTarget], areas: pd.DataFrame,
             as_of: dt.date) -> list[dict]:
    """The relevant targets about the scope's areas, measured on the window's levels of
    every area: at risk and missed first, then by days left."""
    if not targets:
        return []
    first = history_window(targets, as_of)[0]
    grid = LevelGrid(first, w.rank[:, (first - w.start).days:].astype(np.int8))
    progress = progress_of_grid(targets, grid, AreaIndex.of(w.areas), w.areas, as_of)
    grace = Period("day", as_of - dt.timedelta(days=TARGET_GRACE), as_of)
    table = targets_table(progress, areas, grace)
    order = {"missed": 0, "at_risk": 1, "on_track": 2, "met": 3}
    rows = [{"id": r.id, "title_vi": r.title_vi, "title_en": r.title_en, "status": r.status,
             "days_left": (dt.date.fromisoformat(r.deadline) - as_of).days,
             "deadline": r.deadline, "current": r.current, "goal": r.goal, "kind": r.kind,
             "unknown": r.unknown}
            for r in table.itertuples(index=False)]
    rows.sort(key=lambda r: (order.get(r["status"], 9), r["days_left"], r["id"]))
    return rows


def _overdue(store: Store, areas: pd.DataFrame, keys: np.ndarray, rank: np.ndarray,
             as_of: dt.date, policy: Policy, recent) -> list[dict]:
    """Sampling units (zones.rounds) whose round is overdue on as_of, most overdue first.
    `recent`: the report grids read for the view, so that only wards with a unit not
    sampled in that window are read further back."""
    levels = areas.assign(level=np.asarray(RANKED, dtype=object)[rank])
    units = sampling_units(levels)
    rounds = last_rounds_until(store, as_of, policy, areas, recent)
    table = round_table(units, rounds, as_of, policy)
    late = table[table["overdue_days"] > 0]
    rows = [{"area": keys[i], "name": area_name(areas, i), "level": str(levels.at[i, "level"]),
             "days_overdue": int(d)} for i, d in zip(late.index, late["overdue_days"],
                                                     strict=True)]
    rows.sort(key=lambda r: (-r["days_overdue"], -(severity(r["level"]) or 0), r["area"]))
    return rows
