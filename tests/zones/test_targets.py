"""Green targets: the default file, precise errors for bad ones, and progress, trends,
projection and status on hand-built histories whose answers are known."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest

from data.config.policy_files import DEFAULT_TARGETS_PATH, load_targets
from tests.support.trend_cases import CITY, day, make_areas, make_history
from zones.target_file import TargetsError, parse_targets
from zones.targets import STATUSES, history_window, target_progress


@pytest.fixture(scope="module")
def default_text():
    return DEFAULT_TARGETS_PATH.read_text(encoding="utf-8")


def test_default_targets_cover_both_cities_and_say_where_they_come_from():
    targets = load_targets()
    ids = [t.id for t in targets]
    assert ids[:2] == ["hcmc-p1-green-wards", "hcmc-p1-lockdown-population"]
    by_id = {t.id: t for t in targets}
    p1, p2 = by_id["hcmc-p1-green-wards"], by_id["hcmc-p2-green-wards"]
    assert (p1.start, p1.deadline) == (dt.date(2021, 8, 15), dt.date(2021, 8, 31))
    assert (p2.start, p2.deadline) == (dt.date(2021, 9, 1), dt.date(2021, 9, 15))
    assert by_id["hanoi-ct06-no-red-wards"].metric.levels == ("do", "phong_toa")
    for t in targets:
        assert t.citation and t.metric.citation and t.version == "vn-2021-green-targets"
        # The plans give no numbers: every default goal is an example the office replaces.
        assert t.value_is_example


# (text in the default file, replacement, expected fragment of a problem)
BAD = [
    ('comparator = ">="', 'comparator = "=>"',
     "targets[0] (hcmc-p1-green-wards).comparator: expected one of >=, <=, >, <, got '=>'"),
    ("value = 0.3", "value = 30",
     "targets[0] (hcmc-p1-green-wards).value: expected a share between 0 and 1 for "
     "share_wards_green (80 % is 0.8), got 30"),
    ("value = 0\n", "value = 0.5\n",
     "(hanoi-ct06-no-red-wards).value: expected a whole number ≥ 0 for wards_red_or_worse"),
    ('metric = "share_wards_green"', 'metric = "share_wards_gren"',
     "(hcmc-p1-green-wards).metric: unknown metric 'share_wards_gren' (known: "),
    ("deadline = 2021-08-31", "deadline = 2021-08-14",
     "(hcmc-p1-green-wards).deadline: 2021-08-14 is before the start 2021-08-15"),
    ("start = 2021-08-15", 'start = "15/8/2021"',
     "(hcmc-p1-green-wards).start: expected a date YYYY-MM-DD, got '15/8/2021'"),
    ('scope = "city"', 'scope = "province"',
     "(hcmc-p1-green-wards).scope: expected one of city, district, ward, got 'province'"),
    ('scope = "city"', 'scope = "district"',
     "(hcmc-p1-green-wards).scope_code: missing: the district code"),
    ('scope = "city"', 'scope = "district"\nscope_code = 760',
     "(hcmc-p1-green-wards).scope_code: expected a code of digits as text, got 760"),
    ('scope = "city"', 'scope = "district"\nscope_code = "\u0667\u0666\u0660"',
     "(hcmc-p1-green-wards).scope_code: expected a code of digits as text, got '\u0667"),
    ('source = "hcmc_plan"\n\n[[targets]]', 'source = "hcmc"\n\n[[targets]]',
     "(hcmc-p1-green-wards).source: unknown source 'hcmc' (known: cd20, ct06, hcmc_plan"),
    ("deadline = 2021-08-31", "deadine = 2021-08-31",
     "(hcmc-p1-green-wards).deadine: unknown key"),
    ('id = "hcmc-p1-lockdown-population"', 'id = "hcmc-p1-green-wards"',
     "targets[1] (hcmc-p1-green-wards).id: 'hcmc-p1-green-wards' is used by an earlier"),
    ('unit = "population"', 'unit = "people"',
     "metrics.share_population_green.unit: expected one of wards, blocks, population, "
     "got 'people'"),
    ('levels = ["xanh"]', 'levels = ["xanh", "unknown"]',
     "metrics.share_wards_green.levels: expected a list of level codes"),
    ('kind = "share"', 'kind = "ratio"', "metrics.share_wards_green.kind: expected one of"),
    ("value_is_example = true\nstart", 'value_is_example = "yes"\nstart',
     "(hcmc-p1-green-wards).value_is_example: expected true or false, got 'yes'"),
    ('scope = "city"', 'scope = "ward"\nscope_code = "26734"',
     "(hcmc-p1-green-wards).metric: share_wards_green counts wards: a ward-scope target"),
    ('title_en = "HCMC phase 1: expand green zones (wards)"', 'title_en = ""',
     "(hcmc-p1-green-wards).title_en: expected non-empty text, got ''"),
    ('id = "vn-2021-green-targets"', "", "id: missing or empty"),
    ("effective_date = 2021-08-15", 'effective_date = "15/8"', "effective_date: expected a"),
    ("effective_date = 2021-08-15", "efective_date = 2021-08-15", "efective_date: unknown key"),
]


@pytest.mark.parametrize("old,new,expected", BAD, ids=[b[2][:40] for b in BAD])
def test_bad_targets_name_the_key(default_text, old, new, expected):
    assert old in default_text
    with pytest.raises(TargetsError) as exc:
        parse_targets(default_text.replace(old, new, 1))
    assert any(expected in str(p) for p in exc.value.problems), exc.value.problems


def test_every_problem_is_reported_at_once(default_text):
    text = default_text.replace('comparator = ">="', 'comparator = "=="', 1).replace(
        "value = 0.8", "value = 8").replace('kind = "count"', 'kind = "number"', 1)
    with pytest.raises(TargetsError) as exc:
        parse_targets(text)
    assert len(exc.value.problems) == 3, exc.value.problems


@pytest.mark.parametrize("text,expected", [
    ("id = [", "not valid TOML"),
    ('id = "x"', "sources: missing"),
    ('id = "x"\n[sources]\na = "b"', "targets: missing"),
])
def test_not_a_targets_file(text, expected):
    with pytest.raises(TargetsError) as exc:
        parse_targets(text)
    assert any(expected in str(p) for p in exc.value.problems), exc.value.problems


# ---- progress on hand-built histories ---------------------------------------------------

# 40 wards of 100 people. Ward k is red up to day k - 10 and green from then on, so
# 10 + i wards are green on day i (from day -10): the green share grows 0.025 a day and
# is 0.25 on day 0, the start of the phase.
N_WARDS, FIRST = 40, -10
WARDS = make_areas([("901" if k < 20 else "902", f"{90001 + k:05d}", "", 100)
                    for k in range(N_WARDS)])
GROWING = make_history({(f"{90001 + k:05d}", ""): "r" * (k + 1) + "x" * (40 - k)
                        for k in range(N_WARDS)}, start=day(FIRST))

TEMPLATE = """
id = "test-targets"
[sources]
plan = "a plan"
[metrics.share_wards_green]
title_vi = "xanh"
title_en = "green"
unit = "wards"
levels = ["xanh"]
kind = "share"
source = "plan"
[metrics.share_population_phong_toa]
title_vi = "phong tỏa"
title_en = "lockdown"
unit = "population"
levels = ["phong_toa"]
kind = "share"
source = "plan"
[metrics.share_blocks_green]
title_vi = "tổ xanh"
title_en = "green blocks"
unit = "blocks"
levels = ["xanh"]
kind = "share"
source = "plan"
"""


def target(metric="share_wards_green", comparator=">=", value=0.8, deadline=25,
           scope='"city"', start=0):
    text = TEMPLATE + f"""
