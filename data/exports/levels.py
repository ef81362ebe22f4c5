"""Open-data export of every ward's and block's effective zone level on a date
(`export-levels`): the table, and its CSV, XLSX and GeoJSON writers.

Every file carries the policy id and the as-of date that produced its figures (columns,
and the XLSX document properties). The CSV and XLSX writers take any table, so the
schedule exports and the table page's downloads reuse them; every XLSX sheet prints on A4
landscape pages, fitted to the width, the header repeated on each page.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd
import shapely
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from data.exports.safe_output import is_missing, neutralise_formula, xlsx_text
from data.store.database import Store
from data.store.schema import WARD_ROW
from i18n import t as tr
from zones.effective import effective_levels
from zones.levels import label
from zones.policy import Policy

LEVEL_COLUMNS = [
    "area_type", "province_code", "province_name", "district_code", "district_name",
    "ward_code", "ward_name", "block_code", "block_name", "population",
    "level", "level_label_vi", "level_label_en", "level_since", "source", "stale",
    "report_date", "new_cases", "tests_done", "note", "policy_id", "as_of",
]
FORMATS = ("csv", "xlsx", "geojson")
HEADERS = ("en", "vi")  # en: the contract header (LEVEL_COLUMNS); vi: Vietnamese
LEVELS_SHEET = "Cấp độ vùng"
_MAX_COLUMN_WIDTH = 60  # characters: a long note may overflow its cell, not widen the sheet


def levels_table(store: Store, as_of: dt.date, policy: Policy) -> pd.DataFrame:
    """One row per ward and per block, ward before its blocks, by district: where it is,
    its effective level on `as_of` with the inputs behind it, and the policy id."""
    levels = effective_levels(store.areas(), store.reports(date_to=as_of), as_of, policy)
    levels["level_label_vi"] = [label(code, "vi") for code in levels["level"]]
    levels["level_label_en"] = [label(code, "en") for code in levels["level"]]
    levels["policy_id"] = policy.id
    levels["as_of"] = pd.Series([as_of] * len(levels), index=levels.index, dtype=object)
    return levels[LEVEL_COLUMNS].sort_values(["district_code", "ward_code", "block_code"],
                                             ignore_index=True)


def with_headers(df: pd.DataFrame, headers: str) -> pd.DataFrame:
    """A `levels_table` under the contract header ('en', as it is) or the Vietnamese one
    ('vi'); the cells are the same either way."""
    if headers not in HEADERS:
        raise ValueError(f"unknown headers {headers!r}: expected one of {HEADERS}")
    if headers == "en":
        return df
    return df.rename(columns={c: tr(f"export.levels.col.{c}", "vi") for c in df.columns})


def write_levels(df: pd.DataFrame, fmt: str, dest: str | Path | BinaryIO,
                 store: Store | None = None, headers: str = "en") -> None:
    """Write a `levels_table` as csv, xlsx or geojson to a path or a binary stream, the
    CSV and XLSX under the contract header or the Vietnamese one (`headers`).

    GeoJSON needs `store` for the ward and block polygons; its property names are
    always the contract's."""
    if fmt == "csv":
        data = csv_bytes(with_headers(df, headers))
    elif fmt == "xlsx":
        data = xlsx_bytes({LEVELS_SHEET: with_headers(df, headers)}, _provenance(df))
    elif fmt == "geojson":
        if store is None:
            raise ValueError("a GeoJSON export needs the store, for the ward and block polygons")
        if headers != "en":
            raise ValueError("a GeoJSON export keeps the contract's property names")
        data = geojson_bytes(df, _polygons(store))
    else:
        raise ValueError(f"unknown export format {fmt!r}: expected one of {FORMATS}")
    if hasattr(dest, "write"):
        dest.write(data)
    else:
        Path(dest).write_bytes(data)


# ---- CSV -------------------------------------------------------------------------------


def _csv_cell(value) -> str:
    if is_missing(value):
        return ""
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return neutralise_formula(value)
    return str(value)


