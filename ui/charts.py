"""What every Altair chart of the dashboard shares so it reads in the user's language:
the date axis (dd/mm in Vietnamese), and a Vega locale for numbers (12.345, 91,6) and
for any month or day name Vega writes itself (tháng 9, Thứ Hai), as the screens and
documents write them (i18n/formats.py)."""

from __future__ import annotations

import altair as alt

from i18n import t as tr

# Vega's own number and time-format locales (d3-format, d3-time-format), as the CLDR
# writes Vietnamese: "." groups thousands, "," starts decimals; months are numbered.
NUMBER_LOCALE = {
    "vi": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", " ₫"],
           "percent": " %"},
    "en": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["$", ""],
           "percent": " %"},
}
TIME_LOCALE = {
    "vi": {"dateTime": "%A, %d/%m/%Y %H:%M:%S", "date": "%d/%m/%Y", "time": "%H:%M:%S",
           "periods": ["SA", "CH"],
           "days": ["Chủ Nhật", "Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu",
                    "Thứ Bảy"],
           "shortDays": ["CN", "T2", "T3", "T4", "T5", "T6", "T7"],
           "months": [f"tháng {m}" for m in range(1, 13)],
           "shortMonths": [f"thg {m}" for m in range(1, 13)]},
    "en": {"dateTime": "%a %b %e %X %Y", "date": "%Y-%m-%d", "time": "%H:%M:%S",
           "periods": ["AM", "PM"],
           "days": ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
                    "Saturday"],
           "shortDays": ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"],
           "months": ["January", "February", "March", "April", "May", "June", "July",
                      "August", "September", "October", "November", "December"],
           "shortMonths": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep",
                           "Oct", "Nov", "Dec"]},
}
# A day on an axis: 04/09 in Vietnamese, 04 Sep in English (the year is in the page).
AXIS_DATE = {"vi": "%d/%m", "en": "%d %b"}
COUNT = ",d"  # whole numbers, thousands grouped by the locale's mark


PADDING = {"left": 5, "top": 5, "right": 28, "bottom": 5}


def locale(lang: str) -> dict:
    return {"number": NUMBER_LOCALE[lang], "time": TIME_LOCALE[lang]}


def date_x(lang: str, field: str = "date", title: str | None = None) -> alt.X:
    """A temporal x channel whose ticks are days as `lang` writes them (and whose
    screen-reader description is in `lang`, not Vega's English)."""
    return alt.X(f"{field}:T", title=title,
                 axis=alt.Axis(format=AXIS_DATE[lang], labelOverlap=True,
                               description=tr("words.chart.x", lang)))


def count_y(field: str, title: str, lang: str, **more) -> alt.Y:
    return alt.Y(f"{field}:Q", title=title,
                 axis=alt.Axis(description=tr("words.chart.y", lang, title=title)), **more)


def legend(title: str, lang: str) -> alt.Legend:
    # Two a row: Vega never wraps a legend, and five levels in one row run off a
    # 360 px phone (tests/ui/test_phone_layout.py).
    return alt.Legend(title=title, orient="bottom", columns=2,
                      description=tr("words.chart.legend", lang, title=title))


def point_text(day: str, what: str, value: str, lang: str) -> str:
    """What a screen reader says of one mark (Vega's own would list field names)."""
    return tr("words.chart.point", lang, day=day, what=what, value=value)


def said(field: str = "said") -> alt.Description:
    return alt.Description(f"{field}:N")


def count_tooltip(field: str, title: str) -> alt.Tooltip:
    return alt.Tooltip(f"{field}:Q", title=title, format=COUNT)


def localised(chart, lang: str):
    """The top-level chart with `lang`'s number and time locale (a chart is configured
    once, at the top, after layering), and room on the right for the last date label
    (Vega centres it on its tick: at the chart's edge half of it was cut)."""
    return chart.properties(padding=PADDING).configure(locale=locale(lang))
