"""The periodic reports page (báo cáo ngày, tuần, tháng): choose an area and a period,
preview the report's sections with their figures (the very document the files hold), and
download it as Word, PDF or Excel. Figures come from data/reports.gather, as the CLI's do.
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import streamlit as st

from data.config.clock import now_vn
from data.reports.compose import compose
from data.reports.layout import Figure, Heading, Table
from data.reports.run import gather, report_bytes, report_map
from i18n import t as tr
from ui import auth_gate, common
from zones.problems import said
from zones.tiers import has_districts

FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_MARKDOWN = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~$])")


@st.cache_data(show_spinner=False, max_entries=8)
def content(url: str, version: tuple, scope: str, period: str):
    return gather(common.get_store(url), common.get_policy(), scope, period,
                  today=common.today_vn())


@st.cache_data(show_spinner=False, max_entries=8)
def map_png(url: str, version: tuple, scope: str, period: str, lang: str) -> bytes | None:
    return report_map(common.get_store(url), content(url, version, scope, period), lang)


@st.cache_data(show_spinner=False, max_entries=12)
def file_bytes(url: str, version: tuple, scope: str, period: str, fmt: str, lang: str) -> bytes:
    png = None if fmt == "xlsx" else map_png(url, version, scope, period, lang)
    return report_bytes(content(url, version, scope, period), fmt, lang,
                        policy=common.get_policy(), map_png=png)


def period_arg(kind: str, day: dt.date) -> str:
    """The --period text of the day, ISO week or month that holds `day`."""
    if kind == "day":
        return f"day:{day.isoformat()}"
    if kind == "week":
        year, week, _ = day.isocalendar()
        return f"week:{year}-W{week:02d}"
    return f"month:{day:%Y-%m}"


def _scope(areas: pd.DataFrame, lang: str) -> str:
    # A store without districts (two tiers, from 2025) reports on its city or a ward.
    kinds = ("city", "district", "ward") if has_districts(areas) else ("city", "ward")
    kind = st.radio(tr("report.page.scope", lang), kinds, horizontal=True, key="rep_scope",
                    format_func=lambda k: tr(f"report.page.{k}", lang))
    if kind == "city":
        return "city"
    column = "district" if kind == "district" else "ward"
    units = areas[[f"{column}_code", f"{column}_name"]].drop_duplicates()
    units = units[units[f"{column}_code"] != ""]
    names = dict(zip(units[f"{column}_code"], units[f"{column}_name"], strict=True))
    code = st.selectbox(tr(f"report.page.{kind}", lang), sorted(names), key=f"rep_{kind}",
                        format_func=lambda c: f"{names[c]} ({c})")
    return f"{kind}:{code}"


def _period(span: tuple[dt.date, dt.date], lang: str) -> str:
    kind = st.radio(tr("report.page.period_kind", lang), ("day", "week", "month"),
                    horizontal=True, key="rep_period",
                    format_func=lambda k: tr(f"report.page.kind_{k}", lang))
    day = st.date_input(tr(f"report.page.{kind}", lang), value=span[1], min_value=span[0],
                        max_value=span[1], format="DD/MM/YYYY", key="rep_day")
    return period_arg(kind, day)


def plain(text: str) -> str:
    """Text for st.markdown shown as typed: place names are data, never markup."""
    return _MARKDOWN.sub(r"\\\1", text)


def _unique(names: list[str]) -> list[str]:
    # A table may repeat a header ("±" after each count); a data frame may not, so the
    # repeats get trailing spaces, which do not show.
    seen: dict[str, int] = {}
    out = []
    for n in names:
        seen[n] = seen.get(n, 0) + 1
        out.append(n + " " * (seen[n] - 1))
    return out


def _show(block) -> None:
    if isinstance(block, Heading):
        st.subheader(block.text)
    elif isinstance(block, Table):
        st.dataframe(pd.DataFrame(block.rows, columns=_unique(block.header)), hide_index=True)
    elif isinstance(block, Figure):
        st.image(block.png, caption=block.caption, width="stretch", alt=block.caption)
    elif block.style == "note":
        st.caption(plain(block.text))
    else:
        st.markdown(plain(block.text))


def _downloads(url: str, version: tuple, scope: str, period: str, lang: str) -> None:
    name = f"bao-cao_{scope}_{period.split(':')[1]}".replace(":", "-")
    for column, (fmt, mime) in zip(st.columns(len(FORMATS)), FORMATS.items(), strict=True):
        column.download_button(
            tr(f"report.page.download_{fmt}", lang),
            # Built only when pressed, on Streamlit's worker thread, then cached.
            data=lambda f=fmt: file_bytes(url, version, scope, period, f, lang),
            file_name=f"{name}.{fmt}", mime=mime, on_click="ignore", key=f"rep_dl_{fmt}")


def render(store, lang: str) -> None:
    span = store.date_range()
    if span is None:
        st.info(tr("ui.no_reports", lang))
        return
    st.caption(tr("report.page.intro", lang))
    url, version = store.url, common.data_version(store)
    left, right = st.columns(2)
    with left:
        scope = _scope(common.areas(url, version), lang)
    with right:
        period = _period(span, lang)
    try:
        with st.spinner(tr("report.page.building", lang)):
            c = content(url, version, scope, period)
            png = map_png(url, version, scope, period, lang)
    except ValueError as exc:
        st.error(tr("report.page.error", lang, error=said(exc, lang)))
        return
    if auth_gate.require(store, "export", lang, page=False):  # as the CLI's `report`
        _downloads(url, version, scope, period, lang)
    doc = compose(c, lang, policy=common.get_policy(), map_png=png,
                  generated_at=now_vn())
    with st.container(border=True):
        st.markdown(f"**{plain(doc.heading)}** · {plain(doc.subtitle)}")
        for block in doc.body:
            _show(block)
        for title, _, blocks in doc.annexes:
            with st.expander(title):
                for block in blocks:
                    _show(block)
