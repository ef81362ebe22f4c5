"""The schedule page in Streamlit's AppTest: the plan, the shortfall shown first when
capacity is short, the three downloads, and marking a round done."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from data.store.database import Store
from tests.support.browser import demo_store


def _page():
    import os

    from data.store.database import Store
    from ui.pages import schedule as schedule_page

    schedule_page.render(Store(os.environ["DATABASE_URL"]), os.environ.get("VX_LANG", "vi"))


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('sched-page') / 'demo.db'}"
    demo_store(url, wards=4, blocks_per_ward=5, days=30).dispose()
    return url


def _run(monkeypatch, url: str, lang: str = "vi") -> AppTest:
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("VX_LANG", lang)
    at = AppTest.from_function(_page, default_timeout=120)
    return at.run()


def test_enough_capacity_shows_a_feasible_plan(monkeypatch, demo_url):
    at = _run(monkeypatch, demo_url)
    assert not at.exception
    assert at.success and "đáp ứng mọi tần suất" in at.success[0].value
    assert not at.error
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["Tải CSV", "Tải XLSX", "Tải lịch (iCalendar)"]


def test_small_capacity_puts_the_shortfall_first(monkeypatch, demo_url):
    at = _run(monkeypatch, demo_url, "en")
    at.number_input[1].set_value(500).run()  # capacity per day
    assert not at.exception
    assert at.error and "go overdue" in at.error[0].value
    assert at.warning and "more samples a day" in at.warning[0].value
    overdue = at.dataframe[0].value
    assert len(overdue) > 0 and (overdue["Days overdue"] > 0).all()
    reasons = {"Sampled late", "Not sampled within the horizon",
               "Larger than a day's sampling capacity: cannot be sampled"}
    assert set(overdue["Reason"]) <= reasons and overdue["Reason"].notna().all()


def test_mark_a_round_done_records_it(monkeypatch, tmp_path):
    url = f"sqlite:///{tmp_path / 'mark.db'}"
    demo_store(url, wards=2, blocks_per_ward=3, days=20).dispose()
    at = _run(monkeypatch, url, "en")
    at.text_input[0].set_value("Trạm y tế")  # a form: values go with the submit
    at.button[0].click().run()
    assert not at.exception
    assert "Round recorded." in [s.value for s in at.success]
    store = Store(url)
    rounds = store.testing_rounds()
    store.dispose()
    assert len(rounds) == 1 and rounds.loc[0, "source"] == "dashboard"
