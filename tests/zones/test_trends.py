"""Trends per day and district: hand-checked figures, and equality with a brute-force
recount of random histories, streamed in chunks or not."""

from __future__ import annotations

import random

import pandas as pd
import pytest

from tests.oracles.trends_rows import trend_chunk
from tests.support.trend_cases import CITY, NO_COUNTS, day, make_areas, make_counts, make_history
from zones.area_grids import GROUPINGS, AreaIndex, level_grid, own_count_grids
from zones.levels import RANKED
from zones.trends import trends_of_tallies, trends_table, ward_groups, ward_tallies


def cell(levels: pd.DataFrame, i: int, group: str, level: str) -> dict:
    row = levels[(levels["date"] == day(i)) & (levels.iloc[:, 1] == group)
                 & (levels["level"] == level)]
    assert len(row) == 1
    return row[["wards", "blocks", "population"]].iloc[0].to_dict()


def test_hand_checked_day():
    history = make_history({
        ("90001", ""): "rr", ("90001", "A"): "x.", ("90001", "B"): "r.",
        ("90002", ""): "xx", ("90003", ""): "oo", ("90003", "C"): "..",
    })
    t = trend_chunk(history, NO_COUNTS, CITY, day(0), day(1))
    # Day 0: ward 90001's people are counted by its blocks (600 green, 400 red).
    assert cell(t.levels, 0, "901", "xanh") == {"wards": 1, "blocks": 1, "population": 1100}
    assert cell(t.levels, 0, "901", "do") == {"wards": 1, "blocks": 1, "population": 400}
    # Day 1: no block of 90001 is known, so its 1000 people follow the ward's level; the
    # blocks themselves are unknown (they never take their ward's level).
    assert cell(t.levels, 1, "901", "do") == {"wards": 1, "blocks": 0, "population": 1000}
    assert cell(t.levels, 1, "901", "unknown") == {"wards": 0, "blocks": 2, "population": 0}
    # 90003's block never reports: its ward's own level carries the people.
    assert cell(t.levels, 0, "902", "da_cam") == {"wards": 1, "blocks": 0, "population": 800}
    assert cell(t.levels, 0, "902", "unknown") == {"wards": 0, "blocks": 1, "population": 0}
    assert len(t.levels) == 2 * 2 * len(RANKED)  # every level, zeros too


def test_counts_are_not_counted_twice():
    counts = make_counts({
        ("90001", ""): [10, 10, None], ("90001", "A"): [3, ".", None],
        ("90001", "B"): [4, ".", None], ("90002", ""): [1, None, "."],
    })
    t = trend_chunk(make_history({}), counts, CITY, day(0), day(2))
    c = t.counts.set_index(["date", "district_code"])
    # Day 0: the ward row is a subtotal of its blocks: 3 + 4, plus 90002's 1.
    assert c.loc[(day(0), "901"), ["new_cases", "wards_reporting"]].tolist() == [8, 2]
    # Day 1: no block rows, so the ward row counts; 90002 sent a blank.
    assert c.loc[(day(1), "901"), ["new_cases", "wards_reporting"]].tolist() == [10, 1]
    # Day 2: block rows exist but are blank: the ward figure is blank, not the ward row's.
    assert c.loc[(day(2), "901"), ["new_cases", "wards_reporting"]].tolist() == [0, 0]


def test_filtering_areas_limits_the_trends():
    history = make_history({("90003", ""): "x", ("90001", ""): "r"})
    t = trend_chunk(history, NO_COUNTS, CITY[CITY["district_code"] == "902"], day(0), day(0))
    assert set(t.levels["district_code"]) == {"902"}


def test_rows_outside_the_range_or_areas_are_ignored():
    history = make_history({("90002", ""): "rrx", ("99999", ""): "ppp"})
    grid = level_grid(history, CITY, day(2), day(3))
    assert grid.rank[3].tolist() == [RANKED.index("xanh"), 0]


def test_an_area_twice_on_a_day_is_refused():
    history = make_history({("90002", ""): "x"})
    with pytest.raises(ValueError, match="two levels on one day"):
        level_grid(pd.concat([history, history]), CITY, day(0), day(0))


