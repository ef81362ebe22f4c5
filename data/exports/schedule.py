"""Exports of a testing schedule (zones.schedule.SchedulePlan): CSV, XLSX and iCalendar.

Every file carries the policy id and the as-of date of the plan: as columns of each row
(CSV, XLSX), in the document properties (XLSX) and as calendar properties (ICS). Text
cells go through data.exports.safe_output on the way out, via the CSV and XLSX writers the
levels export shares (data.exports.levels).

Every file also carries every area the plan says goes overdue (plan.overdue, what the
schedule page lists), with its days overdue and the reason: a round planned late is a row
(an event) like any other, with overdue_days and reason `sampled_late`; a round the
horizon has no room for (plan.owed) is a row without a date, with reason
`not_sampled_in_horizon` or `larger_than_daily_capacity`. The XLSX lists the overdue
areas on a sheet of their own, with the extra capacity that would avoid them; a calendar
cannot hold an event without a date, so the ICS lists them in one all-day event on as_of.
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
from i18n import t as tr
from i18n.formats import fmt_int
from zones.levels import label
from zones.schedule import SAMPLED_LATE, SchedulePlan

FORMATS = ("csv", "xlsx", "ics")
CSV_COLUMNS = [
    "date", "district_code", "district_name", "ward_code", "ward_name", "block_code",
    "block_name", "level", "population", "samples", "tubes", "round", "due_by",
    "overdue_days", "policy_id", "as_of", "reason",
]
HEADERS_VI = {
    "date": "Ngày lấy mẫu", "district_code": "Mã quận/huyện", "district_name": "Quận/huyện",
    "ward_code": "Mã phường/xã", "ward_name": "Phường/xã", "block_code": "Mã tổ dân phố",
    "block_name": "Tổ dân phố", "level": "Cấp độ vùng", "population": "Dân số",
    "samples": "Số mẫu", "tubes": "Số ống (gộp mẫu)", "round": "Đợt", "due_by": "Hạn chót",
    "overdue_days": "Số ngày quá hạn", "policy_id": "Mã chính sách", "as_of": "Tính đến ngày",
    "reason": "Lý do quá hạn",
}
SUMMARY_HEADERS_VI = {
    "pool": "Phạm vi năng lực", "date": "Ngày lấy mẫu", "unit": "Đơn vị năng lực",
    "capacity": "Năng lực/ngày", "used": "Đã dùng", "rounds": "Số khu vực lấy mẫu",
    "samples": "Số mẫu", "tubes": "Số ống", "policy_id": "Mã chính sách",
    "as_of": "Tính đến ngày",
}
OVERDUE_HEADERS_VI = {
    **{c: HEADERS_VI[c] for c in ("district_code", "district_name", "ward_code", "ward_name",
                                  "block_code", "block_name", "level", "population",
                                  "overdue_days")},
    "slip_days": "Số ngày trễ do thiếu năng lực", "backlog_days": "Số ngày đã trễ từ trước",
    "reason": "Lý do quá hạn", "due_by": "Hạn chót đợt chưa lấy mẫu",
    "pool": "Phạm vi năng lực", "extra_per_day": "Cần thêm mỗi ngày (phạm vi)",
    "unit": "Đơn vị năng lực", "policy_id": "Mã chính sách", "as_of": "Tính đến ngày",
}
SUMMARY_SHEET = "Tổng hợp"
OVERDUE_SHEET = "Quá hạn"
UNIT_VI = {"samples": "mẫu", "tubes": "ống"}
POOL_VI = {"all": "Toàn thành phố"}
UID_DOMAIN = "vungxanh"
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")  # characters Excel refuses in sheet names
_SHEET_MAX = 31
# Calendar clients take an event with a known UID as an update when its SEQUENCE is
# higher, so a later plan's sequence is the number of days from this date to its as_of.
_SEQUENCE_EPOCH = dt.date(2020, 1, 1)


def reason_vi(code: str) -> str:
    """The Vietnamese label of a zones.schedule reason code; '' stays ''."""
    return tr(f"schedule.reason.{code}", "vi") if code else ""


def _stamped(df: pd.DataFrame, plan: SchedulePlan) -> pd.DataFrame:
    out = df.assign(policy_id=plan.policy_id)
    out["as_of"] = pd.Series([plan.as_of] * len(out), index=out.index, dtype=object)
    return out


def schedule_table(plan: SchedulePlan) -> pd.DataFrame:
    """One row per area and round (CSV_COLUMNS), by date, ward and block; then one row
    per round owed in the horizon that the plan leaves out (plan.owed: no date), by due
    date. `reason` says why a row is overdue, and is empty for a round on time."""
    late = plan.rounds["overdue_days"] > 0
    rounds = plan.rounds.assign(reason=late.map({True: SAMPLED_LATE, False: ""}))
    owed = plan.owed.assign(date=pd.Series([None] * len(plan.owed), dtype=object,
                                           index=plan.owed.index))
    parts = [part for part in (rounds, owed) if len(part)] or [rounds]
    return _stamped(pd.concat(parts, ignore_index=True), plan)[CSV_COLUMNS]


def schedule_csv(plan: SchedulePlan) -> bytes:
    """UTF-8 with BOM, CRLF rows, ISO dates, every text cell formula-neutralised."""
    return csv_bytes(schedule_table(plan))


def summary_table(plan: SchedulePlan) -> pd.DataFrame:
    """Rounds and samples per pool and day against capacity, with the plan's unit."""
    out = plan.load.assign(unit=UNIT_VI[plan.unit], policy_id=plan.policy_id)
    out["pool"] = out["pool"].map(lambda p: POOL_VI.get(p, p))
    out["as_of"] = pd.Series([plan.as_of] * len(out), index=out.index, dtype=object)
    return out[list(SUMMARY_HEADERS_VI)].rename(columns=SUMMARY_HEADERS_VI)


