"""The filters the map and the table share (day, district, search, one area), kept in the
session and in the URL (st.query_params: `date`, `district`, `area`), so a link shows the
same view and switching between the two pages keeps what was chosen.

Widgets of a page are not its state: Streamlit forgets a widget's value on a page that
does not draw it. So the shared values live under their own keys, each widget is set from
them before it is drawn and copies its value back when the user changes it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import streamlit as st

from i18n import t as tr

DATE, DISTRICT, SEARCH, AREA = "vx_date", "vx_district", "vx_search", "vx_area"


@dataclass(frozen=True)
class Filters:
    date: dt.date
    district: str  # "" for the whole city
    search: str
    area: str  # "" or an area key from a link: "90001" or "90001/TDP01"


def parse_date(text, first: dt.date, last: dt.date) -> dt.date | None:
    """An ISO date from the URL, or None if it is not one or is outside [first, last]."""
    try:
        day = dt.date.fromisoformat(str(text))
    except ValueError:
        return None
    return day if first <= day <= last else None


def load(first: dt.date, last: dt.date, districts) -> Filters:
    """The shared filters; on the session's first page, taken from the URL."""
    ss = st.session_state
    if DATE not in ss:
        params = st.query_params
        ss[DATE] = parse_date(params.get("date"), first, last) or last
        ss[DISTRICT] = params.get("district", "")
        ss[AREA] = params.get("area", "")
        ss[SEARCH] = ""
    # The data may have changed since: keep the day inside it and the district real.
    ss[DATE] = min(max(ss[DATE], first), last)
    if ss[DISTRICT] not in districts:
        ss[DISTRICT] = ""
    return Filters(ss[DATE], ss[DISTRICT], ss[SEARCH], ss[AREA])


def bind(widget_key: str, shared_key: str) -> dict:
    """Set a widget from the shared value before it is drawn; returns the keyword
    arguments (key, on_change) that make it write back."""
    st.session_state[widget_key] = st.session_state[shared_key]

    def copy_back() -> None:
        st.session_state[shared_key] = st.session_state[widget_key]
        if shared_key in (SEARCH, DISTRICT):
            st.session_state[AREA] = ""  # a new search or district replaces a link's area

    return {"key": widget_key, "on_change": copy_back}


def set_date(text, first: dt.date, last: dt.date) -> None:
    """Take the day the map's slider stopped on (ISO text), if it is a day we have."""
    day = parse_date(text, first, last)
    if day is not None:
        st.session_state[DATE] = day


def url_params(f: Filters) -> dict[str, str]:
    params = {"date": f.date.isoformat()}
    if f.district:
        params["district"] = f.district
    if f.area:
        params["area"] = f.area
    return params


def write_url(f: Filters) -> None:
    """Put the filters in the address bar (only when they changed: each write is a
    message to the browser)."""
    want = url_params(f)
    if dict(st.query_params) != want:
        st.query_params.from_dict(want)


def filter_widgets(prefix: str, date_key: str, first: dt.date, last: dt.date,
                   districts: dict[str, str], lang: str, tier: str = "district") -> None:
    """Day, district and search, bound to the shared filters (keys start with `prefix`;
    the day's key is `date_key`). `tier` "province" labels the group filter of a store
    without districts (zones.tiers). On a phone the three columns stack."""
    day, district, search = st.columns([1, 1, 2])
    day.date_input(tr("ui.date", lang), min_value=first, max_value=last, format="DD/MM/YYYY",
                   **bind(date_key, DATE))
    every = tr(f"map.page.all_{tier}s", lang)
    district.selectbox(tr(f"map.page.{tier}", lang), ["", *sorted(districts)],
                       format_func=lambda c: districts.get(c) or every,
                       **bind(f"{prefix}_district", DISTRICT))
    search.text_input(tr("map.page.search", lang),
                      placeholder=tr("map.page.search_placeholder", lang),
                      help=tr("map.page.search_help", lang), **bind(f"{prefix}_search", SEARCH))
