"""One reading of headers and cells for every table: header matching, blanks, text, GSO
codes and counts, each on both sides of its boundary."""

from __future__ import annotations

import pandas as pd
import pytest

from zones.cells import (
    MAX_COUNT,
    alias_lookup,
    block_code_cell,
    clean_code,
    clean_text,
    code_cell,
    count_cell,
    header_key,
    is_blank,
    match_header,
    parse_count,
)


@pytest.mark.parametrize("name", [
    "ma_phuong", "Mã  Phường", "MA-PHUONG", "mã phường", "ma phuong", " Ma_Phuong ",
    "Ｍａ＿Ｐｈｕｏｎｇ", "Ma\u0301 Phu\u031bo\u031b\u0300ng",
])
def test_a_header_matches_whatever_its_case_accents_and_separators(name):
    assert header_key(name) == "maphuong"


def test_headers_that_differ_in_letters_stay_apart():
    assert header_key("ma_to") != header_key("ma_tinh")
    assert header_key("đan") == "dan" and header_key(12) == "12"


def test_alias_lookup_refuses_a_spelling_that_means_two_columns():
    lookup = alias_lookup({"ward_code": ("ma_phuong",), "block_code": ("ma_to",)})
    assert lookup == {"wardcode": "ward_code", "maphuong": "ward_code",
                      "blockcode": "block_code", "mato": "block_code"}
    with pytest.raises(ValueError, match="Mã phường"):
        alias_lookup({"ward_code": ("ma_phuong",), "block_code": ("Mã phường",)})


def test_match_header_finds_doubled_columns_and_skips_the_rest():
    lookup = alias_lookup({"ward_code": ("ma_phuong",), "level": ()})
    names = ["Mã phường", "ghi chú", "", "ward_code", None, "LEVEL"]
    assert match_header(names, lookup) == {"ward_code": [0, 3], "level": [5]}


@pytest.mark.parametrize(("value", "blank"), [
    ("", True), ("  \t", True), (None, True), (float("nan"), True), (pd.NA, True),
    ("x", False), (0, False), (0.0, False), (" 0 ", False),
])
def test_blank(value, blank):
    assert is_blank(value) is blank


def test_clean_text_trims_joins_spaces_and_composes():
    assert clean_text("  Tổ\n  dân   phố 1 ") == "Tổ dân phố 1"
    assert clean_text("To\u0302\u0309") == "Tổ"
    assert clean_text(" ") is None and clean_text(None) is None
    assert clean_text(7) == "7"


@pytest.mark.parametrize(("value", "width", "code"), [
    ("9541", 5, "09541"), (9541, 5, "09541"), (9541.0, 5, "09541"), (" 09541 ", 5, "09541"),
    ("79", 3, "079"), ("1", 2, "01"),
    ("095410", 5, None), (9541.5, 5, None), ("95A1", 5, None), ("٩٥٤١", 5, None),
    ("９５４１", 5, None), ("-954", 5, None), ("", 5, None), ("1234", 3, None),
])
def test_clean_code_pads_ascii_digits_only(value, width, code):
    assert clean_code(value, width) == code


@pytest.mark.parametrize(("value", "code", "named"), [
    ("9541", "09541", None), (9541.0, "09541", None), ("95A1", None, None),
    ("9541\u200b", None, "5: U+200B ZERO WIDTH SPACE"),
    (" \ufeff9541", None, "2: U+FEFF ZERO WIDTH NO-BREAK SPACE"),  # as written
    ("\u0669541", None, "1: U+0669 ARABIC-INDIC DIGIT NINE"),
])
def test_a_code_cell_names_what_makes_it_no_code(value, code, named):
    found, issue = code_cell(value, 5)
    assert found == code
    assert (issue is None) if named is None else (named in issue[1]["chars"])


@pytest.mark.parametrize(("value", "code", "named"), [
    (" TDP  01 ", "TDP 01", None), (7.0, "7", None), ("T" * 33, None, None),
    ("TDP\u200d01", None, "4: U+200D ZERO WIDTH JOINER"),
])
def test_a_block_code_cell_names_odd_characters_and_refuses_long_codes(value, code, named):
    found, issue = block_code_cell(value, 32)
    assert found == code
    assert (issue is None) if named is None else (issue[0] == "odd_characters" and
                                                   named in issue[1]["chars"])


@pytest.mark.parametrize(("text", "count"), [
    ("0", 0), ("3", 3), ("3.0", 3), ("3.00", 3), ("007", 7), ("-0", 0),
    (str(MAX_COUNT), MAX_COUNT),
])
def test_a_count_is_a_whole_number_from_zero_up(text, count):
    assert parse_count(text) == (count, None)


@pytest.mark.parametrize(("text", "issue"), [
    ("3,5", "not_integer"), ("2.5", "not_integer"), ("3.", "not_integer"),
    ("ba", "not_integer"), ("٣", "not_integer"), ("1e3", "not_integer"), (" 3", "not_integer"),
    ("-1", "negative"), ("-3.0", "negative"),
    (str(MAX_COUNT + 1), "too_big"), ("9" * 5000, "too_big"),
])
def test_anything_else_is_no_count(text, issue):
    value, (key, params) = parse_count(text)
    assert (value, key) == (None, issue)
    assert params == ({"limit": MAX_COUNT} if issue == "too_big" else {})


def test_a_blank_count_is_missing_not_zero():
    assert parse_count("")[0] is pd.NA


def test_count_cell_reads_numbers_from_numeric_fields():
    assert count_cell(1200.0) == (1200, None)
    assert count_cell(" 12 ") == (12, None)
    assert count_cell(-5.0)[1][0] == "negative"
    assert count_cell(1.5)[1][0] == "not_integer"
    assert count_cell(float(MAX_COUNT) * 2)[1][0] == "too_big"
    assert count_cell(float("inf"))[1][0] == "not_integer"
