"""Testing rounds (đợt xét nghiệm) over a report's period, against the policy: how many
rounds fell due, how many were done, how many ran overdue, and who is overdue at the end.

Rounds on record are the union of the testing_rounds table and the rounds derived from
daily `tests_done` (zones.round_grids.derived_rounds: coverage ≥ policy.round_min_coverage), as
data.services.figures.rounds_until gathers them for the testing schedule too.
An area's deadline on a day follows zones.rounds: `max_days` after its last round (at once
if it never had one), with the interval of its level that day. Each wait between two
rounds is one round due in the period when its deadline (`due_by`) falls on or before the
period's last day; it is one round overdue when a day passed its deadline without a round.
A round done early (its deadline after the period) is counted as done, not as due.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from zones.area_grids import level_grid
from zones.areas import WARD_ROW
from zones.levels import RANKED
from zones.policy import Policy
from zones.report_period import Period
from zones.rounds import last_round_days, round_table, sampling_units

UNIT_COLUMNS = ["ward_code", "ward_name", "block_code", "block_name", "population"]


@dataclass(frozen=True)
class RoundsPart:
    """units: one row per sampling unit of the scope: UNIT_COLUMNS, level (on the last
    day), due, done, overdue (rounds over the period), state, overdue_days, last_round,
    due_by (at the end of the last day, that day's round counted);
    by_ward: ward_code, ward_name, units, due, done, overdue, overdue_now;
    total: the same sums for the scope."""

    units: pd.DataFrame
    by_ward: pd.DataFrame
    total: dict[str, int]


def _unit_levels(history: pd.DataFrame, areas: pd.DataFrame, units: pd.DataFrame,
                 first: dt.date, period: Period) -> np.ndarray:
    """Level code of each unit on each day of the period: [unit, day]."""
    grid = level_grid(history, areas, first, period.end)
    rows = areas.index.get_indexer(units.index)
    offset = (period.start - first).days
    return np.asarray(RANKED, dtype=object)[grid.rank[rows, offset:]]


def _walk(units: pd.DataFrame, levels: np.ndarray, rounds: pd.DataFrame, period: Period,
          policy: Policy) -> dict[str, np.ndarray]:
    """Due, done and overdue rounds of each unit over the period (module doc), day by
    day, since a level change moves the deadline."""
    n = len(units)
    due, done, overdue = (np.zeros(n, dtype=np.int64) for _ in range(3))
    needed, late = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    dates = pd.to_datetime(pd.Series(rounds["date"])).dt.date.to_numpy()
    for i, day in enumerate(period.dates()):
        table = round_table(units.assign(level=levels[:, i]), rounds[dates < day], day, policy)
        needed |= (table["due_by"].to_numpy() <= period.end).astype(bool)
        late |= (table["state"].to_numpy() == "overdue").astype(bool)
        last, _ = last_round_days(units, rounds[dates <= day], day)
        today = last == 0
        done += today
        due += today & needed
        overdue += today & late
        needed &= ~today
        late &= ~today
    due += needed  # the wait still open at the end, with its deadline inside the period
    overdue += late
    return {"due": due, "done": done, "overdue": overdue}


def rounds_part(areas: pd.DataFrame, history: pd.DataFrame, rounds: pd.DataFrame,
                period: Period, policy: Policy) -> RoundsPart:
    """Rounds of the scope's sampling units over the period. history must start on or
    before the period (report `history_window`); rounds (ward_code, block_code, date,
    basis: recorded and derived, as data.services.figures.rounds_until gives them) reach back as
    far as the store has them, so the last round before the period is known."""
    units = sampling_units(areas)
    first = min(pd.to_datetime(history["date"]).dt.date) if len(history) else period.start
    levels = _unit_levels(history, areas, units, first, period)
    rounds = rounds.assign(block_code=rounds["block_code"].fillna(WARD_ROW))
    counts = _walk(units, levels, rounds, period, policy)
    end = round_table(units.assign(level=levels[:, -1]), rounds, period.end, policy)
    out = units[UNIT_COLUMNS].reset_index(drop=True)
    out["level"] = levels[:, -1]
    for key, values in counts.items():
        out[key] = values
    for key in ("state", "overdue_days", "last_round", "due_by"):
        out[key] = end[key].to_numpy()
    return RoundsPart(out, _by_ward(out), _sum(out))


def _sum(units: pd.DataFrame) -> dict[str, int]:
    return {"units": len(units), "due": int(units["due"].sum()),
            "done": int(units["done"].sum()), "overdue": int(units["overdue"].sum()),
            "overdue_now": int((units["state"] == "overdue").sum())}


def _by_ward(units: pd.DataFrame) -> pd.DataFrame:
    rows = [{"ward_code": w, "ward_name": g["ward_name"].iloc[0], **_sum(g)}
            for w, g in units.groupby("ward_code", sort=True)]
    cols = ["ward_code", "ward_name", "units", "due", "done", "overdue", "overdue_now"]
    return pd.DataFrame(rows, columns=cols)
