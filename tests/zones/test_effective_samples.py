"""Effective levels on the Hà Đông history of ../shared/data/samples: the facts its README
states. The CSV is read directly with pandas, so this test does not depend on ingest."""

import datetime as dt

import pandas as pd
import pytest

from data.config.policy_files import load_policy
from zones.counts import daily_ward_counts
from zones.effective import effective_history, effective_levels

HISTORY = "samples/hadong_history_2021-08-20_2021-09-18.csv"
FIRST, LAST = dt.date(2021, 8, 20), dt.date(2021, 9, 18)

# README "What the history shows": block levels on selected days (242 blocks).
BLOCK_LEVELS = [  # date, phong_toa, do, da_cam, xanh
    ("2021-08-20", 5, 35, 56, 146),
    ("2021-08-27", 5, 33, 26, 178),
    ("2021-09-03", 5, 29, 8, 200),
    ("2021-09-10", 3, 20, 11, 208),
    ("2021-09-18", 0, 6, 15, 221),
]


@pytest.fixture(scope="module")
def hadong(shared_data):
    reports = pd.read_csv(shared_data / HISTORY, dtype=str, keep_default_na=False)
    reports["date"] = reports["date"].map(dt.date.fromisoformat)
    for col in ("new_cases", "tests_done"):
        reports[col] = pd.to_numeric(reports[col]).astype("Int64")
    reports["note"] = reports["note"].where(reports["note"] != "", None)
    blocks = pd.read_csv(shared_data / "samples/hadong_blocks.csv", dtype=str)
    wards = pd.DataFrame({"area_type": "ward", "ward_code": sorted(set(blocks["ward_code"])),
                          "block_code": ""})
    areas = pd.concat([wards, blocks[["ward_code", "block_code"]].assign(area_type="block")],
                      ignore_index=True)
    history = effective_history(areas, reports, FIRST, LAST, load_policy())
    return areas, reports, history


@pytest.mark.parametrize("date,phong_toa,do,da_cam,xanh", BLOCK_LEVELS)
def test_block_level_counts_per_date(hadong, date, phong_toa, do, da_cam, xanh):
    _, _, history = hadong
    that_day = history[(history["date"] == dt.date.fromisoformat(date))
                       & (history["block_code"] != "")]
    counts = that_day["level"].value_counts()
    assert [counts[lv] for lv in ("phong_toa", "do", "da_cam", "xanh", "unknown")] == [
        phong_toa, do, da_cam, xanh, 0]


def test_bien_giang_carries_one_day_then_is_unknown(hadong):
    _, _, history = hadong
    bien_giang = history[history["ward_code"] == "10123"].set_index(["date", "block_code"])
    reported = bien_giang.loc[dt.date(2021, 9, 4)]
    carried = bien_giang.loc[dt.date(2021, 9, 5)]
    assert len(reported) == 9  # the ward and its 8 blocks
    assert carried["level"].tolist() == reported["level"].tolist()
    assert set(carried["source"]) == {"carried"} and carried["stale"].all()
    assert set(bien_giang.loc[dt.date(2021, 9, 6), "level"]) == {"unknown"}
    assert set(bien_giang.loc[dt.date(2021, 9, 7), "source"]) == {"report"}


def test_lockdown_pocket_level_since(hadong):
    # 09542/TDP05 is phong_toa from 2021-08-20 until 09-09, then do.
    areas, reports, _ = hadong
    policy = load_policy()
    on_0909 = effective_levels(areas, reports, dt.date(2021, 9, 9), policy)
    on_0910 = effective_levels(areas, reports, dt.date(2021, 9, 10), policy)
    pick = (on_0909["ward_code"] == "09542") & (on_0909["block_code"] == "TDP05")
    assert on_0909.loc[pick, ["level", "level_since"]].values.tolist() == [
        ["phong_toa", FIRST]]
    assert on_0910.loc[pick, ["level", "level_since"]].values.tolist() == [
        ["do", dt.date(2021, 9, 10)]]


def test_ward_rows_equal_the_sum_of_their_blocks(hadong):
    # README: a ward row's counts are the sums over its blocks, so the no-double-count
    # rule must give the ward row's own figures, and the district 98 cases in all.
    areas, reports, _ = hadong
    counts = daily_ward_counts(areas, reports).set_index(["date", "ward_code"])
    own = reports[reports["block_code"] == ""].set_index(["date", "ward_code"])
    assert set(counts["counted_from"]) == {"blocks"}
    pd.testing.assert_frame_equal(counts.loc[own.index, ["new_cases", "tests_done"]],
                                  own[["new_cases", "tests_done"]])
    assert counts["new_cases"].sum() == 98
