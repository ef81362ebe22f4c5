"""The open-data export `export-levels`, on SQLite and PostgreSQL: the CSV against a
golden file, the XLSX read back with openpyxl, the GeoJSON parsed back. Notes include
formula and HTML attacks and Vietnamese text, which must come out inert and intact.

Set VUNGXANH_UPDATE_GOLDEN=1 to rewrite tests/support/golden/levels.csv after a deliberate change,
then review its diff like code.
"""

import csv
import dataclasses
import datetime as dt
import io
import json
import os
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import shapely
from shapely.geometry import MultiPolygon, Polygon, box, shape

from data.config.policy_files import load_policy
from data.exports.levels import LEVEL_COLUMNS, levels_table, write_levels
from data.store.database import UploadMeta
from data.store.schema import REPORT_FIELDS
from tests.support.paths import GOLDEN as GOLDEN_DIR

GOLDEN = GOLDEN_DIR / "levels.csv"
AS_OF = dt.date(2021, 9, 10)
# Pinned so that a change to policy/default.toml does not move the golden file.
POLICY = dataclasses.replace(load_policy(), id="golden-policy-1", carry_forward_days=1,
                             rollup="worst")
HOSTILE = {  # area → note written on AS_OF
    "90001": '=HYPERLINK("http://x")',
    "90001/TDP01": "+1",
    "90001/TDP02": "-2",
    "90101": "<img src=x onerror=alert(1)>",
    "90101/TDP01": "\tTab đầu dòng",
    "90101/TDP02": "\rCR đầu dòng",
    "90101/TDP03": "Hộ ông Nguyễn Văn Tuấn; số nhà 12, ngõ 4 – đã hết cách ly\ndòng hai",
    "90101/TDP04": "chuông\x07báo",
}
NEUTRALISED = {"90001", "90001/TDP01", "90001/TDP02", "90101/TDP01", "90101/TDP02"}
CLOCKWISE_SQUARE = Polygon([(105.70, 20.90), (105.70, 20.91), (105.71, 20.91),
                            (105.71, 20.90)])


def _units(store) -> None:
    wkb = shapely.to_wkb
    twin = MultiPolygon([box(105.80, 20.95, 105.81, 20.96), box(105.82, 20.95, 105.83, 20.96)])
    store.upsert_units(
        pd.DataFrame({"code": ["99"], "name": ["Tỉnh Thử"]}),
        pd.DataFrame({"code": ["901", "902"], "name": ["Quận Hà Đông", "Huyện Đồng Mai"],
                      "province_code": ["99", "99"]}),
        pd.DataFrame({"code": ["90001", "90002", "90101"],
                      "name": ["Phường Văn Quán", "Phường Yết Kiêu", "Xã Biên Giang"],
                      "district_code": ["901", "901", "902"], "population": [3000, 2000, 4000],
                      "geometry": [wkb(CLOCKWISE_SQUARE), None, wkb(twin)],
                      "geometry_crs": ["EPSG:4326", None, "EPSG:4326"]}),
    )
    blocks = [("90001", "TDP01", 1000, wkb(box(105.70, 20.90, 105.705, 20.905))),
              ("90001", "TDP02", 2000, None), ("90002", "TDP01", 2000, None)]
    blocks += [("90101", f"TDP0{i}", 1000, None) for i in range(1, 5)]
    store.upsert_blocks(pd.DataFrame(
        [(w, b, f"Tổ dân phố {b[-1]}", pop, g) for w, b, pop, g in blocks],
        columns=["ward_code", "block_code", "name", "population", "geometry"]))


def _report_rows(date: dt.date, recs: list[tuple]) -> pd.DataFrame:
    rows = []
    for area, level, cases, tests, note in recs:
        ward, _, block = area.partition("/")
        rows.append((ward, block, date, level, cases, tests, note))
    df = pd.DataFrame(rows, columns=list(REPORT_FIELDS))
    return df.astype({"new_cases": "Int64", "tests_done": "Int64"})


def _upload(store, date: dt.date, recs: list[tuple]) -> None:
    meta = UploadMeta(user_name="tổ covid", file_name=f"{date}.csv",
                      sha256=date.strftime("%Y%m%d").ljust(64, "0"), size_bytes=100)
    store.record_upload(meta, _report_rows(date, recs), {})


@pytest.fixture
def loaded(store):
    _units(store)
    _upload(store, dt.date(2021, 9, 8), [("90001", "do", 3, 200, None),
                                         ("90001/TDP01", "phong_toa", 3, 100, None)])
    _upload(store, dt.date(2021, 9, 9), [("90001", "do", 0, 50, None),
                                         ("90001/TDP01", "do", 0, 10, None),
                                         ("90002/TDP01", "xanh", 0, 5, "@SUM(A1)")])
    today = [("90001", "da_cam", 9, 999, None), ("90001/TDP01", "do", 2, 30, None),
             ("90001/TDP02", "xanh", 0, 70, None), ("90101", "xanh", 0, 0, None)]
    today += [(f"90101/TDP0{i}", "xanh", 0, 10 * i, None) for i in range(1, 5)]
    _upload(store, AS_OF, [(a, lv, c, t, HOSTILE.get(a)) for a, lv, c, t, _ in today])
    return store


def _row(df: pd.DataFrame, area: str) -> pd.Series:
    ward, _, block = area.partition("/")
    return df[(df["ward_code"] == ward) & (df["block_code"] == block)].iloc[0]


