"""Effective zone levels on hand-built histories with known answers (SPEC "Zone levels"):
carry-forward, rollup and level_since."""


import pytest

from tests.support.effective_cases import (
    POLICY,
    at,
    day,
    make_areas,
    make_reports,
    policy,
)
from zones.effective import effective_levels

# ---- carry-forward ---------------------------------------------------------------------

CARRY = [  # carry_forward_days, age of the last report in days, level, source, stale
    (0, 0, "do", "report", False),
    (0, 1, "unknown", "none", False),
    (1, 0, "do", "report", False),
    (1, 1, "do", "carried", True),
    (1, 2, "unknown", "none", False),
    (2, 1, "do", "carried", True),
    (2, 2, "do", "carried", True),
    (2, 3, "unknown", "none", False),
]


@pytest.mark.parametrize("carry,age,level,source,stale", CARRY)
def test_carry_forward_boundaries(carry, age, level, source, stale):
    areas = make_areas({"90001": ["TDP01"], "90002": []})
    reports = make_reports(("90001/TDP01", 10, "do"), ("90002", 10, "do"))
    out = effective_levels(areas, reports, day(10 + age), policy(carry))
    for area in ("90001/TDP01", "90002"):  # a block, and a ward without blocks
        row = at(out, area)
        assert (row.level, row.source, row.stale) == (level, source, stale), area
        assert row.report_date == (day(10) if level != "unknown" else None)


def test_newer_report_wins_over_carried_one():
    areas = make_areas({"90001": ["TDP01"]})
    reports = make_reports(("90001/TDP01", 10, "do"), ("90001/TDP01", 11, "xanh"))
    row = at(effective_levels(areas, reports, day(12), policy(2)), "90001/TDP01")
    assert (row.level, row.source, row.report_date) == ("xanh", "carried", day(11))


# ---- rollup ----------------------------------------------------------------------------


def test_rollup_takes_the_worst_block_by_severity():
    areas = make_areas({"90001": ["TDP01", "TDP02", "TDP03"]})
    reports = make_reports(("90001/TDP01", 10, "xanh"), ("90001/TDP02", 10, "do"),
                           ("90001/TDP03", 10, "da_cam"))
    row = at(effective_levels(areas, reports, day(10), POLICY), "90001")
    assert (row.level, row.source, row.stale, row.report_date) == ("do", "rollup", False,
                                                                   day(10))


def test_rollup_with_one_unknown_block_is_unknown():
    areas = make_areas({"90001": ["TDP01", "TDP02", "TDP03"]})
    reports = make_reports(("90001/TDP01", 10, "phong_toa"), ("90001/TDP02", 10, "do"))
    row = at(effective_levels(areas, reports, day(10), POLICY), "90001")
    assert (row.level, row.source, row.stale, row.report_date) == ("unknown", "rollup",
                                                                   False, None)


def test_rollup_on_a_carried_block_is_stale_and_dated_by_the_oldest_report():
    areas = make_areas({"90001": ["TDP01", "TDP02"]})
    reports = make_reports(("90001/TDP01", 9, "xanh"), ("90001/TDP02", 10, "xanh"))
    row = at(effective_levels(areas, reports, day(10), POLICY), "90001")
    assert (row.level, row.source, row.stale, row.report_date) == ("xanh", "rollup", True,
                                                                   day(9))


def test_ward_with_own_report_ignores_its_blocks():
    areas = make_areas({"90001": ["TDP01"]})
    reports = make_reports(("90001", 10, "xanh"), ("90001/TDP01", 10, "phong_toa"))
    row = at(effective_levels(areas, reports, day(10), POLICY), "90001")
    assert (row.level, row.source) == ("xanh", "report")


def test_ward_carried_report_comes_before_the_rollup():
    areas = make_areas({"90001": ["TDP01"]})
    reports = make_reports(("90001", 9, "da_cam"), ("90001/TDP01", 10, "phong_toa"))
    row = at(effective_levels(areas, reports, day(10), POLICY), "90001")
    assert (row.level, row.source, row.stale) == ("da_cam", "carried", True)


def test_block_never_takes_its_wards_level():
    areas = make_areas({"90001": ["TDP01", "TDP02"]})
    reports = make_reports(("90001", 10, "do"), ("90001/TDP02", 10, "xanh"))
    out = effective_levels(areas, reports, day(10), POLICY)
    assert (at(out, "90001/TDP01").level, at(out, "90001/TDP01").source) == ("unknown", "none")
    assert at(out, "90001").level == "do"


def test_ward_without_blocks_or_report_is_unknown():
    areas = make_areas({"90001": [], "90002": ["TDP01"]})
    reports = make_reports(("90002/TDP01", 10, "xanh"))
    row = at(effective_levels(areas, reports, day(10), POLICY), "90001")
    assert (row.level, row.source, row.level_since) == ("unknown", "none", None)


# ---- level_since -----------------------------------------------------------------------

SINCE = [  # reported days and levels of one block, as_of, carry_forward_days, level_since
    ([(1, "do"), (3, "do")], 3, 1, day(1)),  # day 2 carried do: the run is unbroken
    ([(1, "do"), (4, "do")], 4, 1, day(4)),  # day 3 unknown breaks it
    ([(1, "do"), (4, "do")], 4, 2, day(1)),  # …unless two days carry
    ([(1, "do"), (2, "do"), (3, "da_cam")], 3, 1, day(3)),  # a change starts a run
    ([(1, "do"), (2, "da_cam"), (3, "do")], 3, 1, day(3)),
    ([(1, "xanh"), (2, "xanh")], 3, 1, day(1)),  # as_of itself carried
    ([(1, "xanh")], 3, 1, day(3)),  # unknown since the carry ran out
    ([(5, "xanh")], 5, 1, day(5)),  # as far back as the reports reach
]


@pytest.mark.parametrize("history,as_of,carry,since", SINCE)
def test_level_since(history, as_of, carry, since):
    areas = make_areas({"90001": ["TDP01"]})
    reports = make_reports(*[("90001/TDP01", n, lv) for n, lv in history])
    row = at(effective_levels(areas, reports, day(as_of), policy(carry)), "90001/TDP01")
    assert row.level_since == since


def test_level_since_of_a_rolled_up_ward_runs_across_its_own_report():
    areas = make_areas({"90001": ["TDP01"]})
    reports = make_reports(("90001", 1, "do"), ("90001/TDP01", 2, "do"),
                           ("90001/TDP01", 3, "do"))
    row = at(effective_levels(areas, reports, day(3), POLICY), "90001")
    assert (row.source, row.level_since) == ("rollup", day(1))


def test_reports_after_as_of_are_ignored():
    areas = make_areas({"90001": ["TDP01"]})
    reports = make_reports(("90001/TDP01", 10, "xanh"), ("90001/TDP01", 11, "do"))
    row = at(effective_levels(areas, reports, day(10), POLICY), "90001/TDP01")
    assert (row.level, row.level_since) == ("xanh", day(10))


def test_no_reports_at_all():
    areas = make_areas({"90001": ["TDP01"]})
    out = effective_levels(areas, make_reports(), day(10), POLICY)
    assert list(out["level"]) == ["unknown", "unknown"]
    assert list(out["level_since"]) == [None, None]
