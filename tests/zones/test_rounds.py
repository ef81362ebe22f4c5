"""Testing-round rules (zones/rounds.py) as boundary tables: days 1–8 after a round for
every level, rounds derived from daily tests (zones/round_grids.py, and its row-by-row
oracle tests/oracles/rounds_rows.py), and which rounds count for which area."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from data.config.policy_files import load_policy
from tests.oracles import rounds_rows
from zones.areas import area_keys
from zones.round_grids import derived_rounds
from zones.rounds import (
    round_status,
    round_table,
    rounds_on_record,
    sampling_units,
)

POLICY = load_policy()
AS_OF = dt.date(2021, 9, 10)

# (days since the last round) → (state, overdue days), per interval of the default policy.
RED = {1: ("not_yet", 0), 2: ("due", 0), 3: ("due", 0), 4: ("overdue", 1),
       5: ("overdue", 2), 6: ("overdue", 3), 7: ("overdue", 4), 8: ("overdue", 5)}
ORANGE = {1: ("not_yet", 0), 2: ("not_yet", 0), 3: ("not_yet", 0), 4: ("not_yet", 0),
          5: ("due", 0), 6: ("due", 0), 7: ("due", 0), 8: ("overdue", 1)}
GREEN = dict.fromkeys(range(1, 9), ("due", 0))
TABLES = {"phong_toa": (RED, 2, 3), "do": (RED, 2, 3), "unknown": (RED, 2, 3),
          "da_cam": (ORANGE, 5, 7), "xanh": (GREEN, 1, 14)}
CASES = [(level, k, *table[k], lo, hi) for level, (table, lo, hi) in TABLES.items()
         for k in range(1, 9)]


@pytest.mark.parametrize("level,days_after,state,late,lo,hi", CASES)
def test_status_days_after_a_round(level, days_after, state, late, lo, hi):
    last = AS_OF - dt.timedelta(days=days_after)
    s = round_status(level, last, AS_OF, POLICY)
    assert (s.state, s.overdue_days) == (state, late)
    assert (s.interval.min_days, s.interval.max_days) == (lo, hi)
    assert s.earliest == last + dt.timedelta(days=lo)
    assert s.due_by == last + dt.timedelta(days=hi)


@pytest.mark.parametrize("level", list(TABLES))
def test_never_sampled_is_due_at_once(level):
    s = round_status(level, None, AS_OF, POLICY)
    assert (s.state, s.earliest, s.due_by, s.overdue_days) == ("due", AS_OF, AS_OF, 0)


def test_round_on_as_of_itself_is_not_yet_due_again():
    s = round_status("do", AS_OF, AS_OF, POLICY)
    assert s.state == "not_yet" and s.earliest == AS_OF + dt.timedelta(days=2)


def test_a_round_after_as_of_is_refused():
    with pytest.raises(ValueError, match="after as_of"):
        round_status("do", AS_OF + dt.timedelta(days=1), AS_OF, POLICY)


def test_table_agrees_with_single_status():
    levels = [level for level, *_ in CASES]
    days = [k for _, k, *_ in CASES]
    units = pd.DataFrame({"ward_code": "90001", "block_code": [f"T{i}" for i in range(len(days))],
                          "level": levels})
    rounds = units[["ward_code", "block_code"]].assign(
        date=[AS_OF - dt.timedelta(days=k) for k in days])
    table = round_table(units, rounds, AS_OF, POLICY)
    for row, last in zip(table.itertuples(), rounds["date"], strict=True):
        one = round_status(row.level, last, AS_OF, POLICY)
        assert (row.state, row.overdue_days, row.earliest, row.due_by, row.last_round) == (
            one.state, one.overdue_days, one.earliest, one.due_by, last)


def _areas():
    return pd.DataFrame({
        "area_type": ["ward", "block", "block", "ward"],
        "ward_code": ["90001", "90001", "90001", "90002"],
        "block_code": ["", "T1", "T2", ""],
        "population": [170, 70, 100, 300],
    })


def _reports(rows):
    """Rows as Store.reports() gives them (level and new_cases do not matter here)."""
    df = pd.DataFrame(rows, columns=["ward_code", "block_code", "date", "tests_done"])
    return df.assign(level="do", new_cases=0, note=None).astype({"tests_done": "Int64"})


def _derived_of_grids(reports: pd.DataFrame, areas: pd.DataFrame, policy) -> pd.DataFrame:
    """zones.round_grids.derived_rounds of `reports` laid out as the store's grids
    (data.store.pack_reads.grids: [area, day], NaN blank, sent where a row is)."""
    keys, first = area_keys(areas), min(reports["date"])
    n_days = (max(reports["date"]) - first).days + 1
    own = {f: np.full((len(keys), n_days), np.nan) for f in ("new_cases", "tests_done")}
    sent = np.zeros((len(keys), n_days), dtype=bool)
    for r in reports.itertuples():
        pos, day = keys.get_loc((r.ward_code, r.block_code)), (r.date - first).days
        sent[pos, day] = True
        for f in own:
            own[f][pos, day] = np.nan if pd.isna(getattr(r, f)) else getattr(r, f)
    return derived_rounds(areas, own, sent, first, policy)


@pytest.fixture(params=["grids", "rows"])
def derive_rounds(request):
    """Derived rounds as the product makes them (grids) and as the oracle does (rows)."""
    return _derived_of_grids if request.param == "grids" else rounds_rows.derive_rounds


def test_sampling_units_are_blocks_and_wards_without_blocks():
    units = sampling_units(_areas())
    assert list(zip(units["ward_code"], units["block_code"], strict=True)) == [
        ("90001", "T1"), ("90001", "T2"), ("90002", "")]


@pytest.mark.parametrize("tests,counts", [(63, True), (62, False), (70, True), (0, False)])
def test_coverage_boundary(derive_rounds, tests, counts):
    # 0.9 × 70 is 63.000000000000014 in floating point: 63 must still count.
    got = derive_rounds(_reports([("90001", "T1", AS_OF, tests)]), _areas(), POLICY)
    assert (("90001", "T1") in set(zip(got["ward_code"], got["block_code"], strict=True))
            ) is counts


def test_ward_rounds_from_own_row_and_from_block_sum(derive_rounds):
    day2 = AS_OF - dt.timedelta(days=1)
    reps = _reports([
        ("90001", "T1", day2, 70), ("90001", "T2", day2, 90),  # sum 160 ≥ 153 of 170
        ("90002", "", AS_OF, 270), ("90001", "", AS_OF, 100),  # ward row 100 < 153
    ])
    got = derive_rounds(reps, _areas(), POLICY)
    rows = set(zip(got["ward_code"], got["block_code"], got["date"], got["basis"], strict=True))
    assert rows == {("90001", "T1", day2, "own"), ("90001", "T2", day2, "own"),
                    ("90001", "", day2, "blocks"), ("90002", "", AS_OF, "own")}


def test_no_population_or_no_count_derives_nothing(derive_rounds):
    areas = _areas().astype({"population": "Int64"})
    areas.loc[1, "population"] = pd.NA
    reps = _reports([("90001", "T1", AS_OF, 500), ("90001", "T2", AS_OF, None)])
    got = derive_rounds(reps, areas, POLICY)
    # Neither block has a round; the ward's block sum (500 of 170) is one, on that basis.
    assert list(zip(got["block_code"], got["basis"], strict=True)) == [("", "blocks")]


def test_rounds_on_record_spreads_ward_campaigns_to_blocks():
    units = sampling_units(_areas())
    d = [AS_OF - dt.timedelta(days=k) for k in range(6)]
    rounds = pd.DataFrame({
        "ward_code": ["90001", "90001", "90001", "90001", "90002", "90002"],
        "block_code": ["T1", "", "", "T1", "", ""],
        "date": [d[5], d[3], d[1], d[3], d[4], AS_OF + dt.timedelta(days=1)],
        "basis": ["own", "own", "blocks", "own", "own", "own"],
    })
    got = rounds_on_record(units, rounds, AS_OF)
    # T1: its own day 5 and 3, the ward campaign on day 3 (same day, counted once);
    # the 'blocks' ward round on day 1 says nothing about T1 or T2; the future one is out.
    assert got["last_round"].tolist() == [d[3], d[3], d[4]]
    assert got["rounds_on_record"].tolist() == [2, 1, 1]
