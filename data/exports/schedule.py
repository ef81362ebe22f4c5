"""Exports of a testing schedule (zones.schedule.SchedulePlan): CSV, XLSX and iCalendar.

Every file carries the policy id and the as-of date of the plan: as columns of each row
(CSV, XLSX), in the document properties (XLSX) and as calendar properties (ICS). Text
cells go through data.exports.safe_output on the way out, via the CSV and XLSX writers the
levels export shares (data.exports.levels); the tables themselves, with their headers
and labels in each language, are data.exports.schedule_tables.

Each file speaks one language: the CSV by default its English contract header (level and
reason codes), the XLSX and the calendar by default Vietnamese; the dashboard asks for
the interface's language, the CLI for `--headers`.

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

from icalendar import Calendar, Event

from data.exports.levels import csv_bytes, xlsx_bytes
from data.exports.schedule_tables import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    headers,
    labelled_table,
    overdue_table,
    owed_due,
    pool_text,
    reason_text,
    schedule_table,
    summary_table,
    unit_text,
)
from i18n import t as tr
from i18n.formats import fmt_int
from zones.levels import label
from zones.schedule import SchedulePlan

FORMATS = ("csv", "xlsx", "ics")
UID_DOMAIN = "vungxanh"
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")  # characters Excel refuses in sheet names
_SHEET_MAX = 31
# Calendar clients take an event with a known UID as an update when its SEQUENCE is
# higher, so a later plan's sequence is the number of days from this date to its as_of.
_SEQUENCE_EPOCH = dt.date(2020, 1, 1)


def schedule_csv(plan: SchedulePlan, lang: str = "en") -> bytes:
    """UTF-8 with BOM, CRLF rows, ISO dates, every text cell formula-neutralised; 'en'
    writes the contract header with level and reason codes, 'vi' Vietnamese headers and
    labels, as the XLSX."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown headers {lang!r}: expected one of {LANGUAGES}")
    return csv_bytes(schedule_table(plan) if lang == "en" else labelled_table(plan, lang))