def test_levels_table(loaded):
    df = levels_table(loaded, AS_OF, POLICY)
    assert list(df.columns) == LEVEL_COLUMNS
    assert len(df) == 3 + 7
    assert list(df["ward_code"] + "/" + df["block_code"])[:4] == [
        "90001/", "90001/TDP01", "90001/TDP02", "90002/"]
    assert set(df["policy_id"]) == {"golden-policy-1"} and set(df["as_of"]) == {AS_OF}
    ward = _row(df, "90001")  # own report, counts from its block rows, never both
    assert ward[["level", "source", "new_cases", "tests_done"]].tolist() == [
        "da_cam", "report", 2, 100]
    assert _row(df, "90001/TDP01")[["level", "level_since"]].tolist() == ["do", dt.date(2021, 9, 9)]
    rolled = _row(df, "90002")  # rollup of a block carried from 09-09: stale
    assert rolled[["level", "source", "stale", "report_date"]].tolist() == [
        "xanh", "rollup", True, dt.date(2021, 9, 9)]
    assert _row(df, "90002/TDP01")["level_label_vi"] == "Vùng xanh"
    assert _row(df, "90101")["note"] == HOSTILE["90101"]  # stored text is untouched


def _export(store, fmt: str) -> bytes:
    out = io.BytesIO()
    write_levels(levels_table(store, AS_OF, POLICY), fmt, out, store=store)
    return out.getvalue()


def test_csv_matches_the_golden_file(loaded):
    data = _export(loaded, "csv")
    if os.environ.get("VUNGXANH_UPDATE_GOLDEN"):
        GOLDEN.write_bytes(data)
    assert data == GOLDEN.read_bytes()


def test_csv_has_bom_and_neutralised_text_cells(loaded):
    data = _export(loaded, "csv")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    notes = {f"{r['ward_code']}/{r['block_code']}".rstrip("/"): r["note"] for r in rows}
    for area, note in HOSTILE.items():
        expected = "'" + note if area in NEUTRALISED else note
        assert notes[area] == expected, area
    assert notes["90002/TDP01"] == ""  # a carried level brings no note of its own
    assert rows[0]["ward_code"] == "90001" and rows[0]["as_of"] == "2021-09-10"
    assert rows[0]["stale"] == "false" and rows[0]["population"] == "3000"


def _xlsx(store, tmp_path: Path):
    path = tmp_path / "levels.xlsx"
    write_levels(levels_table(store, AS_OF, POLICY), "xlsx", path, store=store)
    return openpyxl.load_workbook(path)


def test_xlsx_text_cells_are_text_never_formulas(loaded, tmp_path):
    book = _xlsx(loaded, tmp_path)
    sheet = book.worksheets[0]
    assert sheet.freeze_panes == "A2"
    cells = [c for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    for c in cells:
        if isinstance(c.value, str):
            assert c.data_type == "s" and not c.value.startswith(("=", "+", "-", "@")), c
    header = [c.value for c in sheet[1]]
    assert header == LEVEL_COLUMNS
    rows = [dict(zip(header, (c.value for c in r), strict=True)) for r in sheet.iter_rows(2)]
    notes = {f"{r['ward_code']}/{r['block_code'] or ''}".rstrip("/"): r["note"] for r in rows}
    for area, note in HOSTILE.items():
        expected = "'" + note if area in NEUTRALISED else note
        # XML has no bare CR (it reads one as a line end) and no BEL at all.
        assert notes[area] == expected.replace("\r", "\n").replace("\x07", "\ufffd"), area
    assert rows[0]["ward_code"] == "90001" and isinstance(rows[0]["population"], int)
    assert rows[0]["as_of"].date() == AS_OF and rows[0]["policy_id"] == "golden-policy-1"


def test_xlsx_properties_carry_policy_and_as_of(loaded, tmp_path):
    props = _xlsx(loaded, tmp_path).properties
    assert "golden-policy-1" in props.keywords and "2021-09-10" in props.keywords
    assert "golden-policy-1" in props.description


def test_geojson_is_rfc7946_with_null_geometry_for_areas_without_a_polygon(loaded):
    doc = json.loads(_export(loaded, "geojson").decode("utf-8"))
    assert doc["type"] == "FeatureCollection" and "crs" not in doc
    features = {f["id"]: f for f in doc["features"]}
    assert len(features) == 10
    assert features["90001"]["geometry"]["type"] == "Polygon"
    assert features["90101"]["geometry"]["type"] == "MultiPolygon"
    assert features["90001/TDP01"]["geometry"]["type"] == "Polygon"
    assert features["90002"]["geometry"] is None and features["90001/TDP02"]["geometry"] is None
    ward = shape(features["90001"]["geometry"])
    assert ward.exterior.is_ccw and ward.equals(CLOCKWISE_SQUARE)  # right-hand rule
    props = features["90001"]["properties"]
    assert props["note"] == HOSTILE["90001"] and props["level"] == "da_cam"
    assert props["policy_id"] == "golden-policy-1" and props["as_of"] == "2021-09-10"
    assert props["new_cases"] == 2 and props["stale"] is False
    assert features["90101/TDP04"]["properties"]["note"] == HOSTILE["90101/TDP04"]


def test_write_levels_refuses_what_it_cannot_do(loaded, tmp_path):
    df = levels_table(loaded, AS_OF, POLICY)
    with pytest.raises(ValueError, match="'pdf'"):
        write_levels(df, "pdf", tmp_path / "x.pdf")
    with pytest.raises(ValueError, match="needs the store"):
        write_levels(df, "geojson", tmp_path / "x.geojson")


def test_empty_store_exports_a_header_only(store):
    df = levels_table(store, AS_OF, POLICY)
    assert df.empty and list(df.columns) == LEVEL_COLUMNS
    out = io.BytesIO()
    write_levels(df, "csv", out)
    assert out.getvalue() == ("\ufeff" + ",".join(LEVEL_COLUMNS) + "\r\n").encode()
