"""A long note with no space in it wraps on the table page (issue #21, second probe): a
100,000-character note made the accessible table 596,721 px wide, one line. Long unbroken
text now breaks anywhere inside its cell, so the table stays about as wide as the window
(checked in Debian's Chromium, `browser` mark), and the whole note is still on the page.
"""

from __future__ import annotations

import pandas as pd
import pytest

from data.store.database import UploadMeta
from tests.support.browser import (
    ARTIFACTS,
    END,
    small_store,
    streamlit_process,
)
from ui.pages.table import _STYLE

NOTE = "x" * 100_000  # no space: nothing to break a line at
VIEWPORT = {"width": 1400, "height": 1000}
WIDTHS = """() => {
  const wrap = document.querySelector('.vx-table-wrap');
  return {wrap: wrap.clientWidth, table: wrap.scrollWidth,
          page: document.documentElement.scrollWidth,
          note: Math.max(...Array.from(document.querySelectorAll('.vx-table td.note'),
                                       td => td.getBoundingClientRect().width))};
}"""


def test_the_table_style_breaks_long_words_in_its_cells():
    assert "overflow-wrap:anywhere" in _STYLE and "word-break:break-word" in _STYLE
    assert "max-width" in _STYLE.split("td.note", 1)[1].split("}", 1)[0]


def _long_note_store(url: str) -> None:
    """small_store, then a later upload giving ward 90001 on END the long note."""
    store = small_store(url)
    rows = pd.DataFrame([{"ward_code": "90001", "block_code": "", "date": END,
                          "level": "xanh", "new_cases": 0, "tests_done": 5, "note": NOTE}])
    store.record_upload(UploadMeta("test", "long.csv", "1" * 64, 1), rows, {"warnings": []})
    store.dispose()


@pytest.mark.browser
def test_a_long_note_wraps_and_the_table_stays_near_the_window(chromium, tmp_path):
    from playwright.sync_api import expect

    url = f"sqlite:///{tmp_path / 'long.db'}"
    _long_note_store(url)
    ARTIFACTS.mkdir(exist_ok=True)
    env = {"VUNGXANH_LOG_FILE": str(tmp_path / "vungxanh.log")}
    with streamlit_process(url, ARTIFACTS / "streamlit-table-long-note.log", env=env) as (
            _proc, base, _start):
        page = chromium.new_page(viewport=VIEWPORT)
        page.set_default_timeout(90_000)
        page.goto(f"{base}/table?date={END}")
        expect(page.locator("table.vx-table tbody tr")).to_have_count(5, timeout=90_000)
        widths = page.evaluate(WIDTHS)
        page.screenshot(path=str(ARTIFACTS / "table-long-note.png"))
        text = page.locator("table.vx-table td.note").all_inner_texts()
        page.close()
    assert NOTE in text  # the whole note is shown, only wrapped
    assert widths["table"] <= 1.5 * VIEWPORT["width"], widths
    assert widths["page"] <= VIEWPORT["width"], widths  # the page itself does not scroll
    assert widths["note"] <= 40 * 16, widths  # the note column keeps to its max-width
    assert not (tmp_path / "vungxanh.log").exists()
