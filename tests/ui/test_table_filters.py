"""The table view (/table) under combined filters (issue #21, finding 2): a district from
the URL with a search, a kind or a link's area shows exactly the rows that match all of
them, and never crashes. Under pandas' copy-on-write a mask from `Series.to_numpy()` is
a read-only view, so the page must combine masks without writing into one.

Three levels: table_rows on the demo city's MapData, the page in AppTest, and the page in
Debian's Chromium (`browser` mark)."""

from __future__ import annotations

import logging
import re
from html import unescape

import pytest
from streamlit.testing.v1 import AppTest

from data.config.policy_files import load_policy
from data.store.database import Store
from data.store.map_files import map_files
from geo.webmap.payload import search_texts
from tests.support.apptest import TIMEOUT, goto
from tests.support.browser import (
    ARTIFACTS,
    END,
    ROOT,
    demo_store,
    streamlit_process,
)
from ui import state
from ui.map_data import MapData, districts_of, in_scope
from ui.pages.table import table_rows

# The demo city (tests.support.apptest.demo): district 901 holds wards 90001-90002,
# district 902 wards 90003-90004, each ward five blocks TDP01…TDP05.
D902_BLOCKS = [f"{w}/TDP0{b}" for w in ("90003", "90004") for b in range(1, 6)]
CASES = [  # (district, search, kind, area) → the codes shown, in the areas' order
    (("902", "TDP0", "all", ""), D902_BLOCKS),
    (("902", "tdp03", "all", ""), ["90003/TDP03", "90004/TDP03"]),
    (("902", "90003", "all", ""), ["90003"]),  # the ward, not its blocks
    (("902", "90001", "all", ""), []),  # a ward of the other district
    (("902", "", "block", ""), D902_BLOCKS),
    (("902", "", "ward", ""), ["90003", "90004"]),
    (("902", "TDP02", "block", ""), ["90003/TDP02", "90004/TDP02"]),
    (("901", "", "all", "90002/TDP04"), ["90002/TDP04"]),  # a link's area
    (("", "TDP05", "all", ""), [f"9000{w}/TDP05" for w in range(1, 5)]),
]
# A row: the name (its header), level, source and stale cells, then the code.
_CODE_CELL = re.compile(r"<tr><th scope='row'>[^<]*</th>(?:<td[^>]*>[^<]*</td>){3}<td>([^<]*)</td>")


@pytest.fixture
def map_data(demo) -> MapData:
    """The demo city's MapData, made as ui.map_data.map_data makes it (minus the files
    published to the page, which the table does not read)."""
    store = Store(demo)
    try:
        areas = store.areas()
        made = map_files(store, areas, load_policy())
    finally:
        store.dispose()
    is_ward = (areas["area_type"] == "ward").to_numpy()
    return MapData(areas, made, {}, search_texts(areas), is_ward, districts_of(areas), 0)


@pytest.mark.parametrize(("filters", "codes"), CASES)
def test_table_rows_combine_every_filter(map_data, filters, codes):
    district, search, kind, area = filters
    f = state.Filters(END, district, search, area)
    scope_before = in_scope(map_data, f).copy()
    rows = table_rows(map_data, f, kind, "vi")
    assert rows["code"].tolist() == codes
    if district:
        assert (rows["district_code"] == district).all()
    assert (in_scope(map_data, f) == scope_before).all()  # the shared data is unchanged


def test_a_read_only_scope_is_not_written(map_data):
    """The mask in_scope gives for a district is read-only (a view of pandas data):
    table_rows combines it with the search without writing into it."""
    f = state.Filters(END, "902", "TDP0", "")
    assert not in_scope(map_data, f).flags.writeable  # what made the page crash
    assert table_rows(map_data, f, "all", "vi")["code"].tolist() == D902_BLOCKS


# ---- the page in AppTest ---------------------------------------------------------------


@pytest.fixture
def log_file(monkeypatch, tmp_path):
    """The dashboard's incident log in tmp_path (a page's traceback is written there)."""
    path = tmp_path / "vungxanh.log"
    monkeypatch.setenv("VUNGXANH_LOG_FILE", str(path))
    monkeypatch.setattr(logging.getLogger("vungxanh"), "handlers", [])
    return path


def _table_page(monkeypatch, url: str, district: str) -> AppTest:
    """The app opened at /table?district=<district>, as a link opens it."""
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("VUNGXANH_TILES", raising=False)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.query_params["district"] = district
    return goto(at, "table")


def _shown_codes(at: AppTest) -> list[str]:
    """The codes of the table's rows, sorted (the page orders them by the sort widget)."""
    tables = [h.proto.body for h in at.get("html") if "vx-table" in h.proto.body]
    assert len(tables) == 1, "expected the page's one table"
    return sorted(unescape(c) for c in _CODE_CELL.findall(tables[0]))


def _no_failure(at: AppTest, log_file) -> None:
    log = log_file.read_text(encoding="utf-8") if log_file.exists() else ""
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error] + [log]


@pytest.mark.parametrize(("search", "codes"), [
    ("TDP0", D902_BLOCKS), ("tdp03", ["90003/TDP03", "90004/TDP03"])])
def test_page_with_district_and_search(monkeypatch, demo, log_file, search, codes):
    at = _table_page(monkeypatch, demo, "902")
    _no_failure(at, log_file)
    assert at.session_state[state.DISTRICT] == "902"
    assert len(_shown_codes(at)) == 12  # the district's 2 wards and 10 blocks
    at.text_input(key="table_search").input(search).run()
    _no_failure(at, log_file)
    assert _shown_codes(at) == codes


def test_page_with_district_and_kind(monkeypatch, demo, log_file):
    at = _table_page(monkeypatch, demo, "902")
    at.radio(key="table_kind").set_value("block").run()
    _no_failure(at, log_file)
    assert _shown_codes(at) == D902_BLOCKS
    at.text_input(key="table_search").input("TDP04").run()
    _no_failure(at, log_file)
    assert _shown_codes(at) == ["90003/TDP04", "90004/TDP04"]


# ---- the page in Chromium --------------------------------------------------------------


@pytest.mark.browser
def test_browser_district_link_then_search(chromium, tmp_path):
    from playwright.sync_api import expect

    url = f"sqlite:///{tmp_path / 'table.db'}"
    demo_store(url).dispose()
    ARTIFACTS.mkdir(exist_ok=True)
    env = {"VUNGXANH_LOG_FILE": str(tmp_path / "vungxanh.log")}
    with streamlit_process(url, ARTIFACTS / "streamlit-table-filters.log", env=env) as (
            _proc, base, _start):
        page = chromium.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(90_000)
        page.goto(f"{base}/table?district=902&date={END}")
        rows = page.locator("table.vx-table tbody tr")
        expect(rows).to_have_count(12, timeout=90_000)
        search = page.get_by_role("textbox", name="Tìm phường hoặc tổ dân phố")
        search.fill("TDP0")
        search.press("Enter")
        expect(rows).to_have_count(len(D902_BLOCKS), timeout=90_000)
        codes = page.locator("table.vx-table tbody tr td:nth-child(5)").all_inner_texts()
        assert sorted(codes) == D902_BLOCKS
        expect(page.get_by_text("Mã tham chiếu")).to_have_count(0)
        expect(page.get_by_text("read-only")).to_have_count(0)
        page.screenshot(path=str(ARTIFACTS / "table-district-search.png"))
        page.close()
    assert not (tmp_path / "vungxanh.log").exists()
