"""What is built from report grids is what the row-by-row oracles (tests/oracles/) build
from report rows: every grid of geo.webmap.history.MapHistory, the derived testing rounds
and the levels the schedule plans from, on the demo city and on a store with ward-only
reports, blank counts and ward-wide testing rounds."""

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd

from data.config.policy_files import load_policy
from data.store.database import Store, UploadMeta
from geo.webmap.history import map_history_of_grids
from tests.oracles.map_rows import map_history
from tests.support.store_cases import load_units, rows
from zones.areas import area_keys

POLICY = load_policy()


def both(store: Store):
    areas, reports = store.areas(), store.reports()
    first, last = min(reports["date"]), max(reports["date"])
    from_rows = map_history(areas, reports, first, last, POLICY)
    lead = dt.timedelta(days=POLICY.carry_forward_days)
    grids = store.report_grids(area_keys(areas), first - lead, last)
    from_grids = map_history_of_grids(areas, *grids, first - lead, first, last, POLICY)
    return from_rows, from_grids


def assert_same(a, b) -> None:
    assert a.first_day == b.first_day
    for f in dataclasses.fields(a):
        if f.name != "first_day":
            x, y = getattr(a, f.name), getattr(b, f.name)
            assert x.shape == y.shape and np.array_equal(x, y), f.name


def test_demo_city_map_history_same_from_grids(cli_demo_db):
    a, b = both(Store(cli_demo_db))
    assert_same(a, b)
    assert (a.last_round >= 0).any() and (a.cases7 > 0).any()  # the case is not empty


def test_ward_rows_blank_counts_and_ward_rounds_same_from_grids(store):
    load_units(store)  # ward 90001 (3000 people) with blocks TDP01 (1000), TDP02 (2000)
    d = [dt.date(2021, 9, 1) + dt.timedelta(days=i) for i in range(6)]
    r = rows(("90001", "", d[0], "do", 2, 2800, None),  # ward-wide round: spreads
             ("90002", "", d[0], "xanh", None, None, None),
             ("90001", "TDP01", d[2], "da_cam", 1, 950, None),  # a block's own round
             ("90001", "TDP02", d[2], "do", None, 10, "x"),  # ward sum: no spread
             ("90001", "", d[2], "do", 5, 2900, None),
             ("90002", "", d[5], "do", 0, 1999, None))
    store.record_upload(UploadMeta(user_name="an", file_name="a.csv", sha256="a" * 64,
                                   size_bytes=1), r, {})
    a, b = both(store)
    assert_same(a, b)
    keys = area_keys(store.areas())
    tdp02 = keys.get_loc(("90001", "TDP02"))
    assert a.last_round[0, tdp02] == 0 and a.last_round[2, tdp02] == 0
    assert pd.notna(a.cases7[2, keys.get_loc(("90001", ""))])


def rounds_and_levels_both_ways(store: Store) -> None:
    from data.services import figures
    from tests.oracles.rounds_rows import derive_rounds
    from zones.round_grids import derived_rounds

    areas, reports = store.areas(), store.reports()
    first, last = min(reports["date"]), max(reports["date"])
    _rank, own, sent = store.report_grids(area_keys(areas), first, last)
    by_grid = derived_rounds(areas, own, sent, first, POLICY)
    by_rows = derive_rounds(reports, areas, POLICY)
    assert len(by_rows) > 0
    pd.testing.assert_frame_equal(by_grid, by_rows, check_dtype=False)
    for day in (first, last, first + (last - first) // 2):
        codes = figures.level_codes_on(store, day, POLICY, areas)
        assert list(codes) == list(figures.levels_on(store, day, POLICY, areas)["level"])


def test_derived_rounds_and_levels_same_from_grids_demo(cli_demo_db):
    rounds_and_levels_both_ways(Store(cli_demo_db))


def test_derived_rounds_and_levels_same_from_grids_ward_rows(store):
    test_ward_rows_blank_counts_and_ward_rounds_same_from_grids(store)
    rounds_and_levels_both_ways(store)
