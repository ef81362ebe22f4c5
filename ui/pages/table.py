"""The table view: the map's data for the chosen day as a real HTML table (caption, column
and row headers, aria-sort) that keyboard and screen-reader users can read, sorted and
paged with ordinary widgets, under the same filters as the map (shared with it and kept
in the URL). Worst first unless asked otherwise (severity, then population); the level
is a cell in its colour with an ink that reads on it; the answer's columns (area, level,
why) come first, so a phone shows them without scrolling sideways. Every row downloads
as CSV and XLSX, headers in the interface's language. Every stored text is HTML-escaped.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import streamlit as st

from data.exports.levels import csv_bytes, xlsx_bytes
from geo.level_cells import level_cell
from geo.style import esc
from geo.webmap.history import day_frame
from i18n import t as tr
from i18n.formats import fmt_date, fmt_int
from ui import common, state
from ui.map_data import found, in_scope, prepared
from zones.levels import label, severity

PAGE_ROWS = 100
KINDS = ("all", "ward", "block")
# Column key → how it sorts (None: not offered as a sort); the order is the table's: the
# answer first (the area, its level, what the level rests on), then where and the rest.
COLUMNS = {
    "name": "name", "level": "level_rank", "source": None, "stale": None, "code": "code",
    "type": None, "ward": None, "district": "district_name", "since": "level_since",
    "cases7": "cases7", "cases14": "cases14", "last_round": "last_round", "due_by": "due_by",
    "overdue": "overdue_days", "population": "population", "note": None,
}
WORST = "worst"  # the default order: most severe level first, no data last, then population
SORTS = [WORST, *(k for k, v in COLUMNS.items() if v)]
MIME_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_CLASS = {**dict.fromkeys(("cases7", "cases14", "overdue", "population"), ' class="n"'),
          "note": ' class="note"'}
# Cells keep to one line, except a note: it wraps, a word longer than the cell too (a note
# of 100,000 characters with no space once made the table 600,000 px wide). On a phone the
# answer's three columns wrap between words, so that together they fit a 360 px screen.
_STYLE = """<style>
.vx-table-wrap{overflow-x:auto;max-width:100%}
.vx-table-wrap:focus-visible{outline:3px solid #0072B2;outline-offset:2px}
.vx-table{border-collapse:collapse;font-size:14px}
.vx-table caption{text-align:left;font-weight:600;padding:4px 0}
.vx-table th,.vx-table td{border:1px solid #ccc;padding:3px 6px;vertical-align:top;
  white-space:nowrap;overflow-wrap:anywhere;word-break:break-word}
.vx-table td.note{white-space:normal;min-width:14em;max-width:40em}
.vx-table thead th{background:#f0f0ec;text-align:left}
.vx-table td.n{text-align:right;font-variant-numeric:tabular-nums}
.vx-table tbody th{text-align:left;font-weight:600}
@media (max-width:640px){
  .vx-table{font-size:13px}
  .vx-table tr>:nth-child(-n+3){white-space:normal;overflow-wrap:normal;word-break:normal;
    min-width:5em;max-width:7em}
}
</style>"""


def table_rows(data, f: state.Filters, kind: str, lang: str) -> pd.DataFrame:
    """The day's rows under the filters, with the columns the table shows and sorts by."""
    frame = day_frame(data.history, data.areas, f.date, data.notes)
    # Masks are combined into new arrays, never in place: in_scope's mask for a district
    # is a read-only view of pandas data (copy-on-write), and MapData is shared.
    keep = in_scope(data, f)
    if f.search or f.area:
        keep = keep & np.isin(np.arange(len(frame)), found(data, f))
    if kind != "all":
        keep = keep & (frame["area_type"] == kind).to_numpy()
    frame = frame[keep].copy()
    is_block = frame["area_type"] == "block"
    frame["name"] = frame["block_name"].where(is_block, frame["ward_name"])
    frame["code"] = frame["ward_code"] + np.where(is_block, "/" + frame["block_code"], "")
    # Severity, missing for no data: sorted last whichever way, as any missing value.
    frame["level_rank"] = pd.to_numeric(frame["level"].map(severity))
    return frame


def sort_rows(frame: pd.DataFrame, column: str, descending: bool) -> pd.DataFrame:
    """Sorted by one column (missing values last either way), then by code; WORST (either
    way): phong tỏa, đỏ, da cam, xanh, no data, and within a level the larger population
    first."""
    if column == WORST:
        return frame.sort_values(["level_rank", "population", "code"],
                                 ascending=[False, False, True], na_position="last",
                                 kind="stable")
    return frame.sort_values([COLUMNS[column], "code"], ascending=[not descending, True],
                             na_position="last", kind="stable")


def _cell(row, key: str, lang: str) -> str:
    """One cell's escaped text."""
    none = tr("map.tip.none", lang)
    values = {
        "type": tr(f"map.table.{row.area_type}", lang), "name": row.name,
        "code": row.code, "ward": row.ward_name if row.area_type == "block" else none,
        "district": row.district_name,
        "level": f"{label(row.level, lang)} ({tr(f'map.short.{row.level}', lang)})",
        "stale": tr("map.table.yes" if row.stale else "map.table.no", lang),
        "source": tr(f"map.src.{row.source}", lang),
        "since": fmt_date(row.level_since, lang), "cases7": fmt_int(row.cases7, lang),
        "cases14": fmt_int(row.cases14, lang), "last_round": fmt_date(row.last_round, lang),
        "due_by": fmt_date(row.due_by, lang), "overdue": fmt_int(row.overdue_days, lang),
        "population": fmt_int(row.population, lang), "note": row.note,
    }
    return esc(values[key])


def _tag(row, key: str, lang: str) -> str:
    """One cell: the name is the row's header; the level is painted in its colour, its
    label in the ink that reads on it (geo.level_cells: contrast ≥ 4.5:1)."""
    text = _cell(row, key, lang)
    if key == "name":
        return f"<th scope='row'>{text}</th>"
    if key == "level":
        fill, ink = level_cell(row.level)
        return f'<td class="lv" style="background:{fill};color:{ink}">{text}</td>'
    return f"<td{_CLASS.get(key, '')}>{text}</td>"


def table_html(rows: pd.DataFrame, caption: str, sort: str, descending: bool,
               lang: str) -> str:
    """The rows as an accessible <table>: the name is each row's header, the sorted
    column says so with aria-sort (the level's, descending, for WORST)."""
    order = "descending" if descending or sort == WORST else "ascending"
    marked = "level" if sort == WORST else sort
    head = "".join(
        f'<th scope="col"{f" aria-sort={order!r}" if k == marked else ""}>'
        f"{esc(tr(f'map.table.col.{k}', lang))}</th>" for k in COLUMNS)
    body = [f"<tr>{''.join(_tag(row, k, lang) for k in COLUMNS)}</tr>"
            for row in rows.itertuples(index=False)]
    return (f'{_STYLE}<div class="vx-table-wrap" role="region" tabindex="0" '
            f'aria-label="{esc(caption)}"><table class="vx-table"><caption>{esc(caption)}'
            f"</caption><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody>"
            "</table></div>")


def _controls(lang: str) -> tuple[str, str, bool]:
    kind_col, sort_col, desc_col = st.columns([2, 2, 1], vertical_alignment="bottom")
    kind = kind_col.radio(tr("map.table.kinds", lang), KINDS, horizontal=True, key="table_kind",
                          format_func=lambda k: tr(f"map.table.kind_{k}", lang))
    sort = sort_col.selectbox(tr("map.table.sort_by", lang), SORTS, key="table_sort",
                              format_func=lambda k: _sort_name(k, lang))
    # Worst first has one direction; the toggle is for the other orders.
    desc = desc_col.toggle(tr("map.table.descending", lang), key="table_desc",
                           disabled=sort == WORST)
    return kind, sort, desc


def _page(n_rows: int, lang: str) -> int:
    pages = max(1, math.ceil(n_rows / PAGE_ROWS))
    # Fewer rows after a filter change: stay on a page that exists.
    if st.session_state.get("table_page", 1) > pages:
        st.session_state["table_page"] = pages
    column, _ = st.columns([1, 3])
    return int(column.number_input(tr("map.table.page", lang), min_value=1, max_value=pages,
                                   step=1, key="table_page"))


def _sort_name(key: str, lang: str) -> str:
    return tr("table.worst", lang) if key == WORST else tr(f"map.table.col.{key}", lang)


def _where(n: int, start: int, shown: int, sort: str, desc: bool, lang: str) -> str:
    """Which rows are on this page and how they are sorted, in words."""
    rows = tr("map.table.rows", lang, first=fmt_int(min(n, start + 1), lang),
              last=fmt_int(start + shown, lang), n=fmt_int(n, lang))
    if sort == WORST:
        return rows + " · " + tr("table.worst_note", lang)
    order = tr(f"map.table.{'descending' if desc else 'ascending'}_word", lang)
    return rows + " · " + tr("map.table.sort_note", lang, order=order,
                             column=tr(f"map.table.col.{sort}", lang))


def export_frame(rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Every row as the downloads hold it: the page's columns in its order and headers in
    `lang`; numbers and dates as values, never formatted; level, kind and source in
    words of `lang`."""
    def words(column: str, text) -> pd.Series:  # one look-up per distinct value
        return rows[column].map({v: text(v) for v in rows[column].unique()})

    values = {
        "name": rows["name"], "level": words("level", lambda v: label(v, lang)),
        "source": words("source", lambda v: tr(f"map.src.{v}", lang)),
        "stale": words("stale", lambda v: tr("map.table.yes" if v else "map.table.no", lang)),
        "code": rows["code"], "type": words("area_type", lambda v: tr(f"map.table.{v}", lang)),
        "ward": rows["ward_name"].where(rows["area_type"] == "block"),
        "district": rows["district_name"], "since": rows["level_since"],
        "cases7": rows["cases7"], "cases14": rows["cases14"], "last_round": rows["last_round"],
        "due_by": rows["due_by"], "overdue": rows["overdue_days"],
        "population": rows["population"], "note": rows["note"],
    }
    return pd.DataFrame({tr(f"map.table.col.{k}", lang): values[k].to_numpy()
                         for k in COLUMNS})


def _downloads(rows: pd.DataFrame, caption: str, f: state.Filters, lang: str) -> None:
    """CSV and XLSX of every row (not only this page), made only when a button is pressed:
    at city scale (25,000 rows) the table alone takes 0.3 s, the XLSX 5 s."""
    stem = f"{tr('table.file', lang)}-{f.date.isoformat()}"
    where = f"{caption}; policy {common.get_policy().id}; as of {f.date.isoformat()}"
    props = {"title": tr("table.title", lang), "creator": "vungxanh", "subject": where,
             "description": where}
    sheet = tr("table.sheet", lang)
    left, right, _ = st.columns([1, 1, 2])
    left.download_button(tr("table.download_csv", lang),
                         data=lambda: csv_bytes(export_frame(rows, lang)),
                         file_name=f"{stem}.csv", mime="text/csv", key="table_csv",
                         on_click="ignore")
    right.download_button(tr("table.download_xlsx", lang),
                          data=lambda: xlsx_bytes({sheet: export_frame(rows, lang)}, props),
                          file_name=f"{stem}.xlsx", mime=MIME_XLSX, key="table_xlsx",
                          on_click="ignore")
    st.caption(tr("table.download_note", lang))


def render(store, lang: str) -> None:
    ready = prepared(store, lang, "table", "table_as_of")
    if ready is None:
        return
    data, f = ready
    kind, sort, desc = _controls(lang)
    rows = sort_rows(table_rows(data, f, kind, lang), sort, desc)
    scope = data.districts.get(f.district) or tr("map.page.all_districts", lang)
    caption = tr("map.table.caption", lang, date=fmt_date(f.date, lang), scope=scope,
                 n=fmt_int(len(rows), lang))
    page = _page(len(rows), lang)
    start = (page - 1) * PAGE_ROWS
    shown = rows.iloc[start:start + PAGE_ROWS]
    st.caption(_where(len(rows), start, len(shown), sort, desc, lang))
    st.html(table_html(shown, caption, sort, desc, lang))
    _downloads(rows, caption, f, lang)
    state.write_url(f)
