"""The schedule page in Streamlit's AppTest: the plan, the shortfall shown first when
capacity is short, the three downloads (in the interface's language, each listing every
overdue area the page lists: issue #17), and marking a round done."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from icalendar import Calendar
from streamlit.delta_generator import DeltaGenerator
from streamlit.testing.v1 import AppTest

from data.exports.schedule_tables import CSV_COLUMNS, headers
from data.store.database import Store
from i18n import t
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


# ---- issue #17: the downloads list every overdue area the page lists -------------------


@pytest.fixture(scope="module")
def full_demo_url(tmp_path_factory):
    """The default demo city (to 2021-09-30): at the page's defaults (14 days, 20,000
    samples a day) 24 areas go overdue, four of them left out of the horizon."""
    from data.demo.city import generate_demo, load_demo

    url = f"sqlite:///{tmp_path_factory.mktemp('sched-full') / 'demo.db'}"
    store = Store(url)
    load_demo(store, generate_demo())
    store.dispose()
    return url


@pytest.fixture
def downloads(monkeypatch) -> dict:
    """The bytes each download button of a run carries, by key (AppTest keeps only a
    media URL it cannot serve)."""
    got = {}
    real = DeltaGenerator.download_button

    def record(self, label, data, *args, **kwargs):
        got[kwargs["key"]] = data
        return real(self, label, data, *args, **kwargs)

    monkeypatch.setattr(DeltaGenerator, "download_button", record)
    return got


def _page_lists(at: AppTest, lang: str) -> dict[str, tuple[int, str]]:
    """The page's overdue table: area key → (days overdue, reason)."""
    shown = at.dataframe[0].value
    col = {k: t(f"schedule.col.{k}", lang) for k in ("overdue_days", "reason")}
    return {code: (int(days), reason) for code, days, reason in zip(
        shown[t("map.table.col.code", lang)], shown[col["overdue_days"]], shown[col["reason"]],
        strict=True)}


def _key(ward: str, block: str | None) -> str:
    return f"{ward}/{block}" if block else ward


def _csv_lists(data: bytes, lang: str) -> dict[str, tuple[int, str]]:
    """Area key → (days overdue summed over its rows, reason) of the rows with a reason."""
    name = dict(zip(CSV_COLUMNS, CSV_COLUMNS, strict=True)) if lang == "en" else headers(lang)
    out: dict[str, tuple[int, str]] = {}
    for row in csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")):
        if row[name["reason"]]:
            key = _key(row[name["ward_code"]], row[name["block_code"]])
            days = out.get(key, (0, ""))[0] + int(row[name["overdue_days"]])
            out[key] = (days, row[name["reason"]])
    return out


def _xlsx_lists(data: bytes, lang: str) -> dict[str, tuple[int, str]]:
    """The overdue sheet: area key → (days overdue, reason)."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    rows = list(book[t("export.schedule.overdue_sheet", lang)].iter_rows(values_only=True))
    head = {h: i for i, h in enumerate(rows[0])}
    col = headers(lang)
    return {_key(r[head[col["ward_code"]]], r[head[col["block_code"]]]):
            (r[head[col["overdue_days"]]], r[head[col["reason"]]]) for r in rows[1:]}


def _ics_lists(data: bytes) -> set[str]:
    cal = Calendar.from_ical(data)
    (event,) = [e for e in cal.walk("VEVENT") if str(e["UID"]).startswith("overdue.")]
    return {line.partition(" · ")[0] for line in str(event["DESCRIPTION"]).split("\n")
            if " · " in line}


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_download_lists_every_overdue_area_the_page_lists(
        monkeypatch, full_demo_url, downloads, lang):
    at = _run(monkeypatch, full_demo_url, lang)
    assert not at.exception
    page = _page_lists(at, lang)
    assert len(page) == 24 and page["90001/TDP04"][0] == 3  # the example
    assert t("schedule.reason.not_sampled_in_horizon", lang) in {r for _, r in page.values()}
    reasons = {k: r for k, (_, r) in page.items()}
    csv_rows = _csv_lists(downloads["dl-csv"], lang)
    assert {k: d for k, (d, _) in csv_rows.items()} == {k: d for k, (d, _) in page.items()}
    if lang == "vi":  # Vietnamese labels, as the page shows them
        assert {k: r for k, (_, r) in csv_rows.items()} == reasons
    else:  # the contract: reason codes
        codes = {t(f"schedule.reason.{c}", "en"): c for c in (
            "sampled_late", "not_sampled_in_horizon", "larger_than_daily_capacity")}
        assert {k: r for k, (_, r) in csv_rows.items()} == {
            k: codes[r] for k, r in reasons.items()}
    assert _xlsx_lists(downloads["dl-xlsx"], lang) == page
    assert _ics_lists(downloads["dl-ics"]) == set(page)