def csv_bytes(df: pd.DataFrame) -> bytes:
    """UTF-8 with BOM (so Excel shows Vietnamese), CRLF rows (RFC 4180), ISO dates,
    booleans as true/false, every text cell formula-neutralised."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([str(c) for c in df.columns])
    for row in df.astype(object).itertuples(index=False, name=None):
        writer.writerow([_csv_cell(v) for v in row])
    return out.getvalue().encode("utf-8-sig")


# ---- XLSX ------------------------------------------------------------------------------


def _xlsx_cell(sheet, value, font: Font | None = None):
    """A cell value: text always as a text cell (never a formula), numbers, booleans
    and dates as themselves so they sort and sum."""
    if is_missing(value):
        return None
    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=xlsx_text(value))
        cell.data_type = "s"  # openpyxl would take a leading '=' for a formula
        if font is not None:
            cell.font = font
        return cell
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    return value


def _column_widths(df: pd.DataFrame) -> list[float]:
    widths = []
    for col in df.columns:
        lengths = [len(str(v)) for v in df[col] if not is_missing(v)]
        widths.append(min(max([len(str(col)), *lengths]) + 2, _MAX_COLUMN_WIDTH))
    return widths


def _print_setup(sheet, columns: int, rows: int) -> None:
    """Prints on A4 landscape, every column on the page's width (as many pages down as
    it takes), the header row on every page, the table and nothing else."""
    last = get_column_letter(max(columns, 1))
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # 0: no limit on the number of pages down
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_title_rows = "1:1"
    sheet.print_area = f"A1:{last}{rows + 1}"


def _fill_sheet(sheet, df: pd.DataFrame) -> None:
    sheet.freeze_panes = "A2"  # the header stays in view while scrolling
    _print_setup(sheet, len(df.columns), len(df))
    for i, width in enumerate(_column_widths(df), start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    bold = Font(bold=True)
    sheet.append([_xlsx_cell(sheet, str(c), bold) for c in df.columns])
    for row in df.astype(object).itertuples(index=False, name=None):
        sheet.append([_xlsx_cell(sheet, v) for v in row])
    last = get_column_letter(max(len(df.columns), 1))
    sheet.auto_filter.ref = f"A1:{last}{len(df) + 1}"


def xlsx_bytes(sheets: dict[str, pd.DataFrame], properties: dict[str, str]) -> bytes:
    """An XLSX workbook, one sheet per table (frozen header, filters), with document
    properties such as title, subject, description and keywords."""
    book = Workbook(write_only=True)
    for name, df in sheets.items():
        _fill_sheet(book.create_sheet(title=name), df)
    for key, value in properties.items():
        setattr(book.properties, key, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _provenance(df: pd.DataFrame) -> dict[str, str]:
    policy_ids = sorted({str(v) for v in df.get("policy_id", [])})
    dates = sorted({str(v) for v in df.get("as_of", [])})
    where = f"policy {', '.join(policy_ids) or '-'}; as of {', '.join(dates) or '-'}"
    return {"title": "vungxanh: cấp độ vùng / zone levels", "creator": "vungxanh",
            "subject": where, "description": where,
            "keywords": f"policy_id={','.join(policy_ids)}; as_of={','.join(dates)}"}


# ---- GeoJSON ---------------------------------------------------------------------------


def _polygons(store: Store) -> dict[tuple[str, str], dict]:
    """(ward_code, block_code) → GeoJSON geometry, exterior rings counter-clockwise as
    RFC 7946 asks; areas without a polygon are absent."""
    out: dict[tuple[str, str], dict] = {}
    for area_type in ("ward", "block"):
        found = store.geometries(area_type)
        if found.empty:
            continue
        blocks = found["block_code"] if "block_code" in found else [WARD_ROW] * len(found)
        shapes = shapely.orient_polygons(shapely.from_wkb([bytes(g) for g in found["geometry"]]))
        for ward, block, shape in zip(found["ward_code"], blocks, shapes, strict=True):
            out[(ward, block)] = shapely.geometry.mapping(shape)
    return out


def _json_value(value):
    if is_missing(value):
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, np.generic):
        return value.item()
    return value


def geojson_bytes(df: pd.DataFrame, polygons: dict[tuple[str, str], dict]) -> bytes:
    """RFC 7946 FeatureCollection (EPSG:4326, no `crs` member), one feature per row with
    every column as a property; geometry null for an area without a polygon. Text is
    kept as stored: escaping is the job of whoever renders it as HTML."""
    columns = [str(c) for c in df.columns]
    features = []
    for row in df.astype(object).itertuples(index=False, name=None):
        props = {c: _json_value(v) for c, v in zip(columns, row, strict=True)}
        key = (props["ward_code"], props["block_code"] or WARD_ROW)
        features.append({
            "type": "Feature",
            "id": key[0] if key[1] == WARD_ROW else f"{key[0]}/{key[1]}",
            "geometry": polygons.get(key),
            "properties": props,
        })
    doc = {"type": "FeatureCollection", "features": features}
    return json.dumps(doc, ensure_ascii=False, allow_nan=False).encode("utf-8")