[[targets]]
id = "t"
title_vi = "t"
title_en = "t"
scope = {scope}
metric = "{metric}"
comparator = "{comparator}"
value = {value}
start = {day(start).isoformat()}
deadline = {day(deadline).isoformat()}
source = "plan"
"""
    return parse_targets(text)[0]


def measure(t, as_of: int, history=GROWING, areas=WARDS):
    return target_progress([t], history, areas, day(as_of))[0]


def test_progress_trend_and_projection_on_a_straight_line():
    p = measure(target(), 6)
    assert p.current == pytest.approx(0.4) and p.start_value == pytest.approx(0.25)
    assert p.progress == pytest.approx(0.15 / 0.55)
    assert p.trend_7d == pytest.approx(0.025) and p.trend_14d == pytest.approx(0.025)
    assert p.projected_date == day(22)  # 0.4 + 16 × 0.025 = 0.8
    assert p.status == "on_track" and p.unknown == 0


@pytest.mark.parametrize("deadline,as_of,status", [
    (25, 6, "on_track"),
    (22, 6, "on_track"),  # reached on the deadline itself
    (21, 6, "at_risk"),
    (25, 22, "met"),
    (22, 22, "met"),
    (20, 20, "missed"),  # the last day is over without the goal
    (20, 21, "missed"),
    (22, 25, "met"),  # judged on the deadline day
])
def test_status_boundaries(deadline, as_of, status):
    assert measure(target(deadline=deadline), as_of).status == status


def test_after_the_deadline_the_deadline_value_decides():
    p = measure(target(deadline=20), 24)
    assert p.value_at_deadline == pytest.approx(0.75) and p.current == pytest.approx(0.85)
    assert p.status == "missed"


def test_a_strict_goal_is_reached_only_past_the_value():
    p = measure(target(comparator=">"), 6)
    assert p.projected_date == day(23)
    assert measure(target(comparator=">"), 22).status == "at_risk"


def test_a_shrinking_goal():
    # Ward k is in lockdown up to day k - 10: the lockdown share falls 0.025 a day.
    shrinking = make_history({(f"{90001 + k:05d}", ""): "p" * (k + 1) + "x" * (40 - k)
                              for k in range(N_WARDS)}, start=day(FIRST))
    p = measure(target("share_population_phong_toa", "<=", 0.05), 6, shrinking)
    assert p.current == pytest.approx(0.6) and p.trend_7d == pytest.approx(-0.025)
    assert p.projected_date == day(28)  # 0.6 - 22 × 0.025 = 0.05
    assert p.status == "at_risk"


def test_moving_away_from_the_goal_has_no_projection():
    t = target("share_wards_green", "<=", 0.1)
    p = measure(t, 6)
    assert p.projected_date is None and p.status == "at_risk"
    assert p.progress == pytest.approx((0.4 - 0.25) / (0.1 - 0.25))  # negative


def test_unknown_areas_are_not_green_and_are_shown():
    # Drop every report of the first 8 wards (all green from day 0 on): they are unknown.
    gaps = GROWING[~GROWING["ward_code"].isin([f"{90001 + k:05d}" for k in range(8)])]
    p = measure(target(), 6, gaps)
    assert p.current == pytest.approx(0.2) and p.unknown == pytest.approx(0.2)


def test_before_the_phase_starts_there_is_no_start_value():
    p = measure(target(start=10, deadline=25), 6)
    assert p.start_value is None and p.progress is None and p.status == "on_track"


def test_district_and_ward_scopes():
    p = measure(target(scope='"district"\nscope_code = "902"'), 6)
    assert p.current == 0  # wards 20…39 turn green from day 10 on
    history = make_history({("90001", "A"): "x", ("90001", "B"): "r"})
    t = target("share_blocks_green", scope='"ward"\nscope_code = "90001"', deadline=2)
    assert measure(t, 0, history, CITY).current == pytest.approx(0.5)


def test_a_scope_with_no_area_is_named():
    t = target(scope='"district"\nscope_code = "999"')
    with pytest.raises(TargetsError, match="t: no area has district_code '999'"):
        measure(t, 6)


def test_window_reaches_back_to_every_phase_start_and_two_weeks():
    a, b = target(start=0), target(start=-30, deadline=0)
    assert history_window([a], day(6)) == (day(-8), day(6))
    assert history_window([a, b], day(6)) == (day(-30), day(6))


def test_json_has_what_the_cli_promises():
    t = dataclasses.replace(target(), value_is_example=True)
    out = measure(t, 6).as_json()
    assert {"id", "title", "scope", "metric", "goal", "current", "start_value", "progress",
            "trend_7d", "trend_14d", "projected_date", "deadline", "status",
            "source"} <= set(out)
    assert out["status"] in STATUSES and out["projected_date"] == "2021-09-23"
    assert out["goal_is_example"] is True and out["source"] == "a plan"
    json.dumps(out, ensure_ascii=False)


def test_default_targets_run_on_a_city():
    targets = load_targets()
    as_of = dt.date(2021, 9, 10)
    first, _ = history_window(targets, as_of)
    n = (as_of - first).days + 1
    history = make_history({("90001", "A"): "r" * n, ("90001", "B"): "x" * n,
                            ("90002", ""): "x" * n, ("90003", ""): "p" * n}, start=first)
    out = {p.target.id: p for p in target_progress(targets, history, CITY, as_of)}
    p1 = out["hcmc-p1-green-wards"]  # ≥ 30 % of wards green, judged on 31 Aug
    assert (p1.value_at_deadline, p1.status) == (pytest.approx(1 / 3), "met")
    assert out["hcmc-p2-green-wards"].current == pytest.approx(1 / 3)
    assert out["hanoi-ct06-no-red-wards"].current == 1  # 90003; 90001 itself is unknown
    assert out["hcmc-p2-lockdown-population"].current == pytest.approx(800 / 2300)


@pytest.mark.parametrize("old,new,expected", [
    ('scope = "city"', "scope = []",
     "(hcmc-p1-green-wards).scope: expected one of city, district, ward, got []"),
    ('metric = "share_wards_green"', "metric = {}",
     "(hcmc-p1-green-wards).metric: unknown metric {} (known: "),
    ('source = "hcmc_plan"\n\n[[targets]]', "source = []\n\n[[targets]]",
     "(hcmc-p1-green-wards).source: unknown source [] (known: "),
])
def test_a_list_or_table_where_a_name_belongs_is_a_problem_not_a_crash(default_text, old, new,
                                                                       expected):
    assert old in default_text
    with pytest.raises(TargetsError) as exc:
        parse_targets(default_text.replace(old, new, 1))
    assert any(expected in str(p) for p in exc.value.problems), exc.value.problems
