"""Messages of the map and the dashboard that are not yet in i18n/*.toml.

The catalogue's owner moves these keys into vi.toml / en.toml; `tr` already prefers the
catalogue, so once a key is there this table's entry is dead and can be deleted. No
Streamlit here: geo/mapbuild.py reads the same table.
"""

from __future__ import annotations

from i18n import t

PENDING: dict[str, dict[str, str]] = {
    # map legend and tooltip
    "map.legend_title": {"vi": "Cấp độ vùng", "en": "Zone level"},
    "map.legend_as_of": {"vi": "ngày {date}", "en": "as of {date}"},
    "map.legend_wards": {"vi": "Phường", "en": "Wards"},
    "map.legend_population": {"vi": "Dân số", "en": "Population"},
    "map.legend_stale": {"vi": "Viền nét đứt: dữ liệu cũ", "en": "Dashed outline: stale data"},
    "map.tip.level": {"vi": "Cấp độ", "en": "Level"},
    "map.tip.since": {"vi": "Từ ngày", "en": "Since"},
    "map.tip.new_cases": {"vi": "Ca mới", "en": "New cases"},
    "map.tip.tests_done": {"vi": "Số mẫu xét nghiệm", "en": "Tests done"},
    "map.tip.population": {"vi": "Dân số", "en": "Population"},
    "map.tip.source": {"vi": "Căn cứ", "en": "Based on"},
    "map.tip.note": {"vi": "Ghi chú", "en": "Note"},
    "map.tip.stale": {"vi": "dữ liệu cũ", "en": "stale data"},
    "map.tip.none": {"vi": "—", "en": "—"},
    # where a level came from: zones.effective.SOURCES
    "map.source.report": {"vi": "báo cáo trong ngày", "en": "own report that day"},
    "map.source.carried": {"vi": "báo cáo cũ ngày {date}", "en": "earlier report of {date}"},
    "map.source.rollup": {"vi": "mức cao nhất của các tổ dân phố (báo cáo từ {date})",
                          "en": "worst of its blocks (reports from {date})"},
    "map.source.none": {"vi": "không có báo cáo", "en": "no report"},
    # one- or two-letter level marks drawn on each ward: the non-colour cue
    "map.short.xanh": {"vi": "X", "en": "G"},
    "map.short.da_cam": {"vi": "C", "en": "O"},
    "map.short.do": {"vi": "Đ", "en": "R"},
    "map.short.phong_toa": {"vi": "PT", "en": "L"},
    "map.short.unknown": {"vi": "?", "en": "?"},
    # dashboard
    "ui.title": {"vi": "Vùng xanh: bản đồ cấp độ vùng", "en": "Vungxanh: zone level map"},
    "ui.language": {"vi": "Ngôn ngữ", "en": "Language"},
    "ui.tab_map": {"vi": "Bản đồ", "en": "Map"},
    "ui.tab_upload": {"vi": "Tải báo cáo lên", "en": "Upload reports"},
    "ui.demo_loading": {"vi": "Cơ sở dữ liệu trống: đang tạo thành phố mẫu…",
                        "en": "The store is empty: generating the demo city…"},
    "ui.demo_step": {"vi": "Đang tạo thành phố mẫu: {label}",
                     "en": "Generating the demo city: {label}"},
    "ui.demo_done": {"vi": "Đã nạp thành phố mẫu (dữ liệu giả lập).",
                     "en": "Loaded the demo city (made-up data)."},
    "ui.no_reports": {"vi": "Chưa có báo cáo nào trong cơ sở dữ liệu.",
                      "en": "No reports in the store yet."},
    "ui.date": {"vi": "Ngày", "en": "Date"},
    "ui.policy_caption": {"vi": "Chính sách {policy} · cấp độ ngày {date}",
                          "en": "Policy {policy} · levels as of {date}"},
    "ui.map_alt": {"vi": "Bản đồ các phường theo cấp độ vùng ngày {date}",
                   "en": "Map of wards by zone level on {date}"},
    "ui.summary_title": {"vi": "Tổng hợp theo cấp độ", "en": "Summary by level"},
    "ui.no_polygon": {"vi": "{n} phường chưa có ranh giới nên không hiện trên bản đồ.",
                      "en": "{n} wards have no boundary, so they are not on the map."},
    "ui.table_title": {"vi": "Bảng dữ liệu các phường", "en": "Ward table"},
    "ui.col.level": {"vi": "Cấp độ", "en": "Level"},
    "ui.col.wards": {"vi": "Số phường", "en": "Wards"},
    "ui.col.population": {"vi": "Dân số", "en": "Population"},
    "ui.col.blocks": {"vi": "Số tổ dân phố", "en": "Blocks"},
    "ui.col.ward_code": {"vi": "Mã phường", "en": "Ward code"},
    "ui.col.ward_name": {"vi": "Phường", "en": "Ward"},
    "ui.col.district": {"vi": "Quận/huyện", "en": "District"},
    "ui.col.since": {"vi": "Từ ngày", "en": "Since"},
    "ui.col.stale": {"vi": "Dữ liệu cũ", "en": "Stale"},
    "ui.col.new_cases": {"vi": "Ca mới", "en": "New cases"},
    "ui.col.tests_done": {"vi": "Số mẫu", "en": "Tests done"},
    "ui.col.note": {"vi": "Ghi chú", "en": "Note"},
    # upload page
    "ui.upload.title": {"vi": "Tải lên báo cáo cấp độ vùng hằng ngày",
                        "en": "Upload the daily zone file"},
    "ui.upload.file": {"vi": "Tệp báo cáo (CSV hoặc XLSX)", "en": "Zone file (CSV or XLSX)"},
    "ui.upload.rejected": {"vi": "Tệp bị từ chối, không lưu gì: {n} lỗi cần sửa.",
                           "en": "File rejected, nothing stored: {n} errors to fix."},
    "ui.upload.valid": {"vi": "Tệp hợp lệ: {rows} dòng. Kiểm tra rồi bấm Lưu.",
                        "en": "The file is valid: {rows} rows. Check it, then press Save."},
    "ui.upload.warnings": {"vi": "{n} cảnh báo (không chặn việc lưu):",
                           "en": "{n} warnings (they do not block saving):"},
    "ui.upload.col.row": {"vi": "Dòng", "en": "Row"},
    "ui.upload.col.column": {"vi": "Cột", "en": "Column"},
    "ui.upload.col.value": {"vi": "Giá trị", "en": "Value"},
    "ui.upload.col.reason": {"vi": "Lý do", "en": "Reason"},
    "ui.upload.file_level": {"vi": "(cả tệp)", "en": "(whole file)"},
    "ui.upload.user": {"vi": "Người tải lên", "en": "Uploaded by"},
    "ui.upload.need_user": {"vi": "Nhập tên người tải lên để lưu.",
                            "en": "Enter the uploader's name to save."},
    "ui.upload.confirm": {"vi": "Lưu", "en": "Save"},
    "ui.upload.stored": {"vi": "Đã lưu: {changed} giá trị mới hoặc thay đổi "
                               "({replaced} thay thế giá trị cũ, vẫn giữ trong lịch sử).",
                         "en": "Stored: {changed} new or changed values ({replaced} "
                               "replaced earlier ones, which stay in the history)."},
    "ui.upload.repeat": {"vi": "Tệp này đã được lưu trước đó: không có gì thay đổi.",
                         "en": "This file was stored before: nothing changed."},
}


def tr(key: str, lang: str = "vi", **values) -> str:
    """The catalogue's text for `key`, else this table's; KeyError if neither has it."""
    try:
        return t(key, lang, **values)
    except KeyError:
        if key not in PENDING:
            raise
    text = PENDING[key]["en" if lang == "en" else "vi"]
    return text.format(**values) if values else text


def has(key: str) -> bool:
    try:
        tr(key)
    except KeyError:
        return False
    return True
