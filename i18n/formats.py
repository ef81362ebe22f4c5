"""Numbers and dates as each language writes them (12.345 and 04/09/2021 in Vietnamese,
12,345 and 2021-09-04 in English); a missing value reads as the catalogue's "none"."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from i18n import t as tr


def fmt_int(value, lang: str = "vi") -> str:
    if value is None or pd.isna(value):
        return tr("map.tip.none", lang)
    text = f"{int(value):,}"
    return text.replace(",", ".") if lang == "vi" else text  # 12.345 in Vietnamese


def fmt_date(value, lang: str = "vi") -> str:
    if value is None or (not isinstance(value, dt.date) and pd.isna(value)):
        return tr("map.tip.none", lang)
    day = pd.Timestamp(value).date()
    return day.strftime("%d/%m/%Y") if lang == "vi" else day.isoformat()
