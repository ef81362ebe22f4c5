"""Every page on a 360 px phone, in Vietnamese and in English: nothing makes the page
scroll sideways, the first columns of each table (the area, its level, the reason) are
on screen and wide enough to read, and images and charts fit the screen. A screenshot
of each page is kept in test-artifacts/phone/ for a person to look at."""

from __future__ import annotations

import pytest

from tests.support.browser import ARTIFACTS, demo_dashboard
from tests.support.page_walk import PHONE, app_pages, walk

pytestmark = pytest.mark.browser
PHONE_DIR = ARTIFACTS / "phone"
READABLE_PX = 40  # a column narrower than this shows a letter or two of its header

# What sticks out of a 360 px screen, one line each. Streamlit scrolls the app inside
# stMain, not the document, so both are measured. A table may scroll sideways inside its
# own frame, but its first three columns must be on screen without that.
OVERFLOW_JS = """(readable) => {
  const width = window.innerWidth, out = [];
  const main = document.querySelector('[data-testid="stMain"]');
  const doc = document.documentElement;
  if (doc.scrollWidth > width) out.push(`document is ${doc.scrollWidth} px wide`);
  if (main.scrollWidth > main.clientWidth)
    out.push(`main content is ${main.scrollWidth} px wide`);
  const shown = e => e.getClientRects().length > 0;
  const name = e => (e.innerText || e.getAttribute('alt') || e.tagName).slice(0, 40);
  for (const table of main.querySelectorAll('table')) {
    if (!shown(table)) continue;
    const row = table.tHead ? table.tHead.rows[0] : table.rows[0];
    if (!row) continue;
    for (const cell of [...row.cells].slice(0, 3)) {
      const r = cell.getBoundingClientRect();
      if (r.right > width + 1) out.push(`column "${name(cell)}" ends at ${r.right} px`);
      if (r.width < readable) out.push(`column "${name(cell)}" is ${r.width} px wide`);
    }
  }
  const boxes = main.querySelectorAll('img, [data-testid="stDataFrame"], '
    + '[data-testid="stVegaLiteChart"], iframe');
  for (const box of boxes) {
    if (!shown(box)) continue;
    const r = box.getBoundingClientRect();
    if (r.right > width + 1 || r.left < -1)
      out.push(`${box.dataset.testid || box.tagName} "${name(box)}" spans ${r.left}-${r.right} px`);
  }
  // A chart's legend and axis labels are cut where they leave its drawing; a glyph's
  // box is a few px wider than its ink (a rotated axis title's most of all).
  for (const svg of main.querySelectorAll('[data-testid="stVegaLiteChart"] svg')) {
    const frame = svg.getBoundingClientRect();
    for (const text of svg.querySelectorAll('text')) {
      const r = text.getBoundingClientRect();
      if (r.width && (r.right > frame.right + 4 || r.left < frame.left - 4))
        out.push(`chart text "${text.textContent}" is cut at the chart's edge`);
    }
  }
  return out;
}"""


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory, chromium):
    """The small demo city behind a running dashboard: its base URL."""
    PHONE_DIR.mkdir(parents=True, exist_ok=True)
    with demo_dashboard(tmp_path_factory.mktemp("phone"), "phone") as (base, _url):
        yield base


def test_overflow_check_sees_a_wide_table(chromium):
    """The check itself: content wider than the screen, a first column off the screen
    and a column too narrow to read are each reported."""
    page = chromium.new_page(viewport=PHONE)
    page.set_content("""<div data-testid="stMain" style="overflow:auto">
      <table><thead><tr><th style="min-width:500px">Tên</th><th>Cấp độ</th></tr></thead>
      </table></div>""")
    found = page.evaluate(OVERFLOW_JS, READABLE_PX)
    page.close()
    assert "main content is 540 px wide" in found, found
    assert any(f.startswith('column "Cấp độ" ends at') for f in found), found
    assert any(f.startswith('column "Cấp độ" is 32') for f in found), found


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_page_fits_a_phone(chromium, dashboard, lang):
    problems, seen = [], []
    for path, page in walk(chromium, dashboard, lang, PHONE):
        page.screenshot(path=str(PHONE_DIR / f"{lang}-{path}.png"), full_page=True)
        problems += [f"{lang} {path}: {p}" for p in page.evaluate(OVERFLOW_JS, READABLE_PX)]
        seen.append(path)
    assert seen == app_pages()
    assert not problems, "on a 360 px phone:\n" + "\n".join(problems)
