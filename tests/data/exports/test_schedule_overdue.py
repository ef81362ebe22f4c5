"""Issue #17: every schedule export lists every area the schedule page lists as overdue
(the page shows `plan.overdue`, ui/pages/schedule.py `_shortfall`), with its days overdue
and the reason, including the areas that get no round at all within the horizon.

On the demo city as of 2021-09-30, 14 days, 20,000 samples a day, 24 areas go overdue and
four of them (90001/TDP04 among them) are owed a round the horizon has no room for.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pytest
from icalendar import Calendar

from data.config.policy_files import load_policy
from data.exports.schedule import schedule_csv, schedule_ics, schedule_xlsx
from data.exports.schedule_tables import OVERDUE_SHEET
from data.services.figures import schedule_as_of
from data.store.database import Store
from tests.data.exports.test_schedule import AS_OF as GOLDEN_AS_OF
from tests.data.exports.test_schedule import HOSTILE, POLICY, _areas, _rounds
from zones.schedule import plan_schedule

AS_OF = dt.date(2021, 9, 30)
NOT_SAMPLED = "not_sampled_in_horizon"


@pytest.fixture(scope="module")
def plan(tmp_path_factory):
    """The plan the schedule page builds on the demo city (default size)."""
    from data.demo.city import generate_demo, load_demo

    store = Store(f"sqlite:///{tmp_path_factory.mktemp('overdue') / 'demo.db'}")
    try:
        load_demo(store, generate_demo())
        yield schedule_as_of(store, AS_OF, load_policy(), days=14, capacity=20_000)
    finally:
        store.dispose()


def _page(plan) -> dict[tuple[str, str], int]:
    """What the page lists: area key → days overdue."""
    return {(r.ward_code, r.block_code): int(r.overdue_days) for r in plan.overdue.itertuples()}


def _csv_rows(plan) -> list[dict[str, str]]:
    text = schedule_csv(plan).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_the_demo_plan_has_areas_the_horizon_cannot_cover(plan):
    page = _page(plan)
    assert len(page) == 24 and page[("90001", "TDP04")] == 3
    uncovered = plan.overdue[plan.overdue["owed_after_horizon"]]
    assert len(uncovered) >= 4


def test_csv_lists_every_overdue_area_with_its_days(plan):
    days: dict[tuple[str, str], int] = {}
    for r in _csv_rows(plan):
        if int(r["overdue_days"]) > 0 or r["reason"] == NOT_SAMPLED:
            key = (r["ward_code"], r["block_code"])
            days[key] = days.get(key, 0) + int(r["overdue_days"])
    assert days == _page(plan)  # the same areas, and per area the same days in all


def test_csv_row_of_an_area_without_a_round(plan):
    (row,) = [r for r in _csv_rows(plan) if (r["ward_code"], r["block_code"]) ==
              ("90001", "TDP04")]
    assert (row["date"], row["reason"], row["overdue_days"]) == ("", NOT_SAMPLED, "3")
    assert row["due_by"] and int(row["samples"]) > 0 and int(row["tubes"]) > 0
    assert row["policy_id"] == plan.policy_id and row["as_of"] == AS_OF.isoformat()


def test_xlsx_has_a_sheet_of_the_overdue_areas(plan):
    book = openpyxl.load_workbook(io.BytesIO(schedule_xlsx(plan)))
    assert OVERDUE_SHEET in book.sheetnames
    rows = list(book[OVERDUE_SHEET].iter_rows(values_only=True))
    head = rows[0]
    ward, block = head.index("Mã phường/xã"), head.index("Mã tổ dân phố")
    days = head.index("Số ngày quá hạn")
    got = {(r[ward], r[block] or ""): r[days] for r in rows[1:]}
    assert got == _page(plan)
    reasons = {r[head.index("Lý do quá hạn")] for r in rows[1:]}
    assert "Chưa được lấy mẫu trong kỳ kế hoạch" in reasons
    extra = head.index("Cần thêm mỗi ngày (phạm vi)")
    assert {r[extra] for r in rows[1:]} == set(plan.extra["extra_per_day"].astype(int))


def _overdue_event(cal):
    (event,) = [e for e in cal.walk("VEVENT") if str(e["UID"]).startswith("overdue.")]
    return event


def test_ics_lists_every_overdue_area(plan):
    cal = Calendar.from_ical(schedule_ics(plan))
    assert int(cal["X-VUNGXANH-OVERDUE-AREAS"]) == len(plan.overdue)
    assert int(cal["X-VUNGXANH-NOT-SAMPLED"]) == int(plan.overdue["owed_after_horizon"].sum())
    event = _overdue_event(cal)
    assert event.decoded("DTSTART") == AS_OF  # all-day, on the plan's first day
    lines = str(event["DESCRIPTION"]).split("\n")
    listed = {}
    for line in lines:
        key, sep, rest = line.partition(" · ")
        if sep:
            ward, _, block = key.partition("/")
            listed[(ward, block)] = rest
    assert set(listed) == set(_page(plan))
    assert "quá hạn 3 ngày" in listed[("90001", "TDP04")]
    assert "Chưa được lấy mẫu trong kỳ kế hoạch" in listed[("90001", "TDP04")]


@pytest.fixture(scope="module")
def hostile_plan():
    """No capacity at all: every area of the golden city goes unsampled."""
    areas = _areas()
    rounds = _rounds(areas, [1, 2, 4, 13, 5, 3, 10])
    return plan_schedule(areas, rounds, GOLDEN_AS_OF, POLICY, horizon=7, capacity=0)


def test_hostile_names_of_unsampled_areas_stay_inert(hostile_plan):
    assert hostile_plan.rounds.empty and len(hostile_plan.overdue) == 7
    names = {r["block_code"]: r["block_name"] for r in _csv_rows(hostile_plan)}
    assert names["TDP01"] == "'" + HOSTILE[0] and names["TDP04"] == "'@Tổ 3"
    book = openpyxl.load_workbook(io.BytesIO(schedule_xlsx(hostile_plan)))
    sheet = book[OVERDUE_SHEET]
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    head = [c.value for c in sheet[1]]
    col = head.index("Tổ dân phố")
    cells = {row[col].value for row in sheet.iter_rows(min_row=2)}
    assert {"'" + h.replace("\r", "\n") for h in HOSTILE} <= cells
    event = _overdue_event(Calendar.from_ical(schedule_ics(hostile_plan)))
    text = str(event["DESCRIPTION"])
    assert 'HYPERLINK("http://x")' in text and "\rTổ 5" not in text  # one line an area
    assert len([line for line in text.split("\n") if " · " in line]) == 7
