"""The zone map's label rule (ui/components/vxmap/labels.js), run in Debian's Chromium on
its own (no Leaflet, no dashboard): the greedy pass never lets two names, or a name and
a level letter, overlap; a name stays inside its area's box; the more important name
wins; a name left out had no free place; and the short forms are the usual Vietnamese
abbreviations."""

from __future__ import annotations

import random

import pytest

from ui.components.vxmap import SOURCE_DIR

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def page(chromium):
    page = chromium.new_page()
    page.set_content("<!doctype html><html><body></body></html>")
    page.add_script_tag(content=(SOURCE_DIR / "labels.js").read_text(encoding="utf-8"))
    yield page
    page.close()


def _overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _inside(b, outer) -> bool:
    return b[0] >= outer[0] and b[1] >= outer[1] and b[2] <= outer[2] and b[3] <= outer[3]


def _case(seed: int, n: int = 250):
    rnd = random.Random(seed)

    def rect(x, y, w, h):
        return [x, y, x + w, y + h]

    cands = []
    for _ in range(n):
        x, y = rnd.uniform(0, 800), rnd.uniform(0, 600)
        w, h = rnd.uniform(20, 120), rnd.choice([13, 15, 17])
        within = rect(x - rnd.uniform(0, 100), y - rnd.uniform(0, 40), rnd.uniform(60, 300),
                      rnd.uniform(30, 120))
        options = [{"box": rect(x + dx, y + dy, w, h)}
                   for dx, dy in [(0, 0), *[(rnd.uniform(-40, 40), rnd.uniform(-30, 30))
                                            for _ in range(rnd.randint(0, 3))]]]
        cands.append({"options": options, "within": within})
    reserved = [rect(rnd.uniform(0, 800), rnd.uniform(0, 600), 14, 18) for _ in range(60)]
    return cands, reserved


PLACE = """([cands, reserved, limit]) => VX.labels.place(cands, reserved, limit).map(
  c => [cands.indexOf(c), c.options.indexOf(c.chosen)])"""


@pytest.mark.parametrize("seed", range(5))
def test_placed_names_never_overlap_and_stay_inside(page, seed):
    cands, reserved = _case(seed)
    placed = page.evaluate(PLACE, [cands, reserved, 1000])
    boxes = [cands[i]["options"][o]["box"] for i, o in placed]
    assert len(placed) > 20  # the case is not one where nothing fits
    for k, (i, _o) in enumerate(placed):
        assert _inside(boxes[k], cands[i]["within"])
        assert not any(_overlaps(boxes[k], r) for r in reserved)
        assert not any(_overlaps(boxes[k], b) for b in boxes[k + 1:])
    # Greedy, in order: a candidate left out had no option free of what came before it.
    taken = dict(placed)
    for i, cand in enumerate(cands):
        if i in taken:
            continue
        before = reserved + [cands[j]["options"][o]["box"] for j, o in placed if j < i]
        for opt in cand["options"]:
            assert not _inside(opt["box"], cand["within"]) or any(
                _overlaps(opt["box"], b) for b in before), (i, opt)


def test_order_decides_and_the_limit_holds(page):
    a = {"options": [{"box": [0, 0, 50, 15]}], "within": [0, 0, 100, 100]}
    b = {"options": [{"box": [10, 5, 60, 20]}, {"box": [10, 30, 60, 45]}],
         "within": [0, 0, 100, 100]}
    c = {"options": [{"box": [0, 0, 50, 15]}], "within": [0, 0, 100, 100]}
    assert page.evaluate(PLACE, [[a, b, c], [], 10]) == [[0, 0], [1, 1]]  # b moves, c is out
    assert page.evaluate(PLACE, [[c, a], [], 10]) == [[0, 0]]
    assert page.evaluate(PLACE, [[a, b], [], 1]) == [[0, 0]]
    # A reserved box (a level letter) is never covered, and touching is not overlapping.
    assert page.evaluate(PLACE, [[a], [[40, 10, 54, 28]], 10]) == []
    assert page.evaluate(PLACE, [[a], [[50, 0, 64, 18]], 10]) == [[0, 0]]
    # Outside its area's box, a name is left out even with the space free.
    out = {"options": [{"box": [90, 0, 140, 15]}], "within": [0, 0, 100, 100]}
    assert page.evaluate(PLACE, [[out], [], 10]) == []


@pytest.mark.parametrize(("name", "short"), [
    ("Phường Văn Quán", "P. Văn Quán"), ("Xã Tân Nhựt", "X. Tân Nhựt"),
    ("Thị trấn Củ Chi", "TT. Củ Chi"), ("Quận Hà Đông", "Q. Hà Đông"),
    ("Huyện Bình Chánh", "H. Bình Chánh"), ("Tổ dân phố 4", "TDP 4"),
    ("Khu phố 3", "KP 3"), ("Ấp 2", "Ấp 2"), ("Phường 12", "P. 12"),
    ("<b>Phường</b>", "<b>Phường</b>"),
])
def test_short_names(page, name, short):
    assert page.evaluate("n => VX.labels.shortName(n)", name) == short
