"""Numbers and dates are written one way per language (i18n/formats.py): 12.345 and
91,6 % in Vietnamese, 12,345 and 91.6 % in English, a space before the per cent sign."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from i18n import t
from i18n.formats import (
    fmt_date,
    fmt_day_month,
    fmt_int,
    fmt_number,
    fmt_percent,
    grouped,
)


@pytest.mark.parametrize(("value", "vi", "en"), [
    (0, "0", "0"), (999, "999", "999"), (1000, "1.000", "1,000"),
    (12345, "12.345", "12,345"), (-12345, "-12.345", "-12,345"),
    (1234567, "1.234.567", "1,234,567"), (np.int64(25000), "25.000", "25,000"),
])
def test_whole_numbers(value, vi, en):
    assert (fmt_int(value, "vi"), fmt_int(value, "en")) == (vi, en)


@pytest.mark.parametrize(("value", "digits", "vi", "en"), [
    (12345.64, 1, "12.345,6", "12,345.6"), (0.25, 2, "0,25", "0.25"),
    (1234.5, 0, "1.234", "1,234"),  # rounds half to even, as Python does
    (1235.5, 0, "1.236", "1,236"), (-0.04, 1, "0,0", "0.0"), (7, 0, "7", "7"),
])
def test_decimals(value, digits, vi, en):
    assert (fmt_number(value, "vi", digits), fmt_number(value, "en", digits)) == (vi, en)


@pytest.mark.parametrize(("share", "digits", "vi", "en"), [
    (0.916, 1, "91,6 %", "91.6 %"), (1, 1, "100,0 %", "100.0 %"), (0, 0, "0 %", "0 %"),
    (0.12345, 2, "12,35 %", "12.35 %"), (12.5, 1, "1.250,0 %", "1,250.0 %"),
])
def test_percentages_have_a_space_and_the_language_s_decimal_mark(share, digits, vi, en):
    assert (fmt_percent(share, "vi", digits), fmt_percent(share, "en", digits)) == (vi, en)


@pytest.mark.parametrize("missing", [None, float("nan"), pd.NA, np.nan])
def test_missing_values_read_as_none_never_zero(missing):
    for lang in ("vi", "en"):
        none = t("map.tip.none", lang)
        assert fmt_int(missing, lang) == fmt_number(missing, lang, 1) == none
        assert fmt_percent(missing, lang) == fmt_date(missing, lang) == none


def test_dates():
    day = dt.date(2021, 9, 4)
    assert (fmt_date(day, "vi"), fmt_date(day, "en")) == ("04/09/2021", "2021-09-04")
    assert fmt_date(pd.Timestamp("2021-09-04 13:00"), "vi") == "04/09/2021"
    assert (fmt_day_month(day, "vi"), fmt_day_month(day, "en")) == ("04/09", "04 Sep")


def test_grids_write_whole_numbers_the_language_s_way_and_keep_them_numbers():
    df = pd.DataFrame({"name": ["a", "b"], "tests": pd.array([1365, None], dtype="Int64"),
                       "cases": [12345.0, float("nan")], "share": [0.5, 0.25]})
    vi, en = grouped(df, "vi"), grouped(df, "en")
    assert vi.data["tests"].tolist()[0] == 1365  # still a number: sorts as one
    assert "1.365" in vi.to_string() and "12.345" in vi.to_string()
    assert "1,365" in en.to_string() and "12,345" in en.to_string()
    assert "0.5" in en.to_string()  # not a whole-number column: left alone
