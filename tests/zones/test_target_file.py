"""The targets file: the default one, precise errors for bad ones, and the shipped
targets naming their place and marking their examples."""

from __future__ import annotations

import datetime as dt

import pytest

from data.config.policy_files import DEFAULT_TARGETS_PATH, load_targets
from zones.target_file import TargetsError, parse_targets


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
    ('scope = "city"\nscope_code = "79"', 'scope = "country"\nscope_code = "79"',
     "(hcmc-p1-green-wards).scope: expected one of city, province, district, ward, got "
     "'country'"),
    ('scope = "city"\nscope_code = "79"', 'scope = "district"',
     "(hcmc-p1-green-wards).scope_code: missing: the district code"),
    ('scope = "city"\nscope_code = "79"', 'scope = "province"',
     "(hcmc-p1-green-wards).scope_code: missing: the province code"),
    ('scope = "city"\nscope_code = "79"', 'scope = "district"\nscope_code = 760',
     "(hcmc-p1-green-wards).scope_code: expected a code of digits as text, got 760"),
    ('scope = "city"\nscope_code = "79"', 'scope = "district"\nscope_code = "\u0667\u0666\u0660"',
     "(hcmc-p1-green-wards).scope_code: expected a code of digits as text, got '\u0667"),
    ('source = "hcmc_plan"\n\n[[targets]]', 'source = "hcmc"\n\n[[targets]]',
     "(hcmc-p1-green-wards).source: unknown source 'hcmc' (known: cd20, ct06, demo, "
     "hcmc_plan"),
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
    ('scope = "city"\nscope_code = "79"', 'scope = "ward"\nscope_code = "26734"',
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
        "value = 0.8", "value = 8").replace("value = 0.995", "value = 2")
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


def test_every_shipped_target_names_its_place():
    # Before: the HCMC and Hà Nội targets had no scope_code, so they covered every area of
    # any store: the demo city (province 99) was judged against HCMC's plan.
    places = {t.id: str(t.area_scope) for t in load_targets()}
    assert all(p != "city" for p in places.values()), places
    assert {p for i, p in places.items() if i.startswith("hcmc-")} == {"province:79"}
    assert {p for i, p in places.items() if i.startswith("hanoi-")} == {"province:01"}
    demo = {i: p for i, p in places.items() if i.startswith("demo-")}
    # The demo's district codes (901…) are not reserved: its targets name its province.
    assert demo and set(demo.values()) == {"province:99"}


def test_demo_targets_are_marked_examples():
    demo = [t for t in load_targets() if t.id.startswith("demo-")]
    assert len(demo) >= 4
    for t in demo:
        assert t.value_is_example and t.deadline_is_example and t.source == "demo"
        assert "demo" in t.title_en.lower() and "(ví dụ)" in t.title_vi


@pytest.mark.parametrize("old,new,expected", [
    ('scope = "city"', "scope = []",
     "(hcmc-p1-green-wards).scope: expected one of city, province, district, ward, got []"),
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
