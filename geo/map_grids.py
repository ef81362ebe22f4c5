"""The fast map's history (geo.fastmap.MapHistory) from report grids instead of report
rows: what `map_history` computes, with no per-report step, so a city of 25,000 areas
over 120 days is built from the store's packs (data.packs) in well under a second.

The rules are the same ones, on [area, day] grids: effective levels
(zones.effective), a ward's cases and tests by the no-double-count rule
(zones.trends.ward_count_grids), and rounds implied by tests reaching the policy's
coverage of the population (zones.rounds.derive_rounds): a ward's round counts for its
blocks unless the ward's figure is a sum of its block rows.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from geo.fastmap import NONE, SOURCE_SHIFT, STALE_BIT, MapHistory, _due, _since, _window
from zones.effective import effective_codes_of_own
from zones.policy import Policy
from zones.trends import AreaIndex, ward_count_grids


def map_history_of_grids(areas: pd.DataFrame, own_rank: np.ndarray, counts: dict,
                         sent: np.ndarray, first_day: dt.date, first: dt.date,
                         last: dt.date, policy: Policy) -> MapHistory:
    """MapHistory of `areas` from `first` to `last`, given Store.report_grids of the days
    `first_day`…`last` (first_day ≤ first - policy.carry_forward_days). Days before
    `first` must hold no report, as `map_history` is given the reports from `first` on."""
    lead = (first - first_day).days
    rank, source, stale = effective_codes_of_own(areas, own_rank, first_day, first, last,
                                                 policy)
    codes = (rank | (stale * STALE_BIT) | (source << SOURCE_SHIFT)).T.astype(np.uint8)
    idx = AreaIndex.of(areas)
    own = {k: v[:, lead:] for k, v in counts.items()}
    sent = sent[:, lead:]
    wards = np.flatnonzero(idx.is_ward)
    ward_figures = ward_count_grids(own, sent, idx, wards)
    cases = np.where(idx.is_ward[:, None], np.nan, own["new_cases"])
    cases[wards] = ward_figures["new_cases"]
    tests = np.where(idx.is_ward[:, None], np.nan, own["tests_done"])
    tests[wards] = ward_figures["tests_done"]
    last_round = _last_rounds(idx, tests, sent, policy)
    rank_t = rank.T
    return MapHistory(first, codes, _since(rank_t), _window(cases.T, 7), _window(cases.T, 14),
                      last_round, _due(last_round, rank_t, policy))


def _last_rounds(idx: AreaIndex, tests: np.ndarray, sent: np.ndarray,
                 policy: Policy) -> np.ndarray:
    """Day of each area's last round so far ([day, area]; NONE if none)."""
    need = np.ceil(idx.population * policy.round_min_coverage - 1e-9)
    with np.errstate(invalid="ignore"):
        flags = (need[:, None] > 0) & (tests >= need[:, None])
    blocks = np.flatnonzero(~idx.is_ward & (idx.ward_row >= 0))
    n_days = sent.shape[1]
    # A ward's figure is a sum of block rows on a day one of its blocks reported: such a
    # round says nothing of a block that reported none, so only the others spread.
    from_blocks = np.zeros(len(idx.is_ward) * n_days, dtype=bool)
    cell = (idx.ward_row[blocks][:, None] * n_days + np.arange(n_days))[sent[blocks]]
    from_blocks[cell] = True
    wide = flags & idx.is_ward[:, None] & ~from_blocks.reshape(-1, n_days)
    flags[blocks] |= wide[idx.ward_row[blocks]]
    days = np.arange(n_days)[:, None]
    return np.maximum.accumulate(np.where(flags.T, days, NONE), axis=0)
