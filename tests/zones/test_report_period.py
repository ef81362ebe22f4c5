"""--scope and --period of `report`: what is accepted, what each means, and that every
refusal names the value and what was expected."""

import datetime as dt

import pytest

from zones.report_period import Period, Scope, parse_period, parse_scope, previous

D = dt.date


@pytest.mark.parametrize(("text", "kind", "code"), [
    ("city", "city", None),
    ("CITY", "city", None),
    ("city:99", "province", "99"),  # the older spelling of a province
    ("province:79", "province", "79"),
    ("province:1", "province", "01"),
    ("district:901", "district", "901"),
    ("district:1", "district", "001"),  # a spreadsheet dropped the zeros
    ("ward:09541", "ward", "09541"),
    ("ward:9541", "ward", "09541"),
    (" ward: 90001 ", "ward", "90001"),
])
def test_scopes(text, kind, code):
    assert parse_scope(text) == Scope(kind, code)


@pytest.mark.parametrize(("text", "says"), [
    ("", "expected city, province:CODE, district:CODE or ward:CODE"),
    ("country:01", "expected city, province:CODE, district:CODE or ward:CODE"),
    ("province", "needs a province code"),
    ("district", "needs a district code"),
    ("ward:", "needs a ward code"),
    ("city:", "needs a city code"),
    ("ward:9O541", "must be digits, got '9O541'"),
    ("ward:٠٩٥٤١", "must be digits"),  # Arabic-Indic digits are digits to Python, not codes
])
def test_bad_scopes(text, says):
    with pytest.raises(ValueError, match=says) as err:
        parse_scope(text)
    assert repr(text) in str(err.value)


@pytest.mark.parametrize(("text", "kind", "start", "end"), [
    ("day:2021-09-30", "day", D(2021, 9, 30), D(2021, 9, 30)),
    ("week:2021-W38", "week", D(2021, 9, 20), D(2021, 9, 26)),
    ("week:2021W38", "week", D(2021, 9, 20), D(2021, 9, 26)),
    ("week:2021-W01", "week", D(2021, 1, 4), D(2021, 1, 10)),  # ISO week 1: 4 January
    ("week:2020-W53", "week", D(2020, 12, 28), D(2021, 1, 3)),  # crosses the year
    ("month:2021-09", "month", D(2021, 9, 1), D(2021, 9, 30)),
    ("month:2021-12", "month", D(2021, 12, 1), D(2021, 12, 31)),
    ("month:2024-02", "month", D(2024, 2, 1), D(2024, 2, 29)),
    ("MONTH:2021-02", "month", D(2021, 2, 1), D(2021, 2, 28)),
])
def test_periods(text, kind, start, end):
    p = parse_period(text)
    assert p == Period(kind, start, end)
    assert parse_period(str(p)) == p  # the text form round-trips
    assert p.baseline == start - dt.timedelta(days=1)
    assert p.dates()[0] == start and p.dates()[-1] == end and len(p.dates()) == p.days


@pytest.mark.parametrize(("text", "says"), [
    ("2021-09", "expected day:YYYY-MM-DD, week:YYYY-Www or month:YYYY-MM"),
    ("year:2021", "expected day:YYYY-MM-DD"),
    ("day:30/09/2021", "a day is YYYY-MM-DD"),
    ("day:2021-02-30", "2021-02-30 is not a date"),
    ("week:2021-W53", "2021 has no ISO week 53"),
    ("week:2021-W00", "2021 has no ISO week 0"),
    ("week:2021-38", "an ISO week is YYYY-Www"),
    ("month:2021-13", "a month is YYYY-MM"),
    ("month:2021-9", "a month is YYYY-MM"),
])
def test_bad_periods(text, says):
    with pytest.raises(ValueError, match=says):
        parse_period(text)


def test_a_running_period_is_reported_so_far():
    month = parse_period("month:2021-09")
    assert month.up_to(D(2021, 9, 10)) == Period("month", D(2021, 9, 1), D(2021, 9, 10))
    assert month.up_to(D(2021, 10, 5)) == month
    with pytest.raises(ValueError, match="nothing to report yet"):
        month.up_to(D(2021, 8, 31))


@pytest.mark.parametrize(("text", "start", "end"), [
    ("day:2021-09-01", D(2021, 8, 31), D(2021, 8, 31)),
    ("week:2021-W01", D(2020, 12, 28), D(2021, 1, 3)),
    ("month:2021-03", D(2021, 2, 1), D(2021, 2, 28)),
    ("month:2021-01", D(2020, 12, 1), D(2020, 12, 31)),
])
def test_previous_period(text, start, end):
    p = previous(parse_period(text))
    assert (p.start, p.end) == (start, end)


def test_previous_of_a_running_month_is_as_long():
    so_far = parse_period("month:2021-09").up_to(D(2021, 9, 10))
    assert previous(so_far) == Period("month", D(2021, 8, 1), D(2021, 8, 10))
