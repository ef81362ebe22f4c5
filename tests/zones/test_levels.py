"""The level table and the parser of reported spellings (SPEC "Zone levels", "level")."""

import unicodedata

import pytest

from zones.levels import LEVELS, REPORTABLE, LevelError, by_severity, fold, parse_level

ACCEPTED = [
    ("xanh", "xanh"), ("Xanh", "xanh"), ("XANH", "xanh"), ("green", "xanh"),
    ("Vùng xanh", "xanh"), ("vung_xanh", "xanh"), ("zone green", "xanh"),
    ("da cam", "da_cam"), ("Da cam", "da_cam"), ("da_cam", "da_cam"), ("da-cam", "da_cam"),
    ("DA  CAM", "da_cam"), ("Vùng da cam", "da_cam"), ("orange", "da_cam"), ("Orange", "da_cam"),
    ("đỏ", "do"), ("Đỏ", "do"), ("do", "do"), ("DO", "do"), ("Vùng đỏ", "do"),
    ("vùng-đỏ", "do"), ("red", "do"), ("RED", "do"),
    ("phong tỏa", "phong_toa"), ("phong toả", "phong_toa"), ("Phong Tỏa", "phong_toa"),
    ("phong_toa", "phong_toa"), ("phong-toa", "phong_toa"), ("lockdown", "phong_toa"),
    ("  xanh  ", "xanh"),
]
REJECTED = ["dacam", "phongtoa", "vàng", "Vàng", "yellow", "unknown", "Chưa có dữ liệu",
            "vùng", "xanh lá", "d0", "1", "", "   ", "red!"]


@pytest.mark.parametrize("text,code", ACCEPTED)
def test_accepted_spellings(text, code):
    assert parse_level(text) == code


@pytest.mark.parametrize("text,code", ACCEPTED)
def test_nfd_input_reads_like_nfc(text, code):
    assert parse_level(unicodedata.normalize("NFD", text)) == code


@pytest.mark.parametrize("text", REJECTED)
def test_rejected_spellings_name_the_value(text):
    with pytest.raises(LevelError) as exc:
        parse_level(text)
    if text.strip():
        assert repr(text) in str(exc.value)


def test_d_with_stroke_folds_to_d():
    # NFD does not decompose đ: SPEC asks for an explicit mapping.
    assert fold("Đỏ đâu") == "do dau"


def test_severity_is_data_not_declaration_order():
    assert [LEVELS[c].severity for c in by_severity()] == [1, 2, 3, 4]
    assert by_severity(["phong_toa", "xanh", "do"]) == ["xanh", "do", "phong_toa"]
    assert LEVELS["unknown"].severity is None
    assert "unknown" not in REPORTABLE


def test_spec_colours_and_cues():
    expected = {"xanh": "#009E73", "da_cam": "#E69F00", "do": "#D55E00",
                "phong_toa": "#3B0F2E", "unknown": "#BBBBBB"}
    assert {c: lv.colour for c, lv in LEVELS.items()} == expected
    assert LEVELS["phong_toa"].pattern == "hatch"
    assert LEVELS["unknown"].pattern == "dots"
    assert LEVELS["do"].label_vi == "Vùng đỏ"
