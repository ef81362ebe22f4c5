"""Today in Vietnam: the one clock every interface asks (SPEC refuses report dates after
it; reports and schedules start from it). Logic takes the date as an argument instead."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def now_vn() -> dt.datetime:
    return dt.datetime.now(VN_TZ)


def today_vn() -> dt.date:
    return now_vn().date()
