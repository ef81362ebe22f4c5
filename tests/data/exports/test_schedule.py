"""Schedule exports (data/exports/schedule.py): CSV byte-for-byte against a golden file,
XLSX read back with openpyxl against a golden table, ICS against a golden file and
parsed back with icalendar. Block names include formula attacks, which must come out
inert in the spreadsheets and intact in the calendar. The plan has one area overdue
(backlog), so the files carry the overdue sheet, reason and event; areas left out of the
horizon are tested in test_schedule_overdue.py.

Set VUNGXANH_UPDATE_GOLDEN=1 to rewrite tests/support/golden/schedule.* after a deliberate
change, then review the diff like code.
"""

import csv
import dataclasses
import datetime as dt
import io
import json
import os

import openpyxl
import pandas as pd
import pytest
from icalendar import Calendar

from data.config.policy_files import load_policy
from data.exports.schedule import (
    event_location,
    event_uid,
    schedule_csv,
    schedule_ics,
    schedule_xlsx,
    sheet_name,
    write_schedule,
)
from data.exports.schedule_tables import CSV_COLUMNS, HEADERS_VI, OVERDUE_SHEET, SUMMARY_SHEET
from tests.support.paths import GOLDEN as GOLDEN_DIR
from zones.schedule import plan_schedule

GOLDEN = GOLDEN_DIR
AS_OF = dt.date(2021, 9, 10)
# Pinned so that a change to policy/default.toml does not move the golden files.
POLICY = dataclasses.replace(load_policy(), id="golden-policy-1")
HOSTILE = ['=HYPERLINK("http://x")', "+1 tổ", "-Tổ 2", "@Tổ 3", "\tTổ 4", "\rTổ 5"]
UPDATE = bool(os.environ.get("VUNGXANH_UPDATE_GOLDEN"))


def _areas():
    names = [*HOSTILE, "Tổ dân phố 7"]
    return pd.DataFrame({
        "area_type": "block",
        "district_code": ["901"] * 4 + ["902"] * 3,
        "district_name": ["Quận Hà Đông"] * 4 + ["Huyện Đồng Mai"] * 3,
        "ward_code": ["90001"] * 4 + ["90101"] * 3,
        "ward_name": ["Phường Văn Quán"] * 4 + ["Xã Biên Giang"] * 3,
        "block_code": [f"TDP0{i}" for i in range(1, 8)],
        "block_name": names,
        "level": ["phong_toa", "do", "da_cam", "xanh", "do", "unknown", "xanh"],
        "population": [1200, 800, 950, 400, 600, 300, 1500],
    })


def _rounds(areas, days_ago):
    return pd.DataFrame({"ward_code": areas["ward_code"], "block_code": areas["block_code"],
                         "date": [AS_OF - dt.timedelta(days=k) for k in days_ago]})


@pytest.fixture(scope="module")
def plan():
    areas = _areas()
    # TDP05 is 5 days past its last round: sampled at once, 2 days overdue (backlog).
    rounds = _rounds(areas, [1, 2, 4, 13, 5, 3, 10])
    return plan_schedule(areas, rounds, AS_OF, POLICY, horizon=7, capacity=3000)


def _golden(name: str, data: bytes) -> bytes:
    path = GOLDEN / name
    if UPDATE:
        path.write_bytes(data)
    return path.read_bytes()


def test_csv_matches_the_golden_file(plan):
    data = schedule_csv(plan)
    assert data.startswith(b"\xef\xbb\xbf")  # BOM: Excel shows Vietnamese
    assert data == _golden("schedule.csv", data)


def test_csv_reads_back(plan):
    rows = list(csv.DictReader(io.StringIO(schedule_csv(plan).decode("utf-8-sig"),
                                           newline="")))
    assert list(rows[0]) == CSV_COLUMNS and len(rows) == len(plan.rounds)
    assert {r["policy_id"] for r in rows} == {"golden-policy-1"}
    assert {r["as_of"] for r in rows} == {"2021-09-10"}
    names = {r["block_code"]: r["block_name"] for r in rows}
    for i, hostile in enumerate(HOSTILE, start=1):
        assert names[f"TDP0{i}"] == "'" + hostile  # neutralised, otherwise intact
    assert names["TDP07"] == "Tổ dân phố 7"
    late = next(r for r in rows if r["block_code"] == "TDP05")
    assert (late["date"], late["due_by"], late["overdue_days"]) == (
        "2021-09-10", "2021-09-08", "2")


def _sheet_rows(ws):
    def plain(v):
        return v.isoformat() if isinstance(v, dt.date | dt.datetime) else v
    return [[plain(c.value) for c in row] for row in ws.iter_rows()]


def test_xlsx_reads_back_as_the_golden_table(plan):
    book = openpyxl.load_workbook(io.BytesIO(schedule_xlsx(plan)))
    # One row a line, so that a diff of the golden file reads like the spreadsheet.
    text = "".join(f"# {ws.title}\n" + "".join(json.dumps(r, ensure_ascii=False) + "\n"
                                               for r in _sheet_rows(ws))
                   for ws in book.worksheets)
    assert text == _golden("schedule.xlsx.txt", text.encode("utf-8")).decode("utf-8")
    assert book.sheetnames == [SUMMARY_SHEET, OVERDUE_SHEET, "901 Quận Hà Đông",
                               "902 Huyện Đồng Mai"]
    assert "golden-policy-1" in book.properties.keywords
    assert "2021-09-10" in book.properties.keywords


