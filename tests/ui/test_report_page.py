"""The periodic reports page in Streamlit's AppTest: it previews the very document the
files hold (same sections, same numbers as data/reports.gather), follows the scope and
period chosen, offers the three downloads, and speaks English too."""

from __future__ import annotations

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from data.config.policy_files import load_policy
from data.demo.city import generate_demo, load_demo
from data.reports.compose import compose
from data.reports.layout import Para
from data.reports.run import gather
from data.store.database import Store
from ui.pages.reports import period_arg, plain

END = dt.date(2021, 9, 30)
POLICY = load_policy()


def _script():
    import os

    from ui import common
    from ui.pages import reports as reports_page

    reports_page.render(common.get_store(common.db_url()), os.environ["REPORT_TEST_LANG"])


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('page') / 'demo.db'}"
    store = Store(url)
    load_demo(store, generate_demo(wards=3, blocks_per_ward=2, days=12, end=END, policy=POLICY))
    store.dispose()
    return url


def _page(monkeypatch, url: str, lang: str = "vi") -> AppTest:
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("REPORT_TEST_LANG", lang)
    return AppTest.from_function(_script, default_timeout=90).run()


def _paragraphs(url: str, scope: str, period: str, lang: str = "vi") -> list[str]:
    store = Store(url)
    try:
        content = gather(store, POLICY, scope, period)
    finally:
        store.dispose()
    doc = compose(content, lang, policy=POLICY, map_png=None,
                  generated_at=dt.datetime(2021, 10, 1, 8, 0))
    return [plain(b.text) for b in doc.body if isinstance(b, Para) and b.style == "body"]


def test_preview_is_the_report(monkeypatch, demo_url):
    at = _page(monkeypatch, demo_url)
    assert not at.exception, at.exception
    assert at.subheader[0].value == "1. Cấp độ vùng cuối kỳ (ngày 30/09/2021)"
    shown = [m.value for m in at.markdown]
    expected = _paragraphs(demo_url, "city", "day:2021-09-30")
    # Every paragraph but the generation time, which is the page's own.
    assert {p for p in expected if "lập tự động" not in p} <= set(shown)
    assert len(at.get("download_button")) == 3
    assert at.dataframe[0].value.iloc[0, 0] == "Vùng xanh"


def test_choosing_a_district_and_a_week(monkeypatch, demo_url):
    at = _page(monkeypatch, demo_url)
    at.radio(key="rep_scope").set_value("district").run()
    at.selectbox(key="rep_district").set_value("901")
    at.radio(key="rep_period").set_value("week")
    at.date_input(key="rep_day").set_value(dt.date(2021, 9, 22)).run()
    assert not at.exception, at.exception
    assert "(ngày 26/09/2021)" in at.subheader[0].value  # the end of ISO week 38
    shown = [m.value for m in at.markdown]
    assert _paragraphs(demo_url, "district:901", "week:2021-W38")[1] in shown


def test_english(monkeypatch, demo_url):
    at = _page(monkeypatch, demo_url, "en")
    assert not at.exception, at.exception
    assert at.subheader[0].value.startswith("1. Zone levels at the end of the period")
    assert at.dataframe[0].value.iloc[0, 0] == "Green"


@pytest.mark.parametrize(("kind", "day", "text"), [
    ("day", dt.date(2021, 9, 30), "day:2021-09-30"),
    ("week", dt.date(2021, 9, 22), "week:2021-W38"),
    ("week", dt.date(2021, 1, 2), "week:2020-W53"),
    ("month", dt.date(2021, 9, 22), "month:2021-09"),
])
def test_period_of_a_picked_day(kind, day, text):
    assert period_arg(kind, day) == text


def test_place_names_are_not_markdown():
    assert plain("Phường *Một* [x](javascript:alert(1))") == (
        r"Phường \*Một\* \[x\]\(javascript:alert\(1\)\)")
