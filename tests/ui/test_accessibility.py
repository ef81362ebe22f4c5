"""axe-core (bundled by axe-playwright-python, nothing fetched) finds no serious or
critical violation on any page of the dashboard, in Vietnamese and in English, at a
desktop's 1400 px and a phone's 360 px, in Debian's Chromium. Every page's full axe
result is kept in test-artifacts/axe/ for a person to read, minor findings included."""

from __future__ import annotations

import json

import pytest

from i18n import t as tr
from tests.support.browser import ARTIFACTS, demo_dashboard
from tests.support.page_walk import DESKTOP, PHONE, app_pages, walk

pytestmark = pytest.mark.browser
BLOCKING = {"serious", "critical"}
AXE_DIR = ARTIFACTS / "axe"


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory, chromium):
    """The small demo city behind a running dashboard: its base URL."""
    AXE_DIR.mkdir(parents=True, exist_ok=True)
    with demo_dashboard(tmp_path_factory.mktemp("a11y"), "a11y") as (base, _url):
        yield base


def blocking(violations: list[dict], where: str) -> list[str]:
    """One line per serious or critical violation: page, rule, impact, the elements."""
    return [f"{where}: {v['id']} ({v['impact']}) on "
            + "; ".join(" ".join(n["target"]) for n in v["nodes"][:5])
            + (f" … and {len(v['nodes']) - 5} more" if len(v["nodes"]) > 5 else "")
            for v in violations if v["impact"] in BLOCKING]


def test_blocking_lists_serious_and_critical_only():
    """The filter the walk below relies on: a serious violation is reported with its
    rule, impact and elements; a moderate one is not."""
    found = [{"id": "list", "impact": "serious", "nodes": [{"target": ["ul"]}]},
             {"id": "heading-order", "impact": "moderate", "nodes": [{"target": ["h3"]}]}]
    assert blocking(found, "vi 360 map") == ["vi 360 map: list (serious) on ul"]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1400px", "360px"])
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_no_serious_violation_on_any_page(chromium, dashboard, lang, viewport):
    from axe_playwright_python.sync_playwright import Axe

    axe, problems, seen = Axe(), [], []
    for path, page in walk(chromium, dashboard, lang, viewport):
        heading = page.locator("h1").first.inner_text()
        assert heading == tr(f"pages.nav.{path}", lang), f"{path} opened {heading!r}"
        result = axe.run(page).response
        name = f"{lang}-{viewport['width']}-{path}"
        (AXE_DIR / f"{name}.json").write_text(
            json.dumps({"url": page.url, "violations": result["violations"]},
                       ensure_ascii=False, indent=1), encoding="utf-8")
        problems += blocking(result["violations"], name)
        seen.append(path)
    assert seen == app_pages()
    assert not problems, "axe-core found:\n" + "\n".join(problems)