def test_xlsx_layout_and_cells(plan):
    book = openpyxl.load_workbook(io.BytesIO(schedule_xlsx(plan)))
    for ws in book.worksheets:
        assert ws.freeze_panes == "A2"
        for cell in ws[1]:
            width = ws.column_dimensions[cell.column_letter].width
            assert len(cell.value) + 2 <= width <= 60  # the header fits
        for row in ws.iter_rows():
            assert all(c.data_type != "f" for c in row)  # never a formula
    district = book["901 Quận Hà Đông"]
    assert [c.value for c in district[1]] == [HEADERS_VI[c] for c in CSV_COLUMNS]
    names = {r[5]: r[6] for r in _sheet_rows(district)[1:]}
    assert names["TDP01"] == "'" + HOSTILE[0] and names["TDP04"] == "'@Tổ 3"
    summary = _sheet_rows(book[SUMMARY_SHEET])
    assert len(summary) == 1 + 7  # one row per day of the single city pool
    assert all(r[4] <= r[3] for r in summary[1:])  # used ≤ capacity


def test_ics_matches_the_golden_file_and_parses_back(plan):
    data = schedule_ics(plan)
    assert data == _golden("schedule.ics", data)
    cal = Calendar.from_ical(data)
    assert cal["X-VUNGXANH-POLICY-ID"] == "golden-policy-1"
    assert cal["X-VUNGXANH-AS-OF"] == "2021-09-10"
    assert (cal["X-VUNGXANH-OVERDUE-AREAS"], cal["X-VUNGXANH-NOT-SAMPLED"]) == ("1", "0")
    events = [e for e in cal.walk("VEVENT") if str(e["UID"]).startswith("round-")]
    assert len(events) == len(plan.rounds)
    (late,) = [e for e in cal.walk("VEVENT") if str(e["UID"]).startswith("overdue.")]
    assert str(late["UID"]) == "overdue.2021-09-10@vungxanh"
    assert str(late["DESCRIPTION"]).startswith("90101/TDP05 · Tổ 4, Xã Biên Giang")
    assert len({str(e["UID"]) for e in events}) == len(events)
    by_uid = {str(e["UID"]): e for e in events}
    for row in plan.rounds.itertuples():
        ev = by_uid[event_uid(row.ward_code, row.block_code, row.round)]
        start, end = ev.decoded("DTSTART"), ev.decoded("DTEND")
        assert start == row.date and not isinstance(start, dt.datetime)  # all-day
        assert end == row.date + dt.timedelta(days=1)
        assert str(ev["LOCATION"]) == event_location(row.block_name, row.ward_name)
        assert "golden-policy-1" in str(ev["DESCRIPTION"])


def test_replanned_round_keeps_its_uid(plan):
    """Re-planned a day later, after the first day's rounds were done: each later round
    keeps its number, so its event UID, whatever its new date."""
    areas = _areas()
    done = plan.rounds[plan.rounds["date"] == AS_OF][["ward_code", "block_code", "date"]]
    rounds = pd.concat([_rounds(areas, [1, 2, 4, 13, 5, 3, 10]), done])
    later = plan_schedule(areas, rounds, AS_OF + dt.timedelta(days=1), POLICY, horizon=7,
                          capacity=2000)
    uids = {str(e["UID"]) for e in Calendar.from_ical(schedule_ics(plan)).walk("VEVENT")}
    again = {str(e["UID"]) for e in Calendar.from_ical(schedule_ics(later)).walk("VEVENT")}
    old = plan.rounds[plan.rounds["date"] > AS_OF]
    kept = {event_uid(r.ward_code, r.block_code, r.round) for r in old.itertuples()}
    assert kept <= uids and kept & again  # the same rounds, the same events
    assert not any(event_uid(r.ward_code, r.block_code, r.round) in again
                   for r in plan.rounds[plan.rounds["date"] == AS_OF].itertuples())


@pytest.mark.parametrize("block,ward,expected", [
    ("Tổ dân phố 7", "Xã Biên Giang", "Tổ dân phố 7, Xã Biên Giang"),
    ("\rTổ 5", "Xã  Biên Giang", "Tổ 5, Xã Biên Giang"),
    ("", "Phường Văn Quán", "Phường Văn Quán"),  # a ward sampled as a whole
])
def test_event_location_is_one_line(block, ward, expected):
    assert event_location(block, ward) == expected


def test_uid_is_safe_for_any_code():
    assert event_uid("90001", "", 3) == "round-3.90001._@vungxanh"
    assert event_uid("90001", "Tổ 1/A", 1) == "round-1.90001.T%E1%BB%95%201%2FA@vungxanh"


@pytest.mark.parametrize("code,name,taken,expected", [
    ("901", "Quận Hà Đông", set(), "901 Quận Hà Đông"),
    ("902", "Huyện: Hai/Ba [cũ]", set(), "902 Huyện Hai Ba cũ"),
    ("903", "x" * 40, set(), "903 " + "x" * 27),
    ("904", "", {"904"}, "904 (2)"),
])
def test_sheet_names(code, name, taken, expected):
    assert sheet_name(code, name, taken) == expected


def test_write_schedule_to_path_and_stream(plan, tmp_path):
    write_schedule(plan, "csv", tmp_path / "s.csv")
    assert (tmp_path / "s.csv").read_bytes() == schedule_csv(plan)
    out = io.BytesIO()
    write_schedule(plan, "ics", out)
    assert out.getvalue() == schedule_ics(plan)
    with pytest.raises(ValueError, match="unknown schedule export format"):
        write_schedule(plan, "pdf", out)