def schedule_xlsx(plan: SchedulePlan, lang: str = "vi") -> bytes:
    """A summary sheet, the overdue areas, then one sheet per district; headers, labels
    and sheet names in `lang`, frozen header, widths fitted to the content, text cells
    never formulas, each sheet printing on A4 landscape pages."""
    table = labelled_table(plan, lang)
    district = headers(lang)["district_code"]
    sheets = {tr("export.schedule.summary_sheet", lang): summary_table(plan, lang),
              tr("export.schedule.overdue_sheet", lang): overdue_table(plan, lang)}
    names = set(sheets)
    for code, part in table.groupby(district, sort=True):
        name = sheet_name(str(code), str(part[headers(lang)["district_name"]].iloc[0]), names)
        names.add(name)
        sheets[name] = part.reset_index(drop=True)
    where = f"policy {plan.policy_id}; as of {plan.as_of.isoformat()}"
    midnight = dt.datetime.combine(plan.as_of, dt.time())
    return xlsx_bytes(sheets, {
        "title": tr("export.schedule.title", lang), "creator": "vungxanh",
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


def _stamp_line(plan: SchedulePlan, lang: str) -> str:
    return tr("export.ics.stamp", lang, policy=plan.policy_id, as_of=plan.as_of.isoformat())


def _event(row, plan: SchedulePlan, stamp: dt.datetime, lang: str) -> Event:
    place, level = event_location(row.block_name, row.ward_name), label(row.level, lang)
    ev = Event()
    ev.add("uid", event_uid(row.ward_code, row.block_code, int(row.round)))
    ev.add("dtstamp", stamp)
    ev.add("sequence", (plan.as_of - _SEQUENCE_EPOCH).days)
    ev.add("dtstart", row.date)
    ev.add("dtend", row.date + dt.timedelta(days=1))  # all-day: DTEND is exclusive
    ev.add("summary", tr("export.ics.event", lang, round=int(row.round), place=place,
                         level=level))
    ev.add("location", place)
    ev.add("description", "\n".join([
        tr("export.ics.amounts", lang, samples=int(row.samples), tubes=int(row.tubes)),
        tr("export.ics.due", lang, due_by=row.due_by.isoformat(), days=int(row.overdue_days)),
        _stamp_line(plan, lang),
    ]))
    ev.add("categories", [level])
    ev.add("transp", "TRANSPARENT")
    return ev


def overdue_line(row, due_by: dt.date | None, lang: str = "vi") -> str:
    """'90001/TDP04 · Tổ dân phố 4, Phường X (Xanh): quá hạn 3 ngày — why': one line an
    area, whatever its names hold."""
    key = " ".join(f"{row.ward_code}/{row.block_code}".rstrip("/").split())
    due = "" if due_by is None else tr("export.ics.overdue_due", lang,
                                       due_by=due_by.isoformat())
    return tr("export.ics.overdue_line", lang, area=key, level=label(row.level, lang),
              place=event_location(row.block_name, row.ward_name),
              days=int(row.overdue_days), reason=reason_text(row.reason, lang), due=due)


def _overdue_event(plan: SchedulePlan, stamp: dt.datetime, lang: str) -> Event:
    """One all-day event on as_of listing every overdue area, then the extra capacity
    that would avoid it. Its UID is the as-of date's: planning the same day again
    replaces it, and each plan's shortfall stays on the day it was planned from."""
    owed = owed_due(plan)
    lines = [overdue_line(r, owed.get((r.ward_code, r.block_code)), lang)
             for r in plan.overdue.itertuples(index=False)]
    lines += [tr("export.ics.extra", lang, extra=fmt_int(r.extra_per_day, lang),
                 unit=unit_text(r.unit, lang), pool=pool_text(r.pool, lang))
              for r in plan.extra.itertuples(index=False)]
    lines.append(_stamp_line(plan, lang))
    ev = Event()
    ev.add("uid", f"overdue.{plan.as_of.isoformat()}@{UID_DOMAIN}")
    ev.add("dtstamp", stamp)
    ev.add("sequence", (plan.as_of - _SEQUENCE_EPOCH).days)
    ev.add("dtstart", plan.as_of)
    ev.add("dtend", plan.as_of + dt.timedelta(days=1))
    left_out = tr("export.ics.left_out", lang, n=len(owed)) if owed else ""
    ev.add("summary", tr("export.ics.overdue", lang, n=len(plan.overdue), left_out=left_out))
    ev.add("description", "\n".join(lines))
    ev.add("categories", [tr("export.schedule.overdue_sheet", lang)])
    ev.add("transp", "TRANSPARENT")
    return ev


def schedule_ics(plan: SchedulePlan, lang: str = "vi") -> bytes:
    """iCalendar: one all-day event per area round, its texts in `lang`; policy id and
    as-of date as calendar properties (X-VUNGXANH-POLICY-ID, X-VUNGXANH-AS-OF) and in
    each event. When areas go overdue, one more all-day event on as_of lists them all (a
    round left out has no date to be an event of its own), and X-VUNGXANH-OVERDUE-AREAS
    and X-VUNGXANH-NOT-SAMPLED count the overdue areas and those left out.

    DTSTAMP is the as-of date at midnight UTC rather than the clock, so the same plan
    always gives the same file."""
    cal = Calendar()
    cal.add("prodid", "-//vungxanh//lich xet nghiem//VI")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", tr("export.ics.calendar", lang, as_of=plan.as_of.isoformat()))
    cal.add("x-vungxanh-policy-id", plan.policy_id)
    cal.add("x-vungxanh-as-of", plan.as_of.isoformat())
    cal.add("x-vungxanh-overdue-areas", str(len(plan.overdue)))
    cal.add("x-vungxanh-not-sampled", str(len(plan.owed)))
    stamp = dt.datetime.combine(plan.as_of, dt.time(), tzinfo=dt.UTC)
    for row in plan.rounds.itertuples(index=False):
        cal.add_component(_event(row, plan, stamp, lang))
    if len(plan.overdue):
        cal.add_component(_overdue_event(plan, stamp, lang))
    return cal.to_ical()


def write_schedule(plan: SchedulePlan, fmt: str, dest: str | Path | BinaryIO,
                   lang: str | None = None) -> None:
    """Write the plan as csv, xlsx or ics to a path or a binary stream, its headers and
    labels in `lang` (None: the format's DEFAULT_LANGUAGE)."""
    writers = {"csv": schedule_csv, "xlsx": schedule_xlsx, "ics": schedule_ics}
    if fmt not in writers:
        raise ValueError(f"unknown schedule export format {fmt!r}: expected one of {FORMATS}")
    data = writers[fmt](plan, lang or DEFAULT_LANGUAGE[fmt])
    if hasattr(dest, "write"):
        dest.write(data)
    else:
        Path(dest).write_bytes(data)
