"""The one Problem and the one refusal: messages in both languages for every kind of
file, where a problem is said to be, and how a refusal lists its problems."""

from __future__ import annotations

import pytest

from zones.problems import (
    FEATURE,
    KEY,
    DataFileError,
    Problem,
    Refused,
    Term,
    key_problem,
)

# One key of each kind of file, with its parameters and the texts they make.
MESSAGES = [
    (Problem(4, "level", "vàng", "ingest.unknown_level"),
     "unknown level: write xanh, da cam, đỏ or phong tỏa (or green, orange, red, lockdown)",
     "cấp độ không hợp lệ: hãy viết xanh, da cam, đỏ hoặc phong tỏa"),
    (Problem(3, "ward_code", "999", "plan.unknown_code", {"field": "ward_code", "code": "999"}),
     "unknown ward_code 999", "mã không tồn tại: ward_code 999"),
    (Problem(6, "block_code", "09541/TDP01", "files.blocks.duplicate", {"other": 2}),
     "same block (09541/TDP01) as row 2: rows 2 and 6",
     "trùng tổ (09541/TDP01) với dòng 2: dòng 2 và 6"),
    (Problem(10, "ward_code", "09542", "files.boundary.duplicate", {"what": "ward_code",
                                                                    "other": 3},
             "09542", FEATURE),
     "ward_code 09542 appears twice: features 3 and 10",
     "ward_code 09542 bị trùng: đối tượng 3 và 10"),
    (Problem(None, "crs", "x 1 … 2, y 3 … 4", "files.source.off_globe",
             {"advice": Term("files.source.crs_advice")}, place=FEATURE),
     "reprojected coordinates fall off the globe; pass --crs EPSG:XXXX with the file's CRS, "
     "e.g. EPSG:32648 (WGS 84 / UTM 48N) or EPSG:9210 (VN-2000 / TM-3 105°45′, Hà Nội and "
     "TP.HCM)",
     "toạ độ sau khi chuyển đổi nằm ngoài trái đất; hãy chỉ định hệ toạ độ bằng --crs "
     "EPSG:XXXX, ví dụ EPSG:32648 (WGS 84 / UTM 48N) hoặc EPSG:9210 (VN-2000 / TM-3 "
     "105°45′, Hà Nội và TP.HCM)"),
    (key_problem("testing.pooling.xanh", "data.expected_int_min", 0, min=1),
     "expected an integer ≥ 1, got 0", "cần một số nguyên ≥ 1, nhưng là 0"),
    (key_problem("t", "targets.ward_metric", metric="share_wards_green"),
     "share_wards_green counts wards: a ward-scope target counts blocks or population",
     "share_wards_green đếm phường: mục tiêu cấp phường chỉ đếm tổ hoặc dân số"),
]


@pytest.mark.parametrize(("problem", "en", "vi"), MESSAGES, ids=lambda x: getattr(x, "key", ""))
def test_the_message_in_both_languages(problem, en, vi):
    assert (problem.message("en"), problem.message("vi")) == (en, vi)
    assert (problem.reason, problem.reason_vi) == (en, vi)


def test_a_term_is_said_in_the_language_asked():
    p = key_problem("sources.source", "data.unknown_source", "x",
                    known=Term("files.data.none_defined"))
    assert p.reason == "unknown source 'x' (known: none defined)"
    assert p.reason_vi == "không có nguồn 'x' (các nguồn có: chưa khai báo)"


def test_parameters_win_over_the_problem_fields():
    p = Problem(2, "note", "as written", "ingest.unknown_column", {"name": "shown"})
    assert p.reason == "unknown column “shown” ignored"


def test_where_is_a_row_a_feature_or_nothing():
    row = Problem(5, "level", "x", "ingest.unknown_level")
    feature = Problem(5, "ward_code", "x", "files.boundary.bad_code", {"width": 5}, "x",
                      FEATURE)
    assert (row.row, row.feature, feature.row, feature.feature) == (5, None, None, 5)
    whole = key_problem(None, "data.not_toml", detail="x")
    assert (whole.row, whole.feature, whole.place) == (None, None, KEY)


def test_str_says_where_the_problem_is():
    assert str(Problem(5, "population", "-5", "files.blocks.negative")) == (
        "row 5 population='-5': negative count")
    assert str(Problem(None, None, "", "files.blocks.not_table")) == "file: not a table"
    assert str(Problem(3, "ward_code", "95A1", "files.boundary.bad_code", {"width": 5},
                       "95A1", FEATURE)) == (
        "feature 3 (95A1) ward_code='95A1': not a GSO code of at most 5 digits")
    assert str(key_problem("settings.rollup.value", "data.expected_one_of", "best",
                           choices="worst")) == (
        "settings.rollup.value: expected one of worst, got 'best'")
    assert str(key_problem(None, "data.not_toml", detail="line 1")) == (
        "not valid TOML: line 1")


def test_problems_compare_by_value_and_hash():
    a = Problem(1, None, "", "files.blocks.not_table")
    assert a == Problem(1, None, "", "files.blocks.not_table")
    assert a != Problem(2, None, "", "files.blocks.not_table")
    assert len({a, Problem(1, None, "", "files.blocks.not_table", {})}) == 1


def test_a_refusal_lists_every_problem():
    problems = [Problem(None, None, "", "files.blocks.not_table"),
                Problem(4, "population", "-5", "files.blocks.negative")]
    err = Refused("blocks.csv", problems)
    assert isinstance(err, ValueError)
    assert (err.source, err.problems) == ("blocks.csv", problems)
    assert str(err) == ("blocks.csv refused, 2 problem(s):\n  - file: not a table\n"
                        "  - row 4 population='-5': negative count")


def test_a_data_file_refusal_reads_as_before():
    class Example(DataFileError):
        what = "example"

    err = Example([key_problem("id", "data.missing_id", example="x-1"),
                   key_problem(None, "data.not_toml", detail="line 1")])
    assert isinstance(err, Refused) and err.source == "example"
    assert str(err) == ("invalid example:\n  id: missing or empty (a text id such as 'x-1')"
                        "\n  not valid TOML: line 1")


def test_a_key_problem_names_its_key_in_either_language():
    p = key_problem("sources", "data.missing_sources")
    assert p.located("vi").startswith("sources: ") and p.located("vi") != p.located("en")
    assert p.located("en") == str(p)
    row = Problem(4, "level", "vàng", "ingest.unknown_level")
    assert row.located("vi") == row.message("vi")  # a row's place has a column of its own
