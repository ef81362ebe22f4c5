"""Testing rounds (đợt xét nghiệm): when an area's next round is allowed, due and overdue
under the policy interval of its level, and which rounds are on record.

SPEC "Policy": a round is due once `min_days` have passed since the last round and
overdue after `max_days`; an area with no round on record is due at once. Everything
here is a pure function of its arguments: `as_of` is passed in, never read from a clock.

The unit that is sampled (a *sampling unit*) is a block; a ward with no blocks in the
area table is sampled as a whole and is its own unit. A ward's blocks are never also
scheduled as the ward, so no population is sampled twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from zones.areas import WARD_ROW, day_numbers
from zones.policy import Interval, Policy

STATES = ("not_yet", "due", "overdue")  # their names: i18n "rounds.state.<state>"
ROUND_COLUMNS = ["ward_code", "block_code", "date"]


@dataclass(frozen=True)
class RoundStatus:
    """Where one area stands on `as_of`: its interval, and the dates that follow from it."""

    level: str
    interval: Interval
    last_round: dt.date | None
    earliest: dt.date  # first day a next round is allowed
    due_by: dt.date  # last day a next round is on time
    overdue_days: int  # days past due_by on as_of, 0 if not past
    state: str  # one of STATES


def earliest_next(last_round: dt.date | None, interval: Interval, as_of: dt.date) -> dt.date:
    """First day the next round is allowed: min_days after the last; at once if none."""
    if last_round is None:
        return as_of
    return last_round + dt.timedelta(days=interval.min_days)


def due_by(last_round: dt.date | None, interval: Interval, as_of: dt.date) -> dt.date:
    """Last day the next round is on time: max_days after the last; at once if none."""
    if last_round is None:
        return as_of
    return last_round + dt.timedelta(days=interval.max_days)


def overdue_days(last_round: dt.date | None, interval: Interval, as_of: dt.date) -> int:
    """Days `as_of` lies past the due date (0 when not past)."""
    return max(0, (as_of - due_by(last_round, interval, as_of)).days)


def round_status(level: str, last_round: dt.date | None, as_of: dt.date,
                 policy: Policy) -> RoundStatus:
    """Status of one area of `level` whose last round was `last_round` (None: never).

    A round dated after `as_of` has not happened yet as of that day: ValueError.
    """
    if last_round is not None and last_round > as_of:
        raise ValueError(f"last round {last_round} is after as_of {as_of}: pass the rounds "
                         "on record up to as_of")
    iv = policy.interval(level)
    early = earliest_next(last_round, iv, as_of)
    due = due_by(last_round, iv, as_of)
    late = overdue_days(last_round, iv, as_of)
    state = "overdue" if late > 0 else ("due" if as_of >= early else "not_yet")
    return RoundStatus(level, iv, last_round, early, due, late, state)


def sampling_units(areas: pd.DataFrame) -> pd.DataFrame:
    """The areas a schedule samples: every block, and every ward that has no block in
    `areas` (its index and columns kept). A ward with blocks is sampled through them."""
    block = areas["block_code"].fillna(WARD_ROW).astype(str)
    is_block = block != WARD_ROW
    with_blocks = areas.loc[is_block, "ward_code"].astype(str).unique()
    lone_ward = ~is_block & ~areas["ward_code"].astype(str).isin(with_blocks)
    return areas[is_block | lone_ward]


def rounds_on_record(units: pd.DataFrame, rounds: pd.DataFrame,
                     as_of: dt.date) -> pd.DataFrame:
    """Per sampling unit (aligned to `units`): last_round (date or None) and
    rounds_on_record, the number of distinct days with a round up to `as_of` inclusive.

    `rounds` (ward_code, block_code, date, optional basis) is the union of recorded and
    derived rounds. A round of a whole ward counts for each of its blocks, since a ward
    campaign samples all of them, unless its basis is 'blocks': a sum of block rows says
    nothing about a block that reported none. Rounds after `as_of` have not happened yet.
    """
    last, count = last_round_days(units, rounds, as_of)
    last_date = [None if np.isnan(d) else as_of + dt.timedelta(days=int(d)) for d in last]
    return pd.DataFrame({"last_round": last_date, "rounds_on_record": count},
                        index=units.index)


def last_round_days(units: pd.DataFrame, rounds: pd.DataFrame,
                    as_of: dt.date) -> tuple[np.ndarray, np.ndarray]:
    """rounds_on_record as arrays: the last round's day relative to `as_of` (≤ 0; NaN
    when none) and the count of days with a round."""
    unit_keys = pd.DataFrame({
        "pos": np.arange(len(units)),
        "ward_code": units["ward_code"].astype(str).to_numpy(object),
        "block_code": units["block_code"].fillna(WARD_ROW).astype(str).to_numpy(object),
    })
    r = pd.DataFrame({
        "ward_code": rounds["ward_code"].astype(str).to_numpy(object),
        "block_code": rounds["block_code"].fillna(WARD_ROW).astype(str).to_numpy(object),
        "day": day_numbers(rounds["date"], as_of) if len(rounds) else np.empty(0, np.int64),
        "basis": rounds["basis"].to_numpy(object) if "basis" in rounds else "own",
    })
    r = r[r["day"] <= 0]
    own = r.merge(unit_keys, on=["ward_code", "block_code"])
    wide = r[(r["block_code"] == WARD_ROW) & (r["basis"] != "blocks")]
    wide = wide[["ward_code", "day"]].merge(unit_keys[["ward_code", "pos"]], on="ward_code")
    seen = pd.concat([own[["pos", "day"]], wide[["pos", "day"]]]).drop_duplicates()
    g = seen.groupby("pos")["day"]
    last = g.max().reindex(range(len(units))).to_numpy(dtype=float)
    count = g.size().reindex(range(len(units)), fill_value=0).to_numpy(dtype=np.int64)
    return last, count


def round_table(units: pd.DataFrame, rounds: pd.DataFrame, as_of: dt.date,
                policy: Policy) -> pd.DataFrame:
    """round_status for every sampling unit at once, aligned to `units`: level, min_days,
    max_days, last_round, rounds_on_record, earliest, due_by, overdue_days, state."""
    last, count = last_round_days(units, rounds, as_of)
    lo, hi = interval_arrays(units["level"], policy)
    never = np.isnan(last)
    # Never sampled: due at once, i.e. as if the last round were max_days ago.
    since = np.where(never, hi, -last).astype(np.int64)
    base = np.datetime64(as_of, "D")
    late = np.maximum(0, since - hi)
    state = np.where(late > 0, "overdue", np.where(since >= lo, "due", "not_yet"))
    early = np.where(never, 0, lo - since)
    return pd.DataFrame({
        "level": units["level"].to_numpy(object), "min_days": lo, "max_days": hi,
        "last_round": np.where(never, None, as_dates(base - since)),
        "rounds_on_record": count,
        "earliest": as_dates(base + early), "due_by": as_dates(base + hi - since),
        "overdue_days": late, "state": state,
    }, index=units.index)


def interval_arrays(levels: pd.Series, policy: Policy) -> tuple[np.ndarray, np.ndarray]:
    """(min_days, max_days) of each level code, as integer arrays; ValueError on a level
    the policy has no interval for."""
    codes, distinct = pd.factorize(levels)
    odd = [c for c in distinct if c not in policy.intervals]
    if odd or (codes < 0).any():
        raise ValueError(f"no testing interval for level(s) {odd or ['<missing>']}: expected "
                         f"one of {sorted(policy.intervals)}")
    lo = np.array([policy.interval(c).min_days for c in distinct], dtype=np.int64)
    hi = np.array([policy.interval(c).max_days for c in distinct], dtype=np.int64)
    return lo[codes], hi[codes]


def as_dates(days: np.ndarray) -> np.ndarray:
    """datetime.date objects for datetime64 days; distinct days are few, so each is
    converted once."""
    distinct, codes = np.unique(np.asarray(days).astype("datetime64[D]"), return_inverse=True)
    return np.array([d.item() for d in distinct], dtype=object)[codes.reshape(-1)]
