"""Oracle: testing rounds implied by daily report rows, the definition the product's grid
code (zones.round_grids.derived_rounds) is held to."""

from __future__ import annotations

import numpy as np
import pandas as pd

from zones.areas import WARD_ROW, area_keys, report_positions
from zones.counts import daily_ward_counts
from zones.policy import Policy
from zones.rounds import ROUND_COLUMNS


def derive_rounds(reports: pd.DataFrame, areas: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    """Rounds implied by daily reports: an area's `tests_done` on a day reaching
    `round_min_coverage` of its population (SPEC "Policy").

    A ward's tests are counted by the no-double-count rule (zones.counts): its block rows'
    sum when it has block rows that day, else its own row. An area with no population on
    record, or a population of 0, never has a derived round: coverage of nobody means
    nothing.
    Returns ward_code, block_code, date, samples (the tests done) and basis: 'own' when the
    area's own row reached coverage, 'blocks' for a ward whose block rows' sum did.
    """
    keys = area_keys(areas)
    pop = pd.Series(pd.to_numeric(areas["population"]).to_numpy(dtype=float), index=keys)
    own = reports.loc[report_positions(keys, reports) >= 0, [*ROUND_COLUMNS, "tests_done"]]
    own = own[own["block_code"].fillna(WARD_ROW) != WARD_ROW].assign(basis="own")
    wards = daily_ward_counts(areas, reports).assign(block_code=WARD_ROW)
    wards["basis"] = np.where(wards["counted_from"] == "ward", "own", "blocks")
    both = pd.concat([own, wards[[*ROUND_COLUMNS, "tests_done", "basis"]]], ignore_index=True)
    need = pop.reindex(pd.MultiIndex.from_frame(both[["ward_code", "block_code"]])).to_numpy()
    # Rounded up with a tolerance: 0.9 × 70 is 63.000000000000014 in floating point.
    need = np.ceil(need * policy.round_min_coverage - 1e-9)
    tests = both["tests_done"].astype("Float64").fillna(-1).to_numpy(dtype=float)
    ok = (need > 0) & (tests >= need)
    out = both.loc[ok].rename(columns={"tests_done": "samples"})
    out["samples"] = out["samples"].astype("int64")
    return out.sort_values(ROUND_COLUMNS, ignore_index=True)[[*ROUND_COLUMNS, "samples", "basis"]]