def test_a_level_that_is_no_level_is_named():
    history = make_history({("90002", ""): "x"}).assign(level="vang")
    with pytest.raises(ValueError, match="'vang'"):
        level_grid(history, CITY, day(0), day(0))


def test_unknown_grouping_is_refused():
    with pytest.raises(ValueError, match="expected one of"):
        trend_chunk(make_history({}), NO_COUNTS, CITY, day(0), day(0), by="block_code")


def test_trends_table_is_one_row_per_day_and_district():
    history = make_history({("90002", ""): "xr"})
    table = trends_table(trend_chunk(history, NO_COUNTS, CITY, day(0), day(1)))
    assert len(table) == 4
    assert {"wards_xanh", "blocks_unknown", "population_phong_toa", "new_cases",
            "wards_reporting"} <= set(table.columns)
    row = table[(table["date"] == day(1)) & (table["district_code"] == "901")].iloc[0]
    assert (row["wards_do"], row["population_do"]) == (1, 500)


# ---- brute force -----------------------------------------------------------------------


def random_city(rng: random.Random, n_wards: int = 12):
    rows = []
    for w in range(n_wards):
        ward, district = f"{90001 + w:05d}", f"{901 + w % 3}"
        rows.append((district, ward, "", rng.randint(0, 900)))
        for b in range(rng.choice([0, 0, 1, 3])):
            rows.append((district, ward, f"T{b}", rng.choice([None, 50, 120, 300])))
    return make_areas(rows)


def random_history(rng, areas, n_days):
    pick = ["xanh", "da_cam", "do", "phong_toa", "unknown", None]
    rows = [(day(i), w, b, rng.choice(pick))
            for w, b in zip(areas["ward_code"], areas["block_code"], strict=True)
            for i in range(n_days)]
    rows = [r for r in rows if r[3] is not None]  # a missing row is unknown too
    rows.append((day(0), "99999", "", "do"))  # an area the table does not hold
    return pd.DataFrame(rows, columns=["date", "ward_code", "block_code", "level"])


def random_counts(rng, areas, n_days):
    rows = [(day(i), w, b, rng.choice([None, 0, 1, 5]), rng.choice([None, 0, 30]))
            for w, b in zip(areas["ward_code"], areas["block_code"], strict=True)
            for i in range(n_days) if rng.random() < 0.6]
    return pd.DataFrame(rows, columns=["date", "ward_code", "block_code", "new_cases",
                                       "tests_done"]).astype({"new_cases": "Int64",
                                                             "tests_done": "Int64"})


def brute_force(areas, history, counts, n_days):
    """Recount area by area and day by day with plain Python, straight from SPEC."""
    level = {(r.date, r.ward_code, r.block_code): r.level for r in history.itertuples()}
    a = list(areas.itertuples())
    pop = {(r.ward_code, r.block_code): 0 if pd.isna(r.population) else r.population for r in a}
    blocks_of = {w: [r.block_code for r in a if r.ward_code == w and r.block_code]
                 for w in areas["ward_code"]}
    cnt = {(r.date, r.ward_code, r.block_code): r for r in counts.itertuples()}
    out_levels, out_counts = {}, {}
    for i in range(n_days):
        d = day(i)
        for r in a:
            lv = level.get((d, r.ward_code, r.block_code), "unknown")
            key = (d, r.district_code, lv)
            wards, blocks, people = out_levels.get(key, (0, 0, 0))
            blocks, wards = (blocks + 1, wards) if r.block_code else (blocks, wards + 1)
            # A ward's people are counted by block on days any of its blocks is known.
            by_blocks = any(level.get((d, r.ward_code, b), "unknown") != "unknown"
                            for b in blocks_of[r.ward_code])
            if bool(r.block_code) == by_blocks:
                people += pop[(r.ward_code, r.block_code)]
            out_levels[key] = (wards, blocks, people)
            if not r.block_code:
                figure = ward_figure(cnt, d, r.ward_code, blocks_of[r.ward_code])
                nc, td, rep = out_counts.get((d, r.district_code), (0, 0, 0))
                out_counts[(d, r.district_code)] = (
                    nc + (figure[0] or 0), td + (figure[1] or 0), rep + (figure[0] is not None))
    return out_levels, out_counts


