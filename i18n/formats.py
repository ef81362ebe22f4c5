"""Numbers and dates as each language writes them (12.345, 91,6 % and 04/09/2021 in
Vietnamese; 12,345, 91.6 % and 2021-09-04 in English); a missing value reads as the
catalogue's "none". Only for what people read: CSV, XLSX and JSON cells keep raw numbers."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from i18n import t as tr

# Vietnamese swaps the English marks: "." groups thousands, "," starts the decimals.
_VI_MARKS = str.maketrans({",": ".", ".": ","})


def _missing(value) -> bool:
    return value is None or (not isinstance(value, dt.date) and pd.isna(value))


def fmt_number(value, lang: str = "vi", digits: int = 0) -> str:
    """`value` rounded to `digits` decimals, thousands grouped: 12.345,6 in Vietnamese,
    12,345.6 in English."""
    if _missing(value):
        return tr("map.tip.none", lang)
    text = f"{float(value):,.{digits}f}" if digits else f"{round(float(value)):,}"
    if text.lstrip("-").strip("0.,") == "":  # -0.0 rounded: no minus sign on a zero
        text = text.lstrip("-")
    return text.translate(_VI_MARKS) if lang == "vi" else text


def fmt_int(value, lang: str = "vi") -> str:
    if _missing(value):
        return tr("map.tip.none", lang)
    text = f"{int(value):,}"
    return text.translate(_VI_MARKS) if lang == "vi" else text  # 12.345 in Vietnamese


def fmt_percent(share, lang: str = "vi", digits: int = 1) -> str:
    """A share (0.916) as a percentage with a space before the sign: 91,6 % / 91.6 %."""
    if _missing(share):
        return tr("map.tip.none", lang)
    return f"{fmt_number(100 * float(share), lang, digits)} %"


def fmt_date(value, lang: str = "vi") -> str:
    if _missing(value):
        return tr("map.tip.none", lang)
    day = pd.Timestamp(value).date()
    return day.strftime("%d/%m/%Y") if lang == "vi" else day.isoformat()


def fmt_day_month(value, lang: str = "vi") -> str:
    """A day within a known year, as on a chart axis: 04/09 in Vietnamese, 04 Sep in
    English."""
    if _missing(value):
        return tr("map.tip.none", lang)
    return pd.Timestamp(value).strftime("%d/%m" if lang == "vi" else "%d %b")


def grouped(df: pd.DataFrame, lang: str = "vi"):
    """`df` for a data grid with its whole-number columns written as `lang` writes them
    (1.365 / 1,365; blank when missing): a pandas Styler, so the cells stay numbers and
    sort as numbers."""
    whole = [c for c in df.columns if pd.api.types.is_integer_dtype(df[c])
             or (pd.api.types.is_float_dtype(df[c])
                 and bool((df[c].dropna() % 1 == 0).all()))]
    return df.style.format({c: (lambda v: fmt_int(v, lang)) for c in whole}, na_rep="")
