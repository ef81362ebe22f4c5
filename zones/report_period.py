"""What a report (báo cáo) is about: its scope (the city, a district or a ward) and its
period (a day, an ISO week or a month), parsed from the CLI's `--scope` and `--period`.

Steering documents ask for reports "hàng ngày, tuần, tháng"; weeks are ISO weeks
(Monday to Sunday), the way Vietnamese offices number them ("tuần 38").
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from zones.problems import Term, Unsaid

# "city": every area in the store; a province, a district (only where the store has
# districts: two-tier units have none) or a ward by its code. The one scope syntax of the
# product: reports, the morning view, URLs, targets and capacity files write it so.
SCOPE_KINDS = ("city", "province", "district", "ward")
PERIOD_KINDS = ("day", "week", "month")
# Column of Store.areas() that a scope of each kind selects on.
SCOPE_COLUMNS = {"city": "province_code", "province": "province_code",
                 "district": "district_code", "ward": "ward_code"}
# GSO code widths: a leading zero dropped by a spreadsheet is put back, as uploads do.
_CODE_WIDTH = {"province": 2, "district": 3, "ward": 5}
_SCOPE_HELP = Term("request.scope.help")  # what a scope is written as
_PERIOD_HELP = Term("request.period.help")


@dataclass(frozen=True)
class Scope:
    kind: str  # one of SCOPE_KINDS
    code: str | None  # None: the whole city, every area in the store

    @property
    def column(self) -> str:
        return SCOPE_COLUMNS[self.kind]

    def __str__(self) -> str:
        return self.kind if self.code is None else f"{self.kind}:{self.code}"


@dataclass(frozen=True)
class Period:
    kind: str  # one of PERIOD_KINDS
    start: dt.date
    end: dt.date  # inclusive

    @property
    def baseline(self) -> dt.date:
        """The day the period's changes are measured from: the eve of its first day, so
        a daily report compares with yesterday and a weekly one with last Sunday."""
        return self.start - dt.timedelta(days=1)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def dates(self) -> list[dt.date]:
        return [self.start + dt.timedelta(days=i) for i in range(self.days)]

    def up_to(self, last: dt.date) -> Period:
        """The part of the period up to `last` (a period still running is reported so
        far); Unsaid (a ValueError) when the period has not begun by then."""
        if last < self.start:
            raise Unsaid("request.period.not_begun", period=str(self), start=self.start,
                         last=last)
        return Period(self.kind, self.start, min(self.end, last))

    def __str__(self) -> str:
        if self.kind == "day":
            return f"day:{self.start.isoformat()}"
        if self.kind == "week":
            year, week, _ = self.start.isocalendar()
            return f"week:{year}-W{week:02d}"
        return f"month:{self.start:%Y-%m}"


def scope_kind(kind: str) -> Term:
    """A scope kind (city, district, ward) as a message says it, in its language."""
    return Term(f"request.scope.kind_{kind}")


def parse_scope(text: str) -> Scope:
    """`city`, `province:CODE`, `district:CODE` or `ward:CODE` → Scope; Unsaid (a
    ValueError) naming the value and what was expected. Codes are digits, kept as text.
    `city:CODE`, the older spelling of a province, is read as `province:CODE`."""
    raw = (text or "").strip()
    kind, _, code = raw.partition(":")
    kind = kind.strip().lower()
    if kind not in SCOPE_KINDS:
        raise Unsaid("request.scope.unknown", value=repr(text), help=_SCOPE_HELP)
    code = code.strip()
    if not code:
        if kind == "city" and ":" not in raw:
            return Scope("city", None)
        raise Unsaid("request.scope.needs_code", value=repr(text), kind=scope_kind(kind),
                     help=_SCOPE_HELP)
    if not code.isascii() or not code.isdigit():
        raise Unsaid("request.scope.not_digits", value=repr(text), kind=scope_kind(kind),
                     code=repr(code))
    kind = "province" if kind == "city" else kind
    return Scope(kind, code.zfill(_CODE_WIDTH[kind]))


def _month(text: str, value: str) -> Period:
    m = re.fullmatch(r"(\d{4})-(\d{2})", value)
    if not m or not 1 <= int(m[2]) <= 12:
        raise Unsaid("request.period.bad_month", value=repr(text), got=repr(value))
    start = dt.date(int(m[1]), int(m[2]), 1)
    after = dt.date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return Period("month", start, after - dt.timedelta(days=1))


def _week(text: str, value: str) -> Period:
    m = re.fullmatch(r"(\d{4})-?W(\d{2})", value, flags=re.IGNORECASE)
    if not m:
        raise Unsaid("request.period.bad_week", value=repr(text), got=repr(value))
    try:
        start = dt.date.fromisocalendar(int(m[1]), int(m[2]), 1)
    except ValueError:
        raise Unsaid("request.period.no_week", value=repr(text), year=m[1],
                     week=int(m[2])) from None
    return Period("week", start, start + dt.timedelta(days=6))


def _day(text: str, value: str) -> Period:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise Unsaid("request.period.bad_day", value=repr(text), got=repr(value))
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise Unsaid("request.period.not_date", value=repr(text), day=value) from None
    return Period("day", day, day)


def parse_period(text: str) -> Period:
    """`day:YYYY-MM-DD`, `week:YYYY-Www` or `month:YYYY-MM` → Period; Unsaid (a
    ValueError) naming the value and what was expected."""
    kind, sep, value = (text or "").strip().partition(":")
    parsers = {"day": _day, "week": _week, "month": _month}
    if not sep or kind.lower() not in parsers:
        raise Unsaid("request.period.unknown", value=repr(text), help=_PERIOD_HELP)
    return parsers[kind.lower()](text, value.strip())


def previous(period: Period) -> Period:
    """The period before, as long as `period` (a month still running is compared with
    the same number of days of the month before, not with a whole month)."""
    if period.kind == "month":
        start = (period.start - dt.timedelta(days=1)).replace(day=1)
        month_end = period.start - dt.timedelta(days=1)
        end = min(month_end, start + dt.timedelta(days=period.days - 1))
        return Period("month", start, end)
    step = dt.timedelta(days=1 if period.kind == "day" else 7)
    return Period(period.kind, period.start - step, period.end - step)
