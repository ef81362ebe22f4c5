"""Exports of a testing schedule (zones.schedule.SchedulePlan): CSV, XLSX and iCalendar.

Every file carries the policy id and the as-of date of the plan: as columns of each row
(CSV, XLSX), in the document properties (XLSX) and as calendar properties (ICS). Text
cells go through data.exports.safe_output on the way out, via the CSV and XLSX writers the
levels export shares (data.exports.levels).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote

import pandas as pd
from icalendar import Calendar, Event

from data.exports.levels import csv_bytes, xlsx_bytes
from zones.levels import label
from zones.schedule import SchedulePlan

FORMATS = ("csv", "xlsx", "ics")
CSV_COLUMNS = [
    "date", "district_code", "district_name", "ward_code", "ward_name", "block_code",
    "block_name", "level", "population", "samples", "tubes", "round", "due_by",
    "overdue_days", "policy_id", "as_of",
]
HEADERS_VI = {
    "date": "Ngày lấy mẫu", "district_code": "Mã quận/huyện", "district_name": "Quận/huyện",
    "ward_code": "Mã phường/xã", "ward_name": "Phường/xã", "block_code": "Mã tổ dân phố",
    "block_name": "Tổ dân phố", "level": "Cấp độ vùng", "population": "Dân số",
    "samples": "Số mẫu", "tubes": "Số ống (gộp mẫu)", "round": "Đợt", "due_by": "Hạn chót",
    "overdue_days": "Số ngày quá hạn", "policy_id": "Mã chính sách", "as_of": "Tính đến ngày",
}
SUMMARY_HEADERS_VI = {
    "pool": "Phạm vi năng lực", "date": "Ngày lấy mẫu", "unit": "Đơn vị năng lực",
    "capacity": "Năng lực/ngày", "used": "Đã dùng", "rounds": "Số khu vực lấy mẫu",
    "samples": "Số mẫu", "tubes": "Số ống", "policy_id": "Mã chính sách",
    "as_of": "Tính đến ngày",
}
SUMMARY_SHEET = "Tổng hợp"
UNIT_VI = {"samples": "mẫu", "tubes": "ống"}
POOL_VI = {"all": "Toàn thành phố"}
UID_DOMAIN = "vungxanh"
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")  # characters Excel refuses in sheet names
_SHEET_MAX = 31
# Calendar clients take an event with a known UID as an update when its SEQUENCE is
# higher, so a later plan's sequence is the number of days from this date to its as_of.
_SEQUENCE_EPOCH = dt.date(2020, 1, 1)


def schedule_table(plan: SchedulePlan) -> pd.DataFrame:
    """One row per area and round (CSV_COLUMNS), by date, ward and block."""
    out = plan.rounds.assign(policy_id=plan.policy_id)
    out["as_of"] = pd.Series([plan.as_of] * len(out), index=out.index, dtype=object)
    return out[CSV_COLUMNS]


def schedule_csv(plan: SchedulePlan) -> bytes:
    """UTF-8 with BOM, CRLF rows, ISO dates, every text cell formula-neutralised."""
    return csv_bytes(schedule_table(plan))


def summary_table(plan: SchedulePlan) -> pd.DataFrame:
    """Rounds and samples per pool and day against capacity, with the plan's unit."""
    out = plan.load.assign(unit=UNIT_VI[plan.unit], policy_id=plan.policy_id)
    out["pool"] = out["pool"].map(lambda p: POOL_VI.get(p, p))
    out["as_of"] = pd.Series([plan.as_of] * len(out), index=out.index, dtype=object)
    return out[list(SUMMARY_HEADERS_VI)].rename(columns=SUMMARY_HEADERS_VI)


def schedule_xlsx(plan: SchedulePlan) -> bytes:
    """A summary sheet, then one sheet per district; Vietnamese headers and level
    labels, frozen header, widths fitted to the content, text cells never formulas."""
    table = schedule_table(plan)
    table["level"] = [label(code, "vi") for code in table["level"]]
    sheets = {SUMMARY_SHEET: summary_table(plan)}
    names = set(sheets)
    for code, part in table.groupby("district_code", sort=True):
        name = sheet_name(str(code), str(part["district_name"].iloc[0]), names)
        names.add(name)
        sheets[name] = part.rename(columns=HEADERS_VI).reset_index(drop=True)
    where = f"policy {plan.policy_id}; as of {plan.as_of.isoformat()}"
    midnight = dt.datetime.combine(plan.as_of, dt.time())
    return xlsx_bytes(sheets, {
        "title": "vungxanh: lịch xét nghiệm / testing schedule", "creator": "vungxanh",
        "subject": where, "description": where, "created": midnight, "modified": midnight,
        "keywords": f"policy_id={plan.policy_id}; as_of={plan.as_of.isoformat()}",
    })


