"""The fast map's history (geo.webmap.payload.MapHistory) from report grids instead of report
rows: what `map_history` computes, with no per-report step, so a city of 25,000 areas
over 120 days is built from the store's packs (data.store.packs) in well under a second.

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

from geo.webmap.payload import NONE, SOURCE_SHIFT, STALE_BIT, MapHistory, _due, _since, _windows
from zones.effective import effective_codes_of_own
from zones.policy import Policy
from zones.round_grids import round_cells, spread_to_blocks
from zones.trends import AreaIndex, area_count_grids, block_reported


def map_history_of_grids(areas: pd.DataFrame, own_rank: np.ndarray, counts: dict,
                         sent: np.ndarray, first_day: dt.date, first: dt.date,
                         last: dt.date, policy: Policy) -> MapHistory:
    """MapHistory of `areas` from `first` to `last`, given Store.report_grids of the days
    `first_day`…`last` (first_day ≤ first - policy.carry_forward_days). Days before
    `first` must hold no report, as `map_history` is given the reports from `first` on."""
    lead = (first - first_day).days
    rank, source, stale = effective_codes_of_own(areas, own_rank, first_day, first, last,
                                                 policy)
    codes = (rank.astype(np.uint8) | (stale.astype(np.uint8) * np.uint8(STALE_BIT))
             | (source.astype(np.uint8) << np.uint8(SOURCE_SHIFT))).T
    idx = AreaIndex.of(areas)
    own = {k: v[:, lead:] for k, v in counts.items()}
    sent = sent[:, lead:]
    figures = area_count_grids(own, sent, idx)
    cases = figures["new_cases"]
    flags = spread_to_blocks(idx, round_cells(idx, figures["tests_done"], policy),
                             block_reported(idx, sent))
    days = np.arange(flags.shape[1], dtype=np.int32)[:, None]
    last_round = np.maximum.accumulate(np.where(flags.T, days, np.int32(NONE)), axis=0)
    rank_t = rank.T
    return MapHistory(first, codes, _since(rank_t), *_windows(cases, (7, 14)),
                      last_round, _due(last_round, rank_t, policy))
