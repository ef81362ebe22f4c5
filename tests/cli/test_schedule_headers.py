"""`schedule --headers` and `export-levels --headers` (issue #17): the CSV keeps today's
English contract header unless `--headers vi` is asked; the XLSX stays Vietnamese unless
`--headers en`; GeoJSON property names never change."""

from __future__ import annotations

import csv
import io

import openpyxl

from cli import main
from data.exports.levels import LEVEL_COLUMNS
from data.exports.schedule_tables import CSV_COLUMNS, HEADERS_VI

AS_OF = "2021-09-30"


def _schedule(url: str, out, *extra: str) -> int:
    return main(["--db", url, "schedule", "--as-of", AS_OF, "--capacity", "3000",
                 "-o", str(out), *extra])


def _rows(path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))


def test_schedule_csv_keeps_the_contract_header_by_default(cli_demo_db, tmp_path):
    assert _schedule(cli_demo_db, tmp_path / "en.csv") == 0
    assert _schedule(cli_demo_db, tmp_path / "en2.csv", "--headers", "en") == 0
    rows = _rows(tmp_path / "en.csv")
    assert rows[0] == CSV_COLUMNS and (tmp_path / "en2.csv").read_bytes() == (
        tmp_path / "en.csv").read_bytes()
    assert {r[7] for r in rows[1:]} <= {"xanh", "da_cam", "do", "phong_toa", "unknown"}


def test_schedule_headers_vi_writes_vietnamese_headers_and_labels(cli_demo_db, tmp_path):
    assert _schedule(cli_demo_db, tmp_path / "vi.csv", "--headers", "vi") == 0
    rows = _rows(tmp_path / "vi.csv")
    assert rows[0] == [HEADERS_VI[c] for c in CSV_COLUMNS]
    assert {r[7] for r in rows[1:]} <= {"Vùng xanh", "Vùng da cam", "Vùng đỏ", "Phong tỏa",
                                        "Chưa có dữ liệu"}
    reasons = {r[16] for r in rows[1:]} - {""}
    assert reasons and reasons <= {"Lấy mẫu trễ hạn", "Chưa được lấy mẫu trong kỳ kế hoạch",
                                   "Lớn hơn năng lực lấy mẫu một ngày: không lấy mẫu được"}


def test_schedule_xlsx_is_vietnamese_unless_english_is_asked(cli_demo_db, tmp_path):
    assert _schedule(cli_demo_db, tmp_path / "vi.xlsx", "--format", "xlsx") == 0
    assert _schedule(cli_demo_db, tmp_path / "en.xlsx", "--format", "xlsx",
                     "--headers", "en") == 0
    assert openpyxl.load_workbook(tmp_path / "vi.xlsx").sheetnames[:2] == ["Tổng hợp", "Quá hạn"]
    assert openpyxl.load_workbook(tmp_path / "en.xlsx").sheetnames[:2] == ["Summary", "Overdue"]


def test_export_levels_headers(cli_demo_db, tmp_path, capsys):
    base = ["--db", cli_demo_db, "export-levels", "--as-of", AS_OF]
    assert main([*base, "-o", str(tmp_path / "en.csv")]) == 0
    assert main([*base, "--headers", "vi", "-o", str(tmp_path / "vi.csv")]) == 0
    en, vi = _rows(tmp_path / "en.csv"), _rows(tmp_path / "vi.csv")
    assert en[0] == LEVEL_COLUMNS
    assert vi[0][:3] == ["Loại khu vực", "Mã tỉnh/thành phố", "Tỉnh/thành phố"]
    assert vi[1:] == en[1:]  # the same cells
    code = main(["--lang", "en", *base, "--format", "geojson", "--headers", "vi",
                 "-o", str(tmp_path / "x.geojson")])
    assert code == 2 and "GeoJSON property names" in capsys.readouterr().err
    assert not (tmp_path / "x.geojson").exists()
