"""The targets page on the default demo city (17 wards, 60 days to 30/09/2021, as the
dashboard's first start makes it): each card's badge, progress and bar colour come from
one status and one progress figure; the demo's own example targets show met, on track, at
risk and missed; the HCMC and Hà Nội targets are said not to apply; and the periodic
report gives the same status, value and progress as the page for the same day and scope."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from data.config.policy_files import load_policy, load_targets
from data.demo.city import generate_demo, load_demo
from data.reports.run import gather
from data.store.database import Store
from tests.support.apptest import TIMEOUT, goto
from tests.support.browser import ROOT
from ui.pages import targets as page

POLICY = load_policy()
LAST = dt.date(2021, 9, 30)


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('targets-demo') / 'demo.db'}"
    store = Store(url)
    load_demo(store, generate_demo(policy=POLICY))
    store.dispose()
    return url


def page_cards(url: str, as_of: dt.date) -> dict[str, dict]:
    """What the page's cards are drawn from (its own cached function)."""
    store = Store(url)
    try:
        return {p["id"]: p for p in page.progress(url, store.data_version(), as_of)}
    finally:
        store.dispose()


def test_the_demo_shows_every_status_and_not_the_other_cities(demo_url):
    cards = page_cards(demo_url, LAST)
    demo = {i: p["status"] for i, p in cards.items() if i.startswith("demo-")}
    assert set(demo.values()) == {"met", "on_track", "at_risk", "missed"}, demo
    foreign = {i: p for i, p in cards.items() if not i.startswith("demo-")}
    assert {p["status"] for p in foreign.values()} == {"not_applicable"}
    assert all(p["current"] is None and p["progress"] is None for p in foreign.values())
    # Earlier in its history the first phase is still running.
    early = page_cards(demo_url, dt.date(2021, 9, 1))
    assert {early[i]["status"] for i in demo if i.startswith("demo-a-")} <= {"on_track",
                                                                           "at_risk"}


def _app(monkeypatch, url: str) -> AppTest:
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("VUNGXANH_TILES", raising=False)
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()


def _bars(at: AppTest) -> list[tuple[int, str]]:
    """(fill %, colour) of each card's progress bar, in page order."""
    out = []
    for h in at.get("html"):
        m = re.search(r'class="vx-target-bar".*?width:(\d+)%;background:(#\w+)', h.proto.body)
        if m:
            out.append((int(m[1]), m[2]))
    return out


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_badge_progress_and_bar_agree_on_every_card(monkeypatch, demo_url, lang):
    # Before: the missed demo-a-green-wards card said "Không đạt" at "Tiến độ: 100 %"
    # under the same bar as a met target (progress came from today's value, the status
    # from the deadline's).
    at = goto(_app(monkeypatch, demo_url), "targets")
    if lang == "en":
        at.sidebar.radio(key="lang").set_value("en").run()
    assert not at.exception, at.exception
    cards = [p for p in page_cards(demo_url, LAST).values() if p["status"] != "not_applicable"]
    badges = [m.value for m in at.markdown if re.fullmatch(r":\w+-badge\[.*\]", m.value)
              and not m.value.startswith(":gray-")]
    progress_word = "Tiến độ" if lang == "vi" else "Progress"
    shown = [t.value for t in at.text if t.value.startswith(progress_word)]
    bars = _bars(at)
    assert len(badges) == len(shown) == len(bars) == len(cards) == 4
    for p, badge, text, (fill, colour) in zip(cards, badges, shown, bars, strict=True):
        status = p["status"]
        assert badge.startswith(f":{page.STATUS_COLOURS[status]}-badge[")
        assert colour == page.BAR_COLOURS[status]
        assert text == f"{progress_word}: {p['progress_percent']} %"
        assert fill == max(0, p["progress_percent"])
        assert (p["progress_percent"] == 100) == (status == "met"), p
    missed = next(p for p in cards if p["id"] == "demo-a-green-wards")
    assert missed["status"] == "missed" and missed["progress_percent"] < 100
    title = "Không áp dụng cho dữ liệu này (6)" if lang == "vi" else "Not applicable"
    assert at.expander and at.expander[0].label.startswith(title)
    said = [t.value for t in at.text if ("79" in t.value or "01" in t.value)]
    assert len(said) == 6  # each foreign target named with its province code


