"""Ward-code padding (zones.codes): ASCII digits pad to five, anything else is no code."""

import pytest

from zones.codes import pad_code


@pytest.mark.parametrize(("typed", "code"), [
    ("9541", "09541"), ("09541", "09541"), ("1", "00001"), ("26734", "26734"),
])
def test_ascii_digits_pad_to_five(typed, code):
    assert pad_code(typed) == code


@pytest.mark.parametrize("typed", [
    "", "095410", "9541a", " 9541", "٩٥٤١", "９５４１", "²", "-954", "95.4",
])
def test_anything_else_is_not_a_code(typed):
    assert pad_code(typed) is None


def test_other_widths():
    assert pad_code("79", 3) == "079"
    assert pad_code("7", 2) == "07"
    assert pad_code("1234", 3) is None
