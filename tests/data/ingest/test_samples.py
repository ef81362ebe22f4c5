"""The Hà Đông sample files give exactly the outcomes ../shared/data/samples/README.md
requires, judged alone and stored on SQLite and PostgreSQL."""

import datetime as dt

import pytest

from data.ingest.zone_file import ingest_file, validate_bytes
from tests.support.ingest_files import POLICY, TODAY, hadong_known, load_hadong

ACCEPTED = {
    "hadong_history_2021-08-20_2021-09-18.csv": 7752,
    "hadong_2021-09-19_mo-lao_quang-trung_vi.csv": 32,
    "hadong_2021-09-19_phuc-la_ha-cau.xlsx": 34,
    "hadong_2021-09-19_kien-hung_phu-lam_cp1258.csv": 31,
}
ERRORS = [  # (row, column, value, start of the English reason, start of the Vietnamese)
    (6, "date", "31/09/2021", "bad date: September has 30 days", "ngày không hợp lệ"),
    (8, "level", "Vàng", "unknown level", "cấp độ không hợp lệ"),
    (10, "new_cases", "-1", "negative count", "số âm"),
    (12, "level", "", "missing required value", "thiếu giá trị bắt buộc"),
    (14, "tests_done", "12,5", "not an integer", "không phải số nguyên"),
    (26, "block_code", "TDP30", "unknown block code for ward 09551",
     "mã tổ không tồn tại trong phường"),
    (27, "ward_code", "09540", "unknown ward code", "mã phường không tồn tại"),
    (28, "level", "Đỏ", "same area (09551/TDP02) and date as row 4, with a different level "
     "(row 4: `Xanh`)", "trùng khu vực"),
]
ERRORS_FILE = "hadong_2021-09-19_errors.csv"
HISTORY = "hadong_history_2021-08-20_2021-09-18.csv"


@pytest.fixture(scope="module")
def known(shared_data):
    return hadong_known(shared_data)


def _judge(shared_data, known, name):
    raw = (shared_data / "samples" / name).read_bytes()
    return validate_bytes(raw, name, known, TODAY, POLICY)


@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_sample_accepted_with_no_warning(shared_data, known, name):
    report = _judge(shared_data, known, name)
    assert report.errors == []
    assert report.warnings == []
    assert report.accepted and report.row_count == ACCEPTED[name]
    assert report.to_json() == {
        "file": name, "accepted": True, "rows": ACCEPTED[name], "warnings": [],
        "warnings_vi": [], "errors": []}


def test_errors_sample_lists_exactly_the_eight_errors(shared_data, known):
    report = _judge(shared_data, known, ERRORS_FILE)
    assert not report.accepted and report.row_count == 0 and report.rows is None
    got = [(p.row, p.column, p.value) for p in report.errors]
    assert got == [e[:3] for e in ERRORS]
    for p, (*_, en, vi) in zip(report.errors, ERRORS, strict=True):
        assert p.reason.startswith(en), p.reason
        assert p.reason_vi.startswith(vi), p.reason_vi
    assert report.to_json()["errors"][0] == {
        "row": 6, "column": "date", "value": "31/09/2021",
        "reason": report.errors[0].reason, "reason_vi": report.errors[0].reason_vi}


def test_vietnamese_file_values(shared_data, known):
    rows = _judge(shared_data, known, "hadong_2021-09-19_mo-lao_quang-trung_vi.csv").rows
    assert set(rows["date"]) == {dt.date(2021, 9, 19)}
    assert set(rows["level"]) == {"xanh", "da_cam", "do"}
    notes = rows["note"].dropna().tolist()
    assert "Đã lấy mẫu xét nghiệm nhanh toàn tổ, chưa có kết quả" in notes
    assert len(notes) == 2


def test_xlsx_sample_values(shared_data, known):
    rows = _judge(shared_data, known, "hadong_2021-09-19_phuc-la_ha-cau.xlsx").rows
    assert set(rows["date"]) == {dt.date(2021, 9, 19)}
    assert set(rows["ward_code"]) == {"09553", "09556"}
    assert set(rows["level"]) <= {"xanh", "da_cam", "do"}
    assert (rows["block_code"] == "").sum() == 2  # the two ward rows, empty ma_to cell
    assert rows["note"].notna().sum() == 1


def test_cp1258_sample_is_nfc(shared_data, known):
    rows = _judge(shared_data, known, "hadong_2021-09-19_kien-hung_phu-lam_cp1258.csv").rows
    notes = rows["note"].dropna().tolist()
    assert "Phường Kiến Hưng: báo cáo lúc 7 giờ sáng" in notes
    assert "Hộ ông Nguyễn Văn Tuấn; số nhà 12, ngõ 4 – đã hết cách ly" in notes
    assert set(rows["date"]) == {dt.date(2021, 9, 19)}


def test_history_and_day_files_store_on_both_databases(store, shared_data):
    load_hadong(store, shared_data)
    samples = shared_data / "samples"
    for name, count in ACCEPTED.items():
        report, outcome = ingest_file(store, samples / name, name, user="tổ covid",
                                      today=TODAY, policy=POLICY)
        assert report.accepted, report.errors
        assert (outcome.outcome, outcome.changed) == ("accepted", count)
    stored = store.reports()
    assert len(stored) == sum(ACCEPTED.values())
    bien_giang = stored[stored["ward_code"] == "10123"]
    assert dt.date(2021, 9, 5) not in set(bien_giang["date"])
    assert len(bien_giang) == 9 * 28
    lockdown = stored[(stored["ward_code"] == "09542") & (stored["block_code"] == "TDP05")]
    assert lockdown.set_index("date").at[dt.date(2021, 9, 9), "level"] == "phong_toa"


def test_errors_file_stores_nothing_on_both_databases(store, shared_data):
    load_hadong(store, shared_data)
    before = store.table_counts()
    report, outcome = ingest_file(store, shared_data / "samples" / ERRORS_FILE, ERRORS_FILE,
                                  user="tổ covid", today=TODAY, policy=POLICY)
    assert outcome is None and not report.accepted and len(report.errors) == 8
    assert store.table_counts() == before