def ward_figure(cnt, d, ward, blocks):
    rows = [cnt[(d, ward, b)] for b in blocks if (d, ward, b) in cnt]
    if not rows:
        own = cnt.get((d, ward, ""))
        return (None, None) if own is None else tuple(
            None if pd.isna(v) else v for v in (own.new_cases, own.tests_done))

    def total(values):
        given = [v for v in values if not pd.isna(v)]
        return sum(given) if given else None

    return total([r.new_cases for r in rows]), total([r.tests_done for r in rows])


@pytest.mark.parametrize("seed", range(6))
def test_trends_equal_a_brute_force_recount(seed):
    rng = random.Random(seed)
    areas = random_city(rng)
    n_days = 9
    history, counts = random_history(rng, areas, n_days), random_counts(rng, areas, n_days)
    if seed % 3 == 1:  # effective_history hands categoricals: every kind must agree
        history = history.astype({"ward_code": "category", "block_code": "category",
                                  "level": "category", "date": "category"})
    elif seed % 3 == 2:
        history["date"] = pd.to_datetime(history["date"])
        counts["date"] = pd.to_datetime(counts["date"])
    t = trend_chunk(history, counts, areas, day(0), day(n_days - 1))
    want_levels, want_counts = brute_force(areas, history.assign(date=history["date"].map(
        lambda d: pd.Timestamp(d).date())).astype({"level": object}),
        counts.assign(date=counts["date"].map(lambda d: pd.Timestamp(d).date())), n_days)
    got = {(r.date, r.district_code, r.level): (r.wards, r.blocks, r.population)
           for r in t.levels.itertuples()}
    assert {k: v for k, v in got.items() if v != (0, 0, 0)} == want_levels
    got = {(r.date, r.district_code): (r.new_cases, r.tests_done, r.wards_reporting)
           for r in t.counts.itertuples()}
    assert got == want_counts
    assert t.levels["date"].is_monotonic_increasing


@pytest.mark.parametrize("by", GROUPINGS)
def test_ward_tallies_add_up_to_one_pass(by):
    """What the store keeps by ward (data.store.trend_packs) adds up to the trends of the city."""
    rng = random.Random(42)
    areas = random_city(rng, 20)
    history, counts = random_history(rng, areas, 10), random_counts(rng, areas, 10)
    whole = trend_chunk(history, counts, areas, day(0), day(9), by=by)
    grid = level_grid(history, areas, day(0), day(9))
    own, sent = own_count_grids(counts, AreaIndex.of(areas), day(0), 10)
    wards, levels, tallied = ward_tallies(grid.rank, own, sent, areas)
    group, names = ward_groups(areas, by, wards)
    added = trends_of_tallies(levels, tallied, group, names, day(0), by)
    pd.testing.assert_frame_equal(whole.levels, added.levels)
    pd.testing.assert_frame_equal(whole.counts, added.counts)


def test_trends_agree_with_effective_levels():
    from data.config.policy_files import load_policy
    from zones.effective import effective_history, effective_levels

    policy = load_policy()
    reports = make_history({("90001", "A"): "xr.p", ("90001", "B"): "x..o",
                            ("90002", ""): "r.?x", ("90003", ""): "..oo"})
    reports = reports[reports["level"] != "unknown"]
    reports = reports.assign(new_cases=1, tests_done=pd.NA, note=None)
    history = effective_history(CITY, reports, day(0), day(3), policy)
    t = trend_chunk(history, reports, CITY, day(0), day(3)).levels
    for i in range(4):
        lv = effective_levels(CITY, reports, day(i), policy)
        want = lv.groupby(["district_code", "level", "area_type"]).size().to_dict()
        got = t[t["date"] == day(i)]
        got = {**{(r.district_code, r.level, "ward"): r.wards for r in got.itertuples()},
               **{(r.district_code, r.level, "block"): r.blocks for r in got.itertuples()}}
        assert {k: v for k, v in got.items() if v} == want, day(i)