def sheet_name(code: str, name: str, taken: set[str]) -> str:
    """'901 Quận Một' cut to Excel's 31 characters, without the characters it refuses,
    and made unique against `taken` (district codes are unique, names may not be)."""
    text = re.sub(r"\s+", " ", _SHEET_FORBIDDEN.sub(" ", f"{code} {name}")).strip()
    base = (text or "—")[:_SHEET_MAX].strip()
    candidate, k = base, 2
    while candidate.casefold() in {t.casefold() for t in taken}:
        suffix = f" ({k})"
        candidate, k = base[:_SHEET_MAX - len(suffix)] + suffix, k + 1
    return candidate


def event_uid(ward_code: str, block_code: str, round_no: int) -> str:
    """UID of an area's round: from its key and the round's number, never its date, so a
    re-planned round replaces its event instead of adding one."""
    key = f"{quote(ward_code, safe='')}.{quote(block_code, safe='') or '_'}"
    return f"round-{round_no}.{key}@{UID_DOMAIN}"


def event_location(block_name: str, ward_name: str) -> str:
    """'Tổ dân phố 3, Phường Văn Quán': block and ward names on one line, since a
    calendar shows LOCATION as one line (tabs and line breaks in a name become spaces)."""
    return ", ".join(" ".join(p.split()) for p in (block_name, ward_name) if p.strip())


def _event(row, plan: SchedulePlan, stamp: dt.datetime) -> Event:
    place = event_location(row.block_name, row.ward_name)
    ev = Event()
    ev.add("uid", event_uid(row.ward_code, row.block_code, int(row.round)))
    ev.add("dtstamp", stamp)
    ev.add("sequence", (plan.as_of - _SEQUENCE_EPOCH).days)
    ev.add("dtstart", row.date)
    ev.add("dtend", row.date + dt.timedelta(days=1))  # all-day: DTEND is exclusive
    ev.add("summary", f"Xét nghiệm đợt {int(row.round)}: {place} ({label(row.level, 'vi')})")
    ev.add("location", place)
    ev.add("description", "\n".join([
        f"Số mẫu: {int(row.samples)}; số ống: {int(row.tubes)}",
        f"Hạn chót: {row.due_by.isoformat()}; quá hạn: {int(row.overdue_days)} ngày",
        f"Chính sách: {plan.policy_id}; tính đến ngày: {plan.as_of.isoformat()}",
    ]))
    ev.add("categories", [label(row.level, "vi")])
    ev.add("transp", "TRANSPARENT")
    return ev


def schedule_ics(plan: SchedulePlan) -> bytes:
    """iCalendar: one all-day event per area round; policy id and as-of date as
    calendar properties (X-VUNGXANH-POLICY-ID, X-VUNGXANH-AS-OF) and in each event.

    DTSTAMP is the as-of date at midnight UTC rather than the clock, so the same plan
    always gives the same file."""
    cal = Calendar()
    cal.add("prodid", "-//vungxanh//lich xet nghiem//VI")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"Lịch xét nghiệm {plan.as_of.isoformat()}")
    cal.add("x-vungxanh-policy-id", plan.policy_id)
    cal.add("x-vungxanh-as-of", plan.as_of.isoformat())
    stamp = dt.datetime.combine(plan.as_of, dt.time(), tzinfo=dt.UTC)
    for row in plan.rounds.itertuples(index=False):
        cal.add_component(_event(row, plan, stamp))
    return cal.to_ical()


def write_schedule(plan: SchedulePlan, fmt: str, dest: str | Path | BinaryIO) -> None:
    """Write the plan as csv, xlsx or ics to a path or a binary stream."""
    writers = {"csv": schedule_csv, "xlsx": schedule_xlsx, "ics": schedule_ics}
    if fmt not in writers:
        raise ValueError(f"unknown schedule export format {fmt!r}: expected one of {FORMATS}")
    data = writers[fmt](plan)
    if hasattr(dest, "write"):
        dest.write(data)
    else:
        Path(dest).write_bytes(data)