def pool_extra(plan: SchedulePlan) -> dict[str, int]:
    """Extra capacity a day each pool needs (plan.extra); 0 for a pool whose overdue days
    are all backlog, which no capacity could have avoided."""
    extra = dict(zip(plan.extra["pool"], plan.extra["extra_per_day"].astype(int), strict=True))
    return {pool: extra.get(pool, 0) for pool in plan.overdue["pool"]}


def overdue_table(plan: SchedulePlan) -> pd.DataFrame:
    """The overdue areas in the plan's order (most slip first), Vietnamese headers and
    labels: days overdue, why, the due date of a round left out, and the extra capacity a
    day the area's pool needs."""
    late = plan.overdue
    owed = dict(zip(zip(plan.owed["ward_code"], plan.owed["block_code"], strict=True),
                    plan.owed["due_by"], strict=True))
    keys = zip(late["ward_code"], late["block_code"], strict=True)
    out = _stamped(late.assign(
        level=[label(code, "vi") for code in late["level"]],
        reason=[reason_vi(code) for code in late["reason"]],
        due_by=pd.Series([owed.get(k) for k in keys], index=late.index, dtype=object),
        extra_per_day=late["pool"].map(pool_extra(plan)).astype("int64"),
        pool=late["pool"].map(lambda p: POOL_VI.get(p, p)), unit=UNIT_VI[plan.unit]), plan)
    return out[list(OVERDUE_HEADERS_VI)].rename(columns=OVERDUE_HEADERS_VI)


def schedule_xlsx(plan: SchedulePlan) -> bytes:
    """A summary sheet, the overdue areas, then one sheet per district; Vietnamese
    headers and labels, frozen header, widths fitted to the content, text cells never
    formulas."""
    table = schedule_table(plan)
    table["level"] = [label(code, "vi") for code in table["level"]]
    table["reason"] = [reason_vi(code) for code in table["reason"]]
    sheets = {SUMMARY_SHEET: summary_table(plan), OVERDUE_SHEET: overdue_table(plan)}
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


