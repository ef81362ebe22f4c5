"""Vietnamese all the way, in AppTest: the history page tells each upload in words (who,
which file, how many rows, which levels moved) with its hash and JSON behind an
expander; the trends charts carry the Vega locale (12.345, tháng 9) and dd/mm axes; the
upload page's file input draws its own texts in the user's language."""

from __future__ import annotations

import json

import pandas as pd
import pyarrow as pa
from streamlit.testing.v1 import AppTest

from data.store.database import Store, UploadMeta
from tests.support.apptest import TIMEOUT, goto
from tests.support.browser import END, ROOT
from ui.file_input import css_string


def _app(monkeypatch, url: str) -> AppTest:
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("VUNGXANH_TILES", raising=False)
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()


def _texts(at: AppTest) -> str:
    return "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption])


def test_history_tells_each_upload_in_words(monkeypatch, demo):
    store = Store(demo)
    row = {"ward_code": "90001", "block_code": "TDP02", "date": END, "level": "phong_toa",
           "new_cases": 1, "tests_done": 5, "note": None}
    store.record_upload(UploadMeta("Chị *Lan*", "sửa.csv", "e" * 64, 1), pd.DataFrame([row]),
                        {})
    store.dispose()
    at = goto(_app(monkeypatch, demo), "history")
    assert not at.exception
    text = _texts(at)
    # the name shown literally (no emphasis), the file, its rows and its level change
    assert r"**Chị \*Lan\*** gửi «sửa\.csv» (Tệp tải lên): 1 dòng, 1 giá trị mới hoặc sửa." \
        in text
    assert "Cấp độ: 1 tổ dân phố lên phong tỏa." in text
    details = at.expander[0]
    assert details.label == "Chi tiết (SHA-256, JSON)"
    codes = [c.value for c in details.code]
    assert codes[0] == "e" * 64
    detail = json.loads(codes[1])
    assert detail["file_name"] == "sửa.csv" and detail["level_changes"][0]["after"] == "phong_toa"
    at.sidebar.radio(key="lang").set_value("en").run()
    assert "Levels: 1 block up to Lockdown." in _texts(at)


def test_trends_charts_speak_the_language(monkeypatch, demo):
    at = goto(_app(monkeypatch, demo), "trends")
    charts = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    assert len(charts) == 4
    for spec in charts:
        locale = spec["config"]["locale"]
        assert locale["number"]["thousands"] == "." and locale["number"]["decimal"] == ","
        assert locale["time"]["months"][8] == "tháng 9" and locale["time"]["shortDays"][1] == "T2"
    first = charts[0]["layer"][0]["encoding"]
    assert first["x"]["axis"]["format"] == "%d/%m"
    assert first["tooltip"][2]["format"] == ",d"  # grouped by the locale's "."
    # screen readers hear Vietnamese, not Vega's "X-axis for a time scale…"
    assert first["x"]["axis"]["description"] == "Trục ngày"
    assert first["y"]["axis"]["description"] == "Trục Phường/xã"
    assert first["color"]["legend"]["description"] == "Chú giải: Cấp độ"
    # an area is one path per level: a description per day would cut it into pieces
    assert first["description"]["field"] == "label"
    assert charts[2]["encoding"]["description"]["field"] == "said"
    bars = pa.ipc.open_stream(at.get("vega_lite_chart")[2].proto.datasets[0].data.data)
    said = bars.read_all().to_pandas()[["day", "new_cases", "said"]].iloc[-1]
    assert said["said"] == f"{said['day']}: Ca mới {said['new_cases']}"
    at.sidebar.radio(key="lang").set_value("en").run()
    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    assert spec["config"]["locale"]["number"]["thousands"] == ","
    assert spec["config"]["locale"]["time"]["months"][8] == "September"


def test_the_file_input_draws_its_texts_in_the_language(monkeypatch, demo):
    at = goto(_app(monkeypatch, demo), "upload")
    css = "\n".join(h.proto.body for h in at.get("html"))
    assert ".st-key-upload_file_0" in css
    for words in ("Chọn tệp", "Thả tệp vào đây", "Tối đa 20 MB một tệp • CSV, XLSX"):
        assert css_string(words) in css, words
    at.sidebar.radio(key="lang").set_value("en").run()
    css = "\n".join(h.proto.body for h in at.get("html"))
    assert css_string("At most 20 MB per file • CSV, XLSX") in css


def test_css_strings_cannot_break_out():
    text = css_string('a"b\\c</style><script>')
    assert text.startswith('"') and text.endswith('"')
    assert not any(ch in text[1:-1] for ch in '"<>') and "\\\\" not in text
