"""Effective levels on hand-built histories, continued (SPEC "Zone levels"): counts that
never count a ward twice, the shape and order of results, refused input, and the
day-by-day history."""

import dataclasses

import numpy as np
import pandas as pd
import pytest

from tests.support.effective_cases import (
    POLICY,
    at,
    day,
    make_areas,
    make_reports,
    policy,
)
from zones.counts import daily_ward_counts, ward_counts
from zones.effective import effective_history, effective_levels

# ---- counts and notes ------------------------------------------------------------------


def test_ward_counts_use_block_rows_when_there_are_some_never_both():
    areas = make_areas({"90001": ["TDP01", "TDP02"], "90002": ["TDP01"], "90003": []})
    reports = make_reports(
        ("90001", 10, "do", 9, 90), ("90001/TDP01", 10, "do", 2, 30),
        ("90001/TDP02", 10, "xanh", 0, 40),
        ("90002", 10, "xanh", 1, 15),  # no block rows: the ward row's own
    )
    out = ward_counts(areas, reports, day(10)).set_index("ward_code")
    assert out.loc["90001"].tolist() == [2, 70, "blocks"]
    assert out.loc["90002"].tolist() == [1, 15, "ward"]
    assert pd.isna(out.loc["90003", "new_cases"]) and out.loc["90003", "counted_from"] == "none"


def test_blank_block_counts_add_nothing_and_all_blank_is_blank():
    areas = make_areas({"90001": ["TDP01", "TDP02"]})
    reports = make_reports(("90001", 10, "do", 5, 5), ("90001/TDP01", 10, "do", 2, None),
                           ("90001/TDP02", 10, "xanh", None, None))
    row = ward_counts(areas, reports, day(10)).iloc[0]
    assert row.new_cases == 2 and pd.isna(row.tests_done)


def test_effective_levels_carry_counts_and_note_of_the_day_only():
    areas = make_areas({"90001": ["TDP01", "TDP02"]})
    reports = make_reports(("90001", 10, "do", 9, 90, "=cmd"),
                           ("90001/TDP01", 10, "do", 2, 30, "tổ 1"),
                           ("90001/TDP02", 9, "xanh", 4, 40, "cũ"))
    out = effective_levels(areas, reports, day(10), POLICY)
    assert at(out, "90001")[["new_cases", "tests_done", "note"]].tolist() == [2, 30, "=cmd"]
    assert at(out, "90001/TDP01").note == "tổ 1"
    carried = at(out, "90001/TDP02")
    assert carried.source == "carried" and pd.isna(carried.new_cases) and carried.note is None
    assert str(out["new_cases"].dtype) == "Int64"


def test_daily_ward_counts_over_several_days():
    areas = make_areas({"90001": ["TDP01"]})
    reports = make_reports(("90001", 9, "do", 3, 3), ("90001", 10, "do", 9, 9),
                           ("90001/TDP01", 10, "do", 1, 1))
    out = daily_ward_counts(areas, reports)
    assert out[["date", "new_cases", "counted_from"]].values.tolist() == [
        [day(9), 3, "ward"], [day(10), 1, "blocks"]]


# ---- shape, order and errors -----------------------------------------------------------


def test_rows_keep_the_order_and_index_of_areas():
    areas = make_areas({"90001": ["TDP01"], "90002": []}).iloc[::-1]
    areas.index = [7, 5, 3]
    out = effective_levels(areas, make_reports(("90002", 10, "xanh")), day(10), POLICY)
    assert list(out.index) == [7, 5, 3]
    assert list(out["level"]) == ["xanh", "unknown", "unknown"]
    assert list(out.columns[: len(areas.columns)]) == list(areas.columns)


def test_reports_about_areas_not_in_the_table_are_left_out():
    areas = make_areas({"90001": ["TDP01"]})
    reports = make_reports(("90001/TDP09", 10, "phong_toa"), ("90009", 10, "do"),
                           ("90001/TDP01", 10, "xanh"))
    assert at(effective_levels(areas, reports, day(10), POLICY), "90001").level == "xanh"


@pytest.mark.parametrize("mutate,message", [
    (lambda a, r: (pd.concat([a, a.tail(1)]), r), "more than once"),
    (lambda a, r: (a.assign(area_type="tổ"), r), "area_type"),
    (lambda a, r: (a.assign(block_code="TDP01"), r), "a ward has block_code ''"),
    (lambda a, r: (a, r.assign(level="unknown")), "'unknown'"),
    (lambda a, r: (a, pd.concat([r, r])), "two reports"),
])
def test_bad_input_is_refused_with_the_offending_value(mutate, message):
    areas, reports = mutate(make_areas({"90001": ["TDP01"]}),
                            make_reports(("90001/TDP01", 10, "xanh")))
    with pytest.raises(ValueError, match=message):
        effective_levels(areas, reports, day(10), POLICY)


def test_history_end_before_start_is_refused():
    with pytest.raises(ValueError, match="before the start"):
        effective_history(make_areas({"90001": []}), make_reports(), day(2), day(1), POLICY)


def test_unimplemented_rollup_is_refused():
    bad = dataclasses.replace(POLICY, rollup="median")
    with pytest.raises(ValueError, match="'median'"):
        effective_levels(make_areas({"90001": ["TDP01"]}), make_reports(), day(1), bad)


# ---- history ---------------------------------------------------------------------------


def test_history_long_table_shape_and_carry_into_the_first_day():
    areas = make_areas({"90001": ["TDP01"]})
    reports = make_reports(("90001/TDP01", 9, "do"), ("90001/TDP01", 11, "da_cam"))
    out = effective_history(areas, reports, day(10), day(12), POLICY)
    assert list(out.columns) == ["date", "ward_code", "block_code", "level", "source", "stale"]
    assert out["date"].tolist() == [day(10)] * 2 + [day(11)] * 2 + [day(12)] * 2
    block = out[out["block_code"] == "TDP01"]
    assert block[["level", "source", "stale"]].astype(object).values.tolist() == [
        ["do", "carried", True], ["da_cam", "report", False], ["da_cam", "carried", True]]


@pytest.mark.parametrize("carry", [0, 1, 2])
def test_history_agrees_with_effective_levels_day_by_day(carry):
    rng = np.random.default_rng(carry)
    areas = make_areas({f"9000{w}": [f"TDP{b}" for b in range(w)] for w in range(5)})
    levels = ["xanh", "da_cam", "do", "phong_toa"]
    rows = [(f"{w}/{b}" if b else w, n, levels[rng.integers(4)])
            for w, b in areas[["ward_code", "block_code"]].itertuples(index=False)
            for n in range(1, 15) if rng.random() < 0.6]
    reports = make_reports(*rows)
    history = effective_history(areas, reports, day(3), day(14), policy(carry))
    for n in range(3, 15):
        one = effective_levels(areas, reports, day(n), policy(carry))
        that_day = history[history["date"] == day(n)]
        for col in ("level", "source", "stale"):
            assert that_day[col].astype(object).tolist() == one[col].tolist(), (n, col)


def test_reports_with_a_blank_ward_code_are_left_out():
    areas = make_areas({"90001": ["TDP01"]})
    reports = make_reports(("90001/TDP01", 10, "do"), ("90001/TDP01", 11, "xanh"))
    reports["ward_code"] = reports["ward_code"].astype(object)
    reports.loc[1, "ward_code"] = None
    row = at(effective_levels(areas, reports, day(11), POLICY), "90001/TDP01")
    assert (row.level, row.source) == ("do", "carried")
    reports["ward_code"] = None
    assert at(effective_levels(areas, reports, day(11), POLICY), "90001").level == "unknown"