def overdue_line(row, due_by: dt.date | None) -> str:
    """'90001/TDP04 · Tổ dân phố 4, Phường X (Xanh): quá hạn 3 ngày — why': one line an
    area, whatever its names hold."""
    key = " ".join(f"{row.ward_code}/{row.block_code}".rstrip("/").split())
    due = f"; hạn chót {due_by.isoformat()}" if due_by is not None else ""
    return (f"{key} · {event_location(row.block_name, row.ward_name)} "
            f"({label(row.level, 'vi')}): quá hạn {int(row.overdue_days)} ngày — "
            f"{reason_vi(row.reason)}{due}")


def _overdue_event(plan: SchedulePlan, stamp: dt.datetime) -> Event:
    """One all-day event on as_of listing every overdue area, then the extra capacity
    that would avoid it. Its UID is the as-of date's: planning the same day again
    replaces it, and each plan's shortfall stays on the day it was planned from."""
    late = plan.overdue
    owed = dict(zip(zip(plan.owed["ward_code"], plan.owed["block_code"], strict=True),
                    plan.owed["due_by"], strict=True))
    lines = [overdue_line(r, owed.get((r.ward_code, r.block_code)))
             for r in late.itertuples(index=False)]
    lines += [f"Cần thêm {fmt_int(r.extra_per_day)} {UNIT_VI[r.unit]} mỗi ngày "
              f"({POOL_VI.get(r.pool, r.pool)}) để không khu vực nào trễ hạn"
              for r in plan.extra.itertuples(index=False)]
    lines.append(f"Chính sách: {plan.policy_id}; tính đến ngày: {plan.as_of.isoformat()}")
    ev = Event()
    ev.add("uid", f"overdue.{plan.as_of.isoformat()}@{UID_DOMAIN}")
    ev.add("dtstamp", stamp)
    ev.add("sequence", (plan.as_of - _SEQUENCE_EPOCH).days)
    ev.add("dtstart", plan.as_of)
    ev.add("dtend", plan.as_of + dt.timedelta(days=1))
    left_out = f", trong đó {len(owed)} chưa được lấy mẫu trong kỳ" if owed else ""
    ev.add("summary", f"Quá hạn xét nghiệm: {len(late)} khu vực{left_out}")
    ev.add("description", "\n".join(lines))
    ev.add("categories", [OVERDUE_SHEET])
    ev.add("transp", "TRANSPARENT")
    return ev


def schedule_ics(plan: SchedulePlan) -> bytes:
    """iCalendar: one all-day event per area round; policy id and as-of date as
    calendar properties (X-VUNGXANH-POLICY-ID, X-VUNGXANH-AS-OF) and in each event.
    When areas go overdue, one more all-day event on as_of lists them all (a round left
    out has no date to be an event of its own), and X-VUNGXANH-OVERDUE-AREAS and
    X-VUNGXANH-NOT-SAMPLED count the overdue areas and those left out.

    DTSTAMP is the as-of date at midnight UTC rather than the clock, so the same plan
    always gives the same file."""
    cal = Calendar()
    cal.add("prodid", "-//vungxanh//lich xet nghiem//VI")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"Lịch xét nghiệm {plan.as_of.isoformat()}")
    cal.add("x-vungxanh-policy-id", plan.policy_id)
    cal.add("x-vungxanh-as-of", plan.as_of.isoformat())
    cal.add("x-vungxanh-overdue-areas", str(len(plan.overdue)))
    cal.add("x-vungxanh-not-sampled", str(len(plan.owed)))
    stamp = dt.datetime.combine(plan.as_of, dt.time(), tzinfo=dt.UTC)
    for row in plan.rounds.itertuples(index=False):
        cal.add_component(_event(row, plan, stamp))
    if len(plan.overdue):
        cal.add_component(_overdue_event(plan, stamp))
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
