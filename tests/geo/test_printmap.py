"""The static report map on a hand-built grid of eight wards: the drawn areas of each
colour, the colour found in the image inside each ward, hatching that tells the levels
apart in grey print, and what the legend, scale bar and north arrow say."""

from __future__ import annotations

import datetime as dt
import io

import geopandas as gpd
import numpy as np
import pytest
from matplotlib.colors import to_hex, to_rgb
from PIL import Image
from shapely.geometry import box

from geo.printmap.static_map import PRINT_HATCH, level_map_figure, map_png, short_name
from zones.levels import LEVELS

AS_OF = dt.date(2021, 9, 12)
# Row by row, west to east; 1.5 km squares near Hà Nội.
GRID = [["xanh", "xanh", "do", "phong_toa"], ["unknown", "da_cam", "da_cam", "da_cam"]]
EXPECTED = {"xanh": 2, "da_cam": 3, "do": 1, "phong_toa": 1, "unknown": 1}
STEP = 0.0135  # degrees, about 1.5 km


def _frame() -> gpd.GeoDataFrame:
    rows = []
    for r, levels in enumerate(GRID):
        for c, level in enumerate(levels):
            x, y = 105.80 + c * STEP, 21.00 - r * STEP
            rows.append({"name": f"Phường Số {4 * r + c + 1}", "level": level, "group": "901",
                         "geometry": box(x, y, x + STEP, y + STEP)})
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")


@pytest.fixture(scope="module")
def figure():
    return level_map_figure(_frame(), "vi", AS_OF)


def test_each_level_is_drawn_once_an_area_in_its_colour(figure):
    ax = figure.axes[0]
    drawn: dict[str, int] = {}
    for coll in ax.collections:
        faces = coll.get_facecolors()
        if len(faces) and len(coll.get_paths()) and faces[0][3] > 0:
            colour = to_hex(faces[0]).upper()
            drawn[colour] = drawn.get(colour, 0) + len(coll.get_paths())
    assert drawn == {LEVELS[code].colour.upper(): n for code, n in EXPECTED.items()}
    hatches = {coll.get_hatch() for coll in ax.collections if coll.get_hatch()}
    assert hatches == {h for h in PRINT_HATCH.values() if h}


def test_hatching_tells_every_level_apart():
    assert len(set(PRINT_HATCH.values())) == len(PRINT_HATCH) == len(LEVELS)
    assert PRINT_HATCH["phong_toa"] == "xxx" and PRINT_HATCH["unknown"] == "..."


def _nearest_level(rgb: np.ndarray) -> str:
    dist = {code: np.abs(rgb - np.array(to_rgb(lv.colour)) * 255).sum()
            for code, lv in LEVELS.items()}
    return min(dist, key=dist.get)


def test_the_image_shows_each_area_in_its_colour(figure):
    """Counted in the PNG itself: the most frequent colour in a patch of each square
    (off its label, so the fill outnumbers hatching and text) is its level's."""
    png = Image.open(io.BytesIO(map_png(_frame(), "vi", AS_OF, dpi=100))).convert("RGB")
    pixels = np.asarray(png)
    ax = figure.axes[0]
    metric = _frame().to_crs(_frame().estimate_utm_crs())
    found: dict[str, int] = {}
    for geom in metric.geometry:
        x0, y0, x1, y1 = geom.bounds
        px, py = ax.transData.transform((x0 + 0.25 * (x1 - x0), y0 + 0.25 * (y1 - y0)))
        col, row = int(px * 100 / figure.dpi), int(png.height - py * 100 / figure.dpi)
        patch = pixels[row - 6:row + 6, col - 6:col + 6].reshape(-1, 3)
        values, counts = np.unique(patch, axis=0, return_counts=True)
        level = _nearest_level(values[counts.argmax()].astype(float))
        found[level] = found.get(level, 0) + 1
    assert found == EXPECTED


def test_legend_scale_and_north(figure):
    texts = [t.get_text() for t in figure.legends[0].get_texts()]
    assert texts == ["X  Vùng xanh: 2", "C  Vùng da cam: 3", "Đ  Vùng đỏ: 1",
                     "PT  Phong tỏa: 1", "?  Chưa có dữ liệu: 1"]
    assert figure.legends[0].get_title().get_text() == "Cấp độ vùng ngày 12/09/2021"
    ax_texts = {t.get_text() for t in figure.axes[0].texts}
    assert "B" in ax_texts  # Bắc: the north arrow
    assert {"0", "1 km"} <= ax_texts  # 6 km wide: a quarter rounds down to 1 km
    assert "Số 6\n(C)" in ax_texts  # every label carries the level's letter


def test_english_labels():
    fig = level_map_figure(_frame(), "en", AS_OF)
    assert fig.legends[0].get_texts()[0].get_text() == "G  Green: 2"
    assert "N" in {t.get_text() for t in fig.axes[0].texts}


@pytest.mark.parametrize(("name", "short"), [
    ("Phường Thới Đức", "Thới Đức"), ("Xã Biên Giang", "Biên Giang"),
    ("Thị trấn Trâu Quỳ", "Trâu Quỳ"), ("Tổ dân phố 3", "Tổ 3"), ("Ấp 2", "Ấp 2"),
])
def test_short_names(name, short):
    assert short_name(name) == short