PERIODS = ["day:2021-09-01", "day:2021-09-05", "week:2021-W37", "day:2021-09-30",
           "month:2021-09"]
SCOPES = ["city", "province:99", "district:902", "ward:90001"]


@pytest.mark.parametrize("period", PERIODS)
def test_the_report_and_the_page_give_the_same_answer(demo_url, period):
    store = Store(demo_url)
    try:
        for scope in SCOPES:
            content = gather(store, POLICY, scope, period, targets=load_targets(),
                             today=dt.date(2021, 10, 1))
            cards = page_cards(demo_url, content.period.end)
            rows = content.targets.set_index("id")
            assert "not_applicable" not in set(rows["status"])
            # Every target of the demo whose phase overlaps the period, and only those.
            expected = {i for i, p in cards.items() if p["status"] != "not_applicable"
                        and p["start"] <= content.period.end.isoformat()
                        and p["deadline"] >= content.period.start.isoformat()}
            assert set(rows.index) == expected, (scope, period)
            for tid, row in rows.iterrows():
                p = cards[tid]
                assert row["status"] == p["status"], (scope, period, tid)
                assert row["current"] == pytest.approx(p["current"]), (scope, period, tid)
                if p["progress"] is None:  # before its phase: no start value yet
                    assert pd.isna(row["progress"]) and pd.isna(row["progress_percent"])
                else:
                    assert row["progress"] == pytest.approx(p["progress"])
                    assert row["progress_percent"] == p["progress_percent"]
    finally:
        store.dispose()


def test_the_trend_charts_mark_only_the_deadlines_that_apply(demo_url):
    from ui.pages.trends import deadline_frame

    store = Store(demo_url)
    try:
        areas = store.areas()
    finally:
        store.dispose()
    start, end = dt.date(2021, 8, 2), LAST
    everything = deadline_frame(start, end, "vi")
    here = deadline_frame(start, end, "vi", areas)
    assert "TP.HCM" in " ".join(everything["targets"])
    assert "TP.HCM" not in " ".join(here["targets"]) and "Hà Nội" not in " ".join(here["targets"])
    assert list(here["date"].dt.date) == [dt.date(2021, 9, 5)]  # the demo's phase A


@pytest.mark.browser
def test_the_cards_in_chromium(demo_url):
    """What only a browser shows: each bar drawn at its card's percentage in its status's
    colour (st.html keeps the style), on a desktop and a 360 px phone screen."""
    from tests.support.browser import ARTIFACTS, chromium_session, streamlit_server

    cards = [p for p in page_cards(demo_url, LAST).values() if p["status"] != "not_applicable"]
    session = chromium_session()
    browser = next(session)
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        with streamlit_server(demo_url, ARTIFACTS / "streamlit-targets.log") as base:
            for name, size in (("desktop", {"width": 1280, "height": 2000}),
                               ("phone", {"width": 360, "height": 3200})):
                tab = browser.new_page(viewport=size)
                tab.set_default_timeout(60_000)
                tab.goto(f"{base}/targets")
                tab.locator(".vx-target-bar").nth(len(cards) - 1).wait_for()
                bars = tab.locator(".vx-target-bar > div").evaluate_all(
                    "els => els.map(e => [e.getBoundingClientRect().width"
                    " / e.parentElement.getBoundingClientRect().width,"
                    " getComputedStyle(e).backgroundColor])")
                tab.screenshot(path=str(ARTIFACTS / f"targets-{name}.png"), full_page=True)
                tab.close()
                assert len(bars) == len(cards)
                for p, (share, colour) in zip(cards, bars, strict=True):
                    assert share == pytest.approx(max(0, p["progress_percent"]) / 100, abs=0.01)
                    hex_colour = page.BAR_COLOURS[p["status"]]
                    rgb = tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
                    assert colour == "rgb({}, {}, {})".format(*rgb)
    finally:
        session.close()
