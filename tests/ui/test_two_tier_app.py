"""The dashboard on today's two-tier units: the demo built on hcmc_communes_2025 (168
communes, no districts), every page of app.PAGES rendered with AppTest."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from app import PAGES
from cli import main
from tests.support.apptest import TIMEOUT, goto
from tests.support.browser import ROOT

HCMC_2025 = "boundaries/hcmc_communes_2025.geojson"


@pytest.fixture(scope="module")
def two_tier_db(shared_data, tmp_path_factory) -> str:
    """The demo on the 168 communes of HCMC 2025, 3 blocks each, 20 days (built once)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('two_tier') / 'demo.db'}"
    code = main(["--db", url, "demo", "--boundaries", str(shared_data / HCMC_2025),
                 "--blocks-per-ward", "3", "--days", "20"])
    assert code == 0
    return url


def _app(monkeypatch, url: str) -> AppTest:
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("VUNGXANH_TILES", raising=False)
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()


@pytest.mark.parametrize("path", [p for _, p, _ in PAGES])
def test_every_page_renders_on_two_tiers(monkeypatch, two_tier_db, path):
    at = goto(_app(monkeypatch, two_tier_db), path)
    assert not at.exception, at.exception
    at.sidebar.radio(key="lang").set_value("en").run()
    assert not at.exception, at.exception
    # The schedule page may say areas go overdue; an unexpected error gives a reference.
    assert not [e.value for e in at.error if "Reference" in e.value]
    assert at.title[0].value  # the page drew its title, not only the frame


@pytest.mark.parametrize("path", ["map", "trends", "targets"])
def test_the_group_filter_is_the_province(monkeypatch, two_tier_db, path):
    at = goto(_app(monkeypatch, two_tier_db), path)
    labels = {s.label: s for s in at.selectbox}
    assert "Tỉnh/thành phố" in labels and "Quận/huyện" not in labels
    assert labels["Tỉnh/thành phố"].options == ["Toàn tỉnh/thành phố", "Thành phố Hồ Chí Minh"]
