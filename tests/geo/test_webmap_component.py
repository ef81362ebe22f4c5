"""The zone map component's page (ui/components/vxmap, built by geo.webmap.assets): every
file inlined so it fetches nothing from outside, stored text never written as HTML, its
data files named by content; and the level cell's bit layout written down once
(geo.webmap.history): Python packs and unpacks cells with its names, the page is given the
same numbers as `VX.LAYOUT`, and its script holds no mask, shift or detail field list of
its own."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from geo.webmap import history
from geo.webmap.assets import AssetError, build_component, component_page, leaflet_js, write_content
from tests.support.checks import external_refs
from ui.components.vxmap import SOURCE_DIR, page_slots
from zones.effective import SOURCES
from zones.levels import RANKED

# What would be the layout written out by hand: `& 7`, `& 0x08`, `>> 4`, `<< 4`, `& 3`
# and the detail fields as a literal list.
BARE = re.compile(r"&\s*(0x)?0*[3478]\b|>>>?\s*\d|<<\s*\d|[\"']cases7[\"']\s*,")
LAYOUT = re.compile(r"window\.VX\.LAYOUT = Object\.freeze\((\{.*?\})\);")


def test_the_cell_holds_every_rank_and_source_in_bits_apart():
    assert len(RANKED) <= history.RANK_MASK + 1
    assert len(SOURCES) <= history.SOURCE_MASK + 1
    source_bits = history.SOURCE_MASK << history.SOURCE_SHIFT
    assert history.RANK_MASK & history.STALE_BIT == 0
    assert (history.RANK_MASK | history.STALE_BIT) & source_bits == 0
    assert (history.RANK_MASK | history.STALE_BIT | source_bits) <= 0xFF


def test_cells_pack_and_unpack_with_the_named_bits():
    rank = np.array([0, 1, 4, len(RANKED) - 1])
    stale = np.array([True, False, True, False])
    source = np.array([len(SOURCES) - 1, 0, 2, 1])
    codes = history.cell_codes(rank, stale, source)
    assert codes.dtype == np.uint8
    assert list(history.level_codes(codes)) == [RANKED[r] for r in rank]
    assert list((codes & history.STALE_BIT) > 0) == list(stale)
    assert list((codes >> history.SOURCE_SHIFT) & history.SOURCE_MASK) == list(source)


def test_the_page_is_given_the_python_layout(tmp_path):
    folder = build_component(SOURCE_DIR, tmp_path, page_slots())
    html = (folder / "index.html").read_text(encoding="utf-8")
    found = LAYOUT.findall(html)
    assert len(found) == 1
    written = json.loads(found[0])
    assert written == history.CELL_LAYOUT
    assert written == {"rankMask": history.RANK_MASK, "staleBit": history.STALE_BIT,
                       "sourceShift": history.SOURCE_SHIFT, "sourceMask": history.SOURCE_MASK,
                       "none": history.NONE, "detailFields": list(history.DETAIL_FIELDS)}
    # Before every script of the component that reads it.
    first_use = min(html.index(f"/* {line}") for line in _first_comment_lines())
    assert html.index("window.VX.LAYOUT") < first_use


def _first_comment_lines() -> list[str]:
    lines = []
    for path in SOURCE_DIR.glob("*.js"):
        head = path.read_text(encoding="utf-8").split("\n", 1)[0]
        assert head.startswith("/* "), path
        lines.append(head.removeprefix("/* "))
    return lines


@pytest.mark.parametrize("path", sorted(SOURCE_DIR.glob("*.js")), ids=lambda p: p.name)
def test_the_script_has_no_bare_masks_or_shifts(path):
    code = path.read_text(encoding="utf-8")
    code = re.sub(r"//.*$|/\*.*?\*/", "", code, flags=re.M | re.S)  # comments may say `& 7`
    assert BARE.findall(code) == [], path.name


def test_the_check_would_catch_a_bare_mask():
    for bare in ("code & 7", "code&0x08", "(code >> 4) & 3", "x << 4",
                 'var F = ["since", "cases7", "cases14"]'):
        assert BARE.search(bare), bare
    for named in ("code & LAYOUT.rankMask", "(code >> LAYOUT.sourceShift) & LAYOUT.sourceMask",
                  "a && b", "i % 2"):
        assert not BARE.search(named), named


def test_the_page_cannot_be_built_without_the_layout(tmp_path):
    with pytest.raises(AssetError, match=r"layout\.js"):
        component_page(SOURCE_DIR, {"patterns": ""})


def test_component_page_inlines_everything(tmp_path):
    slots = page_slots() | {"patterns": "<svg id='p'></svg>"}
    folder = build_component(SOURCE_DIR, tmp_path, slots)
    html = (folder / "index.html").read_text(encoding="utf-8")
    assert "<!--SLOT:" not in html and leaflet_js()[:200] in html and "<svg id='p'>" in html
    assert external_refs(html) == []  # no <script src>/<link href> leaving the server
    assert "sourceMappingURL" not in html
    assert build_component(SOURCE_DIR, tmp_path, slots) == folder


def test_component_code_never_writes_text_as_html():
    """Names and notes go in with textContent; innerHTML is only ever read."""
    for path in SOURCE_DIR.glob("*.js"):
        code = path.read_text(encoding="utf-8")
        assert not re.search(r"innerHTML\s*=[^=]|insertAdjacentHTML|document\.write", code), path
    assert "<!--SLOT:main.js-->" in (SOURCE_DIR / "index.html").read_text(encoding="utf-8")


def test_content_files_are_named_by_content_and_pruned(tmp_path):
    names = [write_content(tmp_path, bytes([i]) * 10, "levels", keep=3) for i in range(5)]
    assert len(set(names)) == 5
    assert write_content(tmp_path, bytes([4]) * 10, "levels", keep=3) == names[4]
    assert len(list(tmp_path.glob("levels-*.bin"))) == 3


def test_a_slot_without_its_file_is_named(tmp_path):
    (tmp_path / "index.html").write_text("<script><!--SLOT:gone.js--></script>")
    with pytest.raises(AssetError, match=r"gone\.js"):
        component_page(tmp_path)
