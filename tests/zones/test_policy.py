"""Policy as data: the default file, and precise errors for bad ones."""

import datetime as dt

import pytest

from data.config.policy_files import DEFAULT_POLICY_PATH, load_policy
from zones.policy import Interval, PolicyError, parse_policy


@pytest.fixture(scope="module")
def default_text():
    return DEFAULT_POLICY_PATH.read_text(encoding="utf-8")


def test_default_policy_matches_spec():
    p = load_policy()
    assert p.id and p.effective_date == dt.date(2021, 9, 6)
    assert p.interval("phong_toa") == Interval(2, 3)
    assert p.interval("do") == Interval(2, 3)
    assert p.interval("da_cam") == Interval(5, 7)
    assert p.interval("xanh") == Interval(1, 14)
    assert p.interval("unknown") == p.interval("do")
    assert p.pooling["xanh"] == 10 and p.pooling["do"] == 5
    assert (p.carry_forward_days, p.rollup, p.round_min_coverage) == (1, "worst", 0.9)
    assert p.days_without_cases == 14 and p.max_upload_bytes == 20_000_000


def test_every_rule_has_a_source_and_date():
    p = load_policy()
    assert "testing.intervals.do" in p.rules and "settings.carry_forward_days" in p.rules
    for key, rule in p.rules.items():
        assert rule.citation, key
        assert isinstance(rule.effective_date, dt.date), key


def test_campaign_window_drives_green_interval(default_text):
    text = default_text.replace("[settings.campaign_window_days]\nvalue = 14",
                                "[settings.campaign_window_days]\nvalue = 21")
    assert parse_policy(text).interval("xanh") == Interval(1, 21)


@pytest.mark.parametrize("old,new,expected", [
    ('id = "vn-2021-09-default"', 'id = ""', "id: missing or empty"),
    ("effective_date = 2021-09-06", 'effective_date = "6/9/2021"', "effective_date: expected"),
    ("min_days = 5", "min_days = 0", "testing.intervals.da_cam.min_days: expected an integer ≥ 1"),
    ("max_days = 7", "max_days = 4", "testing.intervals.da_cam.max_days"),
    ('value = "worst"', 'value = "best"', "settings.rollup.value: expected one of worst"),
    ('value = "do"', 'value = "unknown"', "settings.unknown_as.value"),
    ("value = 0.9", "value = 1.5", "settings.round_min_coverage.value: expected a number"),
    ('source = "cd20"', 'source = "cd99"', "unknown source 'cd99'"),
    ("xanh = 10", "xanh = 0", "testing.pooling.xanh: expected an integer ≥ 1, got 0"),
    ("[settings.rollup]", "[settings.rolup]", "settings.rolup: unknown setting"),
])
def test_bad_policy_names_the_key(default_text, old, new, expected):
    assert old in default_text
    with pytest.raises(PolicyError) as exc:
        parse_policy(default_text.replace(old, new, 1))
    assert any(expected in str(p) for p in exc.value.problems), exc.value.problems


def test_every_problem_is_reported_at_once(default_text):
    text = default_text.replace("min_days = 5", "min_days = -1").replace(
        "value = 0.9", "value = 2")
    with pytest.raises(PolicyError) as exc:
        parse_policy(text)
    assert len(exc.value.problems) == 2


def test_not_toml():
    with pytest.raises(PolicyError, match="not valid TOML"):
        parse_policy("id = [")


def test_a_source_that_is_no_key_is_a_problem_not_a_crash(default_text):
    with pytest.raises(PolicyError) as exc:
        parse_policy(default_text.replace('source = "cd20"', "source = []", 1))
    assert any("unknown source []" in str(p) for p in exc.value.problems), exc.value.problems
