"""The dashboard says a refused request (zones.problems.Unsaid) in the page's language: the
schedule and reports pages show its Vietnamese text, or its English one in English."""

from __future__ import annotations

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from tests.support.browser import demo_store
from zones.problems import Unsaid


def _schedule_page():
    import os

    from data.store.database import Store
    from ui.pages import schedule

    schedule.render(Store(os.environ["DATABASE_URL"]), os.environ["VX_LANG"])


def _reports_page():
    import os

    from data.store.database import Store
    from ui.pages import reports

    reports.render(Store(os.environ["DATABASE_URL"]), os.environ["VX_LANG"])


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('page-messages') / 'demo.db'}"
    demo_store(url, wards=2, blocks_per_ward=3, days=20).dispose()
    return url


def _refuse(*_args, **_kwargs):
    raise Unsaid("request.capacity.no_row", column="district_code", codes="['902']")


def _not_begun(*_args, **_kwargs):
    raise Unsaid("request.period.not_begun", period="day:2021-10-01",
                 start=dt.date(2021, 10, 1), last=dt.date(2021, 9, 30))


@pytest.mark.parametrize(("lang", "says"), [
    ("vi", "chưa có dòng công suất cho district_code ['902']: hãy thêm một dòng cho mỗi mã"),
    ("en", "no capacity row for district_code ['902']: add a row for each"),
])
def test_the_schedule_page_says_a_refusal_in_its_language(monkeypatch, demo_url, lang, says):
    from ui.pages import schedule

    monkeypatch.setattr(schedule, "schedule_as_of", _refuse)
    monkeypatch.setenv("DATABASE_URL", demo_url)
    monkeypatch.setenv("VX_LANG", lang)
    at = AppTest.from_function(_schedule_page, default_timeout=120).run()
    assert not at.exception
    assert len(at.error) == 1 and says in at.error[0].value
    assert ("add a row" in at.error[0].value) == (lang == "en")


@pytest.mark.parametrize(("lang", "says"), [
    ("vi", "Không lập được báo cáo: kỳ báo cáo day:2021-10-01 bắt đầu ngày 2021-10-01"),
    ("en", "period day:2021-10-01 starts 2021-10-01, after 2021-09-30: nothing to report yet"),
])
def test_the_reports_page_says_a_refusal_in_its_language(monkeypatch, demo_url, lang, says):
    from ui.pages import reports

    monkeypatch.setattr(reports, "gather", _not_begun)
    monkeypatch.setenv("DATABASE_URL", demo_url)
    monkeypatch.setenv("VX_LANG", lang)
    at = AppTest.from_function(_reports_page, default_timeout=120).run()
    assert not at.exception
    assert len(at.error) == 1 and says in at.error[0].value
    assert ("nothing to report" in at.error[0].value) == (lang == "en")
