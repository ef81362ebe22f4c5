"""The map in Chromium on today's two-tier units: the demo on hcmc_communes_2025 draws
its 168 communes, and the filter above it is the province's, not a district's."""

from __future__ import annotations

import pytest

from cli import main
from tests.support.browser import ARTIFACTS, streamlit_server

pytestmark = pytest.mark.browser
TIMEOUT_MS = 90_000


@pytest.fixture(scope="module")
def two_tier_dashboard(shared_data, tmp_path_factory, chromium):
    url = f"sqlite:///{tmp_path_factory.mktemp('two_tier') / 'demo.db'}"
    assert main(["--db", url, "demo", "--boundaries",
                 str(shared_data / "boundaries/hcmc_communes_2025.geojson"),
                 "--blocks-per-ward", "2", "--days", "10"]) == 0
    ARTIFACTS.mkdir(exist_ok=True)
    with streamlit_server(url, ARTIFACTS / "streamlit-two-tier.log") as base:
        yield base


def test_the_map_draws_the_168_communes(chromium, two_tier_dashboard):
    from playwright.sync_api import expect

    page = chromium.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{two_tier_dashboard}/map", timeout=TIMEOUT_MS)  # the root is the morning view
    frame = page.wait_for_selector('iframe[src*="vxmap"]', timeout=TIMEOUT_MS).content_frame()
    frame.wait_for_function("window.vx && vx.S.cube && vx.counts().wards > 0",
                            timeout=TIMEOUT_MS)
    expect(frame.locator("path.vx-ward")).to_have_count(168)
    expect(frame.locator(".vx-legend")).to_be_visible()
    # The group filter names the province tier: there are no districts to choose.
    expect(page.get_by_text("Tỉnh/thành phố", exact=True)).to_be_visible()
    assert page.get_by_text("Quận/huyện", exact=True).count() == 0
    page.screenshot(path=str(ARTIFACTS / "map-two-tier-hcmc-2025.png"), full_page=True)
    page.close()
