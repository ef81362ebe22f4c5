"""Rounds implied by daily tests (SPEC "Policy": an area's tests_done on a day reaching
round_min_coverage of its population), on [area, day] grids as data.store.packs holds the
reports. A ward's tests are counted by the no-double-count rule (its block rows' sum when
it has block rows that day, else its own row); an area with no population on record, or
a population of 0, never has a derived round: coverage of nobody means nothing.
tests/oracles/rounds_rows.py is the same rule on report rows, which tests hold this to.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from zones.area_grids import AreaIndex, area_count_grids, block_reported
from zones.policy import Policy
from zones.rounds import ROUND_COLUMNS


def round_cells(idx: AreaIndex, tests: np.ndarray, policy: Policy) -> np.ndarray:
    """[area, day]: a round is implied. tests: every area's tests that day as
    `area_count_grids` gives them; an area without population never has one."""
    # Rounded up with a tolerance: 0.9 × 70 is 63.000000000000014 in floating point.
    need = np.ceil(idx.population * policy.round_min_coverage - 1e-9)
    with np.errstate(invalid="ignore"):
        return (need[:, None] > 0) & (tests >= need[:, None])


def spread_to_blocks(idx: AreaIndex, flags: np.ndarray, from_blocks: np.ndarray) -> np.ndarray:
    """`flags` with each ward's own round counted for its blocks too (a ward campaign
    samples all of them); a ward figure summed from block rows does not spread."""
    out = flags.copy()
    blocks = np.flatnonzero(~idx.is_ward & (idx.ward_row >= 0))
    wide = flags & idx.is_ward[:, None] & ~from_blocks
    out[blocks] |= wide[idx.ward_row[blocks]]
    return out


def derived_rounds(areas: pd.DataFrame, own: dict[str, np.ndarray], sent: np.ndarray,
                   first_day: dt.date, policy: Policy) -> pd.DataFrame:
    """The derived rounds (ward_code, block_code, date, samples: the tests done, and
    basis: 'own' when the area's own row reached coverage, 'blocks' for a ward whose
    block rows' sum did) from each area's own counts and where it reported ([area, day]
    from `first_day`), sorted by ward, block and date."""
    idx = AreaIndex.of(areas)
    tests = area_count_grids(own, sent, idx)["tests_done"]
    area, day = np.nonzero(round_cells(idx, tests, policy))
    summed = block_reported(idx, sent)[area, day] & idx.is_ward[area]
    dates = np.array([first_day + dt.timedelta(days=int(d)) for d in range(sent.shape[1])],
                     dtype=object)
    out = pd.DataFrame({
        "ward_code": idx.keys.get_level_values(0).to_numpy(object)[area],
        "block_code": idx.keys.get_level_values(1).to_numpy(object)[area],
        "date": dates[day], "samples": tests[area, day].astype(np.int64),
        "basis": np.where(summed, "blocks", "own").astype(object),
    })
    return out.sort_values(ROUND_COLUMNS, ignore_index=True)
