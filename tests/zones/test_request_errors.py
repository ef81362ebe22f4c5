"""A request refused whole (zones.problems.Unsaid) says why in the user's language: every
such error of zones/ has a Vietnamese text of its own, with no English sentence left in
it, while str() stays the English text it always was (the CLI's --lang en, the logs)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from data.config.policy_files import load_policy
from tests.support.said_checks import assert_said, untranslated
from zones.problems import Unsaid, said
from zones.report import scope_areas
from zones.report_period import Scope, parse_period, parse_scope
from zones.schedule import plan_schedule
from zones.schedule_capacity import read_capacity

AS_OF = dt.date(2021, 9, 10)
SCOPE_HELP = ("expected city, province:CODE, district:CODE or ward:CODE "
              "(e.g. province:79, district:901, ward:09541)")
PERIOD_HELP = ("expected day:YYYY-MM-DD, week:YYYY-Www or month:YYYY-MM "
               "(e.g. day:2021-09-30, week:2021-W38, month:2021-09)")
def _areas():
    return pd.DataFrame({"district_code": ["901", "901", "902"],
                         "ward_code": ["90001", "90002", "90201"]})


def _plan_areas(pops):
    n = len(pops)
    return pd.DataFrame({
        "area_type": "block", "district_code": "901", "district_name": "Quận Thử",
        "ward_code": "90001", "ward_name": "Phường Thử",
        "block_code": [f"T{i:02d}" for i in range(n)], "block_name": "",
        "level": "xanh", "population": pops,
    })


def _no_rounds():
    return pd.DataFrame({"ward_code": [], "block_code": [], "date": []})


CASES = [
    (lambda: parse_scope("bogus"), f"scope 'bogus': {SCOPE_HELP}"),
    (lambda: parse_scope("district"), f"scope 'district' needs a district code: {SCOPE_HELP}"),
    (lambda: parse_scope("city:"), f"scope 'city:' needs a city code: {SCOPE_HELP}"),
    (lambda: parse_scope("ward:9a"), "scope 'ward:9a': the ward code must be digits, got '9a'"),
    (lambda: parse_period("year:2021"), f"period 'year:2021': {PERIOD_HELP}"),
    (lambda: parse_period("month:2021-13"),
     "period 'month:2021-13': a month is YYYY-MM, got '2021-13'"),
    (lambda: parse_period("week:2021-38"),
     "period 'week:2021-38': an ISO week is YYYY-Www, got '2021-38'"),
    (lambda: parse_period("week:2021-W53"), "period 'week:2021-W53': 2021 has no ISO week 53"),
    (lambda: parse_period("day:2021-9-30"),
     "period 'day:2021-9-30': a day is YYYY-MM-DD, got '2021-9-30'"),
    (lambda: parse_period("day:2021-02-30"), "period 'day:2021-02-30': 2021-02-30 is not a date"),
    (lambda: parse_period("week:2021-W40").up_to(dt.date(2021, 9, 30)),
     "period week:2021-W40 starts 2021-10-04, after 2021-09-30: nothing to report yet"),
    (lambda: scope_areas(_areas(), Scope("district", "905")),
     "no district with code '905' in the store (known: 901, 902)"),
    (lambda: scope_areas(_areas().iloc[:0], Scope("ward", "90009")),
     "no ward with code '90009' in the store (known: none: import boundaries or run demo)"),
    (lambda: read_capacity(-1, _areas(), AS_OF, 3),
     "capacity -1 is negative: expected samples or tubes ≥ 0"),
    (lambda: read_capacity(pd.DataFrame({"capacity": [5]}), _areas(), AS_OF, 3),
     "capacity table has columns ['capacity']: expected 'capacity', one of district_code or "
     "ward_code, and optionally date"),
    (lambda: read_capacity(pd.DataFrame({"district_code": ["901"], "capacity": ["many"]}),
                           _areas(), AS_OF, 3),
     "capacity 'many' in row 0: expected a whole number ≥ 0"),
    (lambda: read_capacity(pd.DataFrame({"district_code": ["901", "901"], "capacity": [5, 6]}),
                           _areas(), AS_OF, 3),
     "capacity for district_code 901 is given twice"),
    (lambda: read_capacity(pd.DataFrame({"district_code": ["901", "901"], "capacity": [5, 6],
                                         "date": [AS_OF, AS_OF]}), _areas(), AS_OF, 3),
     "capacity for district_code 901 on 2021-09-10 is given twice"),
    (lambda: read_capacity(pd.DataFrame({"district_code": ["901"], "capacity": [5]}),
                           _areas(), AS_OF, 3),
     "no capacity row for district_code ['902']: add a row for each, or give one figure for "
     "the whole city"),
    (lambda: plan_schedule(_plan_areas([100, None]), _no_rounds(), AS_OF, load_policy(),
                           horizon=3, capacity=1000),
     "no usable population for ['90001/T01']: a round's size is its population, so each "
     "sampled area needs one (≥ 0)"),
]


@pytest.mark.parametrize(("call", "english"), CASES, ids=[e[:40] for _, e in CASES])
def test_each_refusal_is_said_in_both_languages(call, english):
    with pytest.raises(ValueError) as err:  # every `except ValueError` still catches it
        call()
    assert_said(err.value, english)


def test_terms_among_the_values_are_said_in_the_language_of_the_message():
    with pytest.raises(Unsaid) as err:
        parse_scope("ward:")
    assert "mã phường/xã" in err.value.text("vi") and "cần city, province:MÃ, district:MÃ" in \
        err.value.text("vi")
    assert "needs a ward code" in str(err.value)


def test_the_check_finds_english_left_in_vietnamese(monkeypatch):
    exc = Unsaid("request.scope.kind_city")
    monkeypatch.setattr(exc, "text", lambda lang: "phạm vi: expected a code")
    assert untranslated(exc) == ["expected", "a", "code"]


def test_said_falls_back_to_str_for_other_errors():
    assert said(ValueError("plain"), "vi") == "plain"
