"""The dashboard's pure page helpers, without a running app: level changes an upload
makes, the uploads table of the history page, and the problems table of the upload page,
in both languages."""

from __future__ import annotations

import pandas as pd

from data.services.changes import level_changes
from tests.support.browser import END
from ui.pages.history import uploads_frame
from ui.upload_flow import problems_frame
from zones.problems import Problem


def test_level_changes_compare_effective_levels():
    key = {"date": [END, END], "ward_code": ["90001", "90001"], "block_code": ["", "A"]}
    before = pd.DataFrame(key | {"level": ["xanh", "do"]})
    after = pd.DataFrame(key | {"level": ["do", "do"]})
    changes = level_changes(before, after)
    assert changes[["block_code", "before", "after"]].to_dict("records") == [
        {"block_code": "", "before": "xanh", "after": "do"}]


def test_uploads_frame_search_and_time_zone():
    uploads = pd.DataFrame({
        "id": [1, 2], "user_name": ["Anh Đức", "demo"], "file_name": ["a.csv", "demo-city"],
        "uploaded_at": pd.to_datetime(["2021-09-30 17:30", "2021-09-30 01:00"]),
        "channel": ["file", "demo"], "rows": [3, 9], "outcome": ["accepted", "repeat"],
        "changed": [3, 0], "sha256": ["a" * 64, "b" * 64]})
    vi = uploads_frame(uploads, "vi")
    assert vi["Thời điểm"].tolist() == ["30/09/2021 08:00", "01/10/2021 00:30"]  # UTC+7
    assert vi["Kết quả"].tolist() == ["Gửi lặp lại", "Đã lưu"]
    assert uploads_frame(uploads, "en", "duc")["Sent by"].tolist() == ["Anh Đức"]


def test_problems_frame_in_both_languages():
    problems = [Problem(None, None, "", "ingest.not_a_table_empty"),
                Problem(4, "level", "vàng", "ingest.unknown_level")]
    vi = problems_frame(problems, "vi")
    assert vi.to_dict("list") == {
        "Dòng": ["(cả tệp)", "4"], "Cột": ["", "level"], "Giá trị": ["", "vàng"],
        "Lý do": ["không phải bảng dữ liệu: tệp rỗng",
                  "cấp độ không hợp lệ: hãy viết xanh, da cam, đỏ hoặc phong tỏa"]}
    assert [r.split(":")[0] for r in problems_frame(problems, "en")["Reason"]] == [
        "not a table", "unknown level"]
