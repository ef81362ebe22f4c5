"""Every level's cell reads: its label's ink on its colour has a WCAG contrast of at least
4.5:1 (issue #17), checked against known ratios."""

import pytest

from geo.level_cells import MIN_CONTRAST, contrast, ink, level_cell
from zones.levels import LEVELS


@pytest.mark.parametrize(("a", "b", "ratio"), [
    ("#000000", "#FFFFFF", 21.0), ("#FFFFFF", "#FFFFFF", 1.0),
    ("#777777", "#FFFFFF", 4.48),  # the classic grey that just fails AA
    ("#D55E00", "#FFFFFF", 3.87),  # red with white ink would fail
])
def test_contrast_matches_wcag(a, b, ratio):
    assert contrast(a, b) == pytest.approx(ratio, abs=0.01)
    assert contrast(b, a) == contrast(a, b)


@pytest.mark.parametrize("code", list(LEVELS))
def test_every_level_label_reads_on_its_colour(code):
    fill, text = level_cell(code)
    assert fill == LEVELS[code].colour
    assert contrast(fill, text) >= MIN_CONTRAST, (code, fill, text)


def test_ink_is_white_on_dark_and_black_on_light():
    assert ink("#3B0F2E") == "#FFFFFF" and ink("#E69F00") == "#000000"
