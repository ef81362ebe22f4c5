"""The table page's order, cells and downloads (issue #17): worst first by default
(phong tỏa, đỏ, da cam, xanh, no data; then population), the level as a cell in its
colour with a readable label, the answer's columns first, and every row downloadable as
CSV and XLSX with the page's columns, headers in the interface's language, numbers and
dates as values. On the demo city's MapData, then the page in AppTest."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import openpyxl
import pytest
from streamlit.delta_generator import DeltaGenerator
from streamlit.testing.v1 import AppTest

from geo.level_cells import contrast
from i18n import t
from tests.support.apptest import TIMEOUT, goto
from tests.support.browser import END, ROOT, small_store
from tests.ui.test_table_filters import map_data  # noqa: F401 (a fixture)
from ui import state
from ui.pages.table import COLUMNS, WORST, export_frame, sort_rows, table_html, table_rows
from zones.levels import LEVELS, RANKED

WORST_FIRST = ["phong_toa", "do", "da_cam", "xanh", "unknown"]


def _rows(map_data, lang="vi"):  # noqa: F811
    return table_rows(map_data, state.Filters(END, "", "", ""), "all", lang)


def test_worst_first_is_severity_then_population(map_data):  # noqa: F811
    rows = sort_rows(_rows(map_data), WORST, False)
    assert sort_rows(_rows(map_data), WORST, True)["code"].tolist() == rows["code"].tolist()
    order = [WORST_FIRST.index(level) for level in rows["level"]]
    assert order == sorted(order) and len(set(rows["level"])) > 1
    for _, same in rows.groupby("level", sort=False):
        population = same["population"].tolist()
        assert population == sorted(population, reverse=True)


def test_level_sort_keeps_no_data_last_either_way(map_data):  # noqa: F811
    rows = _rows(map_data)
    rows.loc[rows.index[0], ["level", "level_rank"]] = ["unknown", None]
    for descending in (False, True):
        levels = sort_rows(rows, "level", descending)["level"].tolist()
        assert levels[-1] == "unknown"
        ranks = [RANKED.index(v) for v in levels[:-1]]
        assert ranks == sorted(ranks, reverse=descending)


def test_the_answer_columns_come_first():
    assert list(COLUMNS)[:3] == ["name", "level", "source"]


def test_the_level_is_a_coloured_cell_with_a_readable_label(map_data):  # noqa: F811
    rows = sort_rows(_rows(map_data), WORST, False)
    html = table_html(rows, "caption", WORST, False, "vi")
    cells = re.findall(r'<td class="lv" style="background:(#\w{6});color:(#\w{6})">([^<]*)<',
                       html)
    assert len(cells) == len(rows)
    for (fill, ink, text), level in zip(cells, rows["level"], strict=True):
        assert fill == LEVELS[level].colour and contrast(fill, ink) >= 4.5
        assert text.startswith(LEVELS[level].label_vi)
    assert re.search(r'<th scope="col" aria-sort=\'descending\'>Cấp độ</th>', html)
    first = re.search(r"<tbody><tr>(.*?)</tr>", html).group(1)
    assert first.startswith("<th scope='row'>")  # the area names its row


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_export_frame_has_the_page_columns_and_raw_values(map_data, lang):  # noqa: F811
    rows = sort_rows(_rows(map_data, lang), WORST, False)
    frame = export_frame(rows, lang)
    assert list(frame.columns) == [t(f"map.table.col.{k}", lang) for k in COLUMNS]
    col = {k: t(f"map.table.col.{k}", lang) for k in COLUMNS}
    assert frame[col["code"]].tolist() == rows["code"].tolist()  # the page's order
    assert frame[col["population"]].tolist() == rows["population"].tolist()
    assert all(isinstance(v, int | float) for v in frame[col["population"]])
    assert all(isinstance(v, dt.date) for v in frame[col["since"]] if v is not None)
    labels = {lv.label_vi if lang == "vi" else lv.label_en for lv in LEVELS.values()}
    assert set(frame[col["level"]]) <= labels
    blocks = rows["area_type"] == "block"
    assert frame[col["ward"]][~blocks.to_numpy()].isna().all()


# ---- the page in AppTest ---------------------------------------------------------------


@pytest.fixture
def downloads(monkeypatch) -> dict:
    """What each download button carries, by key (the table's are callables, made when a
    button is pressed)."""
    got = {}
    real = DeltaGenerator.download_button

    def record(self, label, data, *args, **kwargs):
        got[kwargs["key"]] = (label, data, kwargs.get("file_name"))
        return real(self, label, data, *args, **kwargs)

    monkeypatch.setattr(DeltaGenerator, "download_button", record)
    return got


def _open(monkeypatch, url: str, lang: str) -> AppTest:
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("VUNGXANH_TILES", raising=False)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.session_state["lang"] = lang  # the sidebar's language switch
    at.query_params["date"] = END.isoformat()
    return goto(at, "table")


@pytest.fixture
def small(tmp_path) -> str:
    """Five wards: four with levels that differ, one without data."""
    url = f"sqlite:///{tmp_path / 'small.db'}"
    small_store(url).dispose()
    return url


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_page_lists_worst_first_and_downloads_every_row(monkeypatch, small, downloads, lang):
    at = _open(monkeypatch, small, lang)
    assert not at.exception, at.exception
    assert at.selectbox(key="table_sort").value == WORST
    (html,) = [h.proto.body for h in at.get("html") if "vx-table" in h.proto.body]
    levels = re.findall(r'<td class="lv"[^>]*>([^<(]*) \(', html)
    rank = {(lv.label_vi if lang == "vi" else lv.label_en): WORST_FIRST.index(c)
            for c, lv in LEVELS.items()}
    assert len(levels) == 5 and [rank[v] for v in levels] == sorted(rank[v] for v in levels)
    label, make, name = downloads["table_csv"]
    assert label == t("table.download_csv", lang) and name.endswith(f"{END}.csv")
    data = make()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == [t(f"map.table.col.{k}", lang) for k in COLUMNS]
    assert [r[1] for r in rows[1:]] == levels
    xlsx_label, make_xlsx, _ = downloads["table_xlsx"]
    assert xlsx_label == t("table.download_xlsx", lang)
    book = openpyxl.load_workbook(io.BytesIO(make_xlsx()))
    sheet = book[t("table.sheet", lang)]
    cells = list(sheet.iter_rows(values_only=True))
    assert list(cells[0]) == rows[0] and len(cells) == len(rows)
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9
    xss = [r for r in cells[1:] if r[-1]]
    assert xss and all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


# ---- the page in Chromium at phone width -----------------------------------------------

ANSWER_EDGES = """() => {
  const row = document.querySelector('table.vx-table tbody tr');
  const cells = Array.from(row.children).slice(0, 3);
  const wrap = document.querySelector('.vx-table-wrap').getBoundingClientRect();
  return {narrowest: Math.min(...cells.map(c => c.getBoundingClientRect().width)),
          right: Math.max(...cells.map(c => c.getBoundingClientRect().right)),
          left: Math.min(...cells.map(c => c.getBoundingClientRect().left)),
          wrap: wrap.right, viewport: document.documentElement.clientWidth,
          page: document.documentElement.scrollWidth};
}"""


@pytest.mark.browser
def test_a_phone_sees_area_level_and_source_without_scrolling(chromium, tmp_path):
    """At 360 px the first row's area, level and source cells lie inside the screen (the
    table scrolls sideways for the rest, the page itself does not)."""
    from playwright.sync_api import expect

    from tests.support.browser import ARTIFACTS, demo_store, streamlit_process

    url = f"sqlite:///{tmp_path / 'phone.db'}"
    demo_store(url).dispose()
    ARTIFACTS.mkdir(exist_ok=True)
    env = {"VUNGXANH_LOG_FILE": str(tmp_path / "vungxanh.log")}
    with streamlit_process(url, ARTIFACTS / "streamlit-table-phone.log", env=env) as (
            _proc, base, _start):
        page = chromium.new_page(viewport={"width": 360, "height": 800})
        page.set_default_timeout(90_000)
        page.goto(f"{base}/table?date={END}")
        expect(page.locator("table.vx-table tbody tr").first).to_be_visible(timeout=90_000)
        page.locator("table.vx-table").scroll_into_view_if_needed()
        edges = page.evaluate(ANSWER_EDGES)
        page.screenshot(path=str(ARTIFACTS / "table-phone-360.png"), full_page=True)
        page.close()
    assert edges["left"] >= 0 and edges["right"] <= min(edges["wrap"], edges["viewport"]), edges
    assert edges["page"] <= 360, edges
    assert edges["narrowest"] >= 60, edges  # words on a line, not a letter a line
