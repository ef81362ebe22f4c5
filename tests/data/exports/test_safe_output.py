"""Output safety helpers: formula neutralisation (OWASP CSV injection) and HTML escaping,
as boundary tables."""

import pandas as pd
import pytest

from data.exports.safe_output import html_text, is_missing, neutralise_formula, xlsx_text

FORMULAS = [  # text as stored, as a spreadsheet cell must get it
    ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
    ("+1", "'+1"),
    ("-2", "'-2"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\tcmd", "'\tcmd"),
    ("\rcmd", "'\rcmd"),
    ("a=1", "a=1"),  # only the first character matters
    ("1-2", "1-2"),
    (" =1", " =1"),  # not a trigger: spreadsheets do not run it
    ("'=1", "'=1"),  # already quoted
    ("\n=1", "\n=1"),
    ("", ""),
    ("Vùng đỏ", "Vùng đỏ"),
]


@pytest.mark.parametrize("text,cell", FORMULAS)
def test_neutralise_formula(text, cell):
    assert neutralise_formula(text) == cell


@pytest.mark.parametrize("text,cell", [
    ("chuông\x07", "chuông\ufffd"), ("\x00a", "\ufffda"), ("a\tb\nc", "a\tb\nc"),
    ("=1\x0b", "'=1\ufffd"), ("\rcmd", "'\ncmd"), ("a\r\nb\rc", "a\nb\nc"),
])
def test_xlsx_text_replaces_what_xml_cannot_hold(text, cell):
    assert xlsx_text(text) == cell


@pytest.mark.parametrize("value,html", [
    ("<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"),
    ('"a" & \'b\'', "&quot;a&quot; &amp; &#x27;b&#x27;"),
    ("Phường Mộ Lao", "Phường Mộ Lao"),
    (None, ""), (float("nan"), ""), (pd.NA, ""), (3, "3"),
])
def test_html_text(value, html):
    assert html_text(value) == html


@pytest.mark.parametrize("value,missing", [
    (None, True), (float("nan"), True), (pd.NA, True), (pd.NaT, True),
    ("", False), (0, False), (False, False), ("nan", False),
])
def test_is_missing(value, missing):
    assert is_missing(value) is missing
