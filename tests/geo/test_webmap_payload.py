"""The fast map's history and payloads (geo/webmap/history.py, payload.py) and the pages
that use them: every day's grids, built from the store's report grids, equal to what
zones/ computes for that day, a per-date payload of one byte per area, search without
diacritics, and the map and table pages in AppTest (URL state, date change, escaped
notes, the day's HTML map offered). The component's page is tested in
test_webmap_component.py.
Polygon simplification and encoding are tested in test_htmlmap.py."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import zlib

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from data.config.policy_files import load_policy
from data.store.database import Store, UploadMeta
from geo.webmap import history as fastmap
from geo.webmap import payload
from geo.webmap.geometry_file import area_geometries
from tests.oracles.rounds_rows import derive_rounds
from tests.support.browser import END, ROOT, XSS_NOTE, demo_store, map_args, small_store
from zones.areas import area_keys
from zones.counts import area_counts
from zones.effective import effective_levels
from zones.rounds import round_table

POLICY = load_policy()


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The small demo city (4 wards × 5 blocks, 20 days) with an XSS note on a block, and
    everything read from it once: (url, areas, reports, history)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('fast') / 'fast.db'}"
    store = demo_store(url)
    reports = store.reports()
    reports.loc[(reports["block_code"] == "TDP01") & (reports["date"] == END), "note"] = XSS_NOTE
    areas = store.areas()
    first, last = store.date_range()
    lead = first - dt.timedelta(days=POLICY.carry_forward_days)
    grids = store.report_grids(area_keys(areas), lead, last)
    history = fastmap.map_history_of_grids(areas, *grids, lead, first, last, POLICY)
    geoms = area_geometries(areas, store.geometries("ward"), store.geometries("block"))
    store.dispose()
    return url, areas, reports, history, geoms


# ---- the day grids equal zones/ for every day -------------------------------------------


def test_levels_stale_source_and_since_match_effective_levels(demo):
    _url, areas, reports, history, _geoms = demo
    for day in range(history.days):
        date = history.date(day)
        expected = effective_levels(areas, reports[reports["date"] <= date], date, POLICY)
        frame = fastmap.day_frame(history, areas, date)
        assert list(frame["level"]) == list(expected["level"]), date
        assert list(frame["stale"]) == list(expected["stale"]), date
        assert list(frame["source"]) == list(expected["source"]), date
        assert list(frame["level_since"]) == list(expected["level_since"]), date


def test_cases_in_7_and_14_days_count_nothing_twice(demo):
    _url, areas, reports, history, _geoms = demo
    for date in (END, END - dt.timedelta(days=9)):
        daily = [area_counts(areas, reports, date - dt.timedelta(days=k))["new_cases"]
                 for k in range(14)]
        frame = fastmap.day_frame(history, areas, date)
        for width, col in ((7, "cases7"), (14, "cases14")):
            window = [d for k, d in enumerate(daily) if k < width
                      and date - dt.timedelta(days=k) >= history.first_day]
            expected = pd.concat(window, axis=1).sum(axis=1, min_count=1)
            assert frame[col].astype("Float64").equals(expected.astype("Float64")), (date, col)


def test_last_round_and_due_match_zones_rounds(demo):
    _url, areas, reports, history, _geoms = demo
    for date in (END, END - dt.timedelta(days=6)):
        rounds = derive_rounds(reports[reports["date"] <= date], areas, POLICY)
        frame = fastmap.day_frame(history, areas, date)
        units = areas.assign(level=frame["level"])
        expected = round_table(units, rounds, date, POLICY)
        assert list(frame["last_round"]) == list(expected["last_round"]), date
        assert list(frame["due_by"]) == list(expected["due_by"]), date
        assert list(frame["overdue_days"]) == list(expected["overdue_days"]), date


def test_packed_files_and_the_per_date_payload(demo):
    _url, areas, _reports, history, _geoms = demo
    n, days = len(areas), history.days
    row = fastmap.day_row(history, END)
    assert isinstance(row, bytes) and len(row) == n  # one byte per area, nothing else
    levels = np.frombuffer(zlib.decompress(fastmap.pack_levels(history)), np.uint8)
    assert levels.reshape(days, n)[-1].tobytes() == row
    details = np.frombuffer(zlib.decompress(fastmap.pack_details(history)), "<i2")
    since = details.reshape(len(fastmap.DETAIL_FIELDS), n, days)[0]
    assert (since[:, -1] == history.since[-1]).all()
    with pytest.raises(ValueError, match="outside"):
        fastmap.day_row(history, END + dt.timedelta(days=1))


def test_base_payload_is_aligned_and_keeps_notes_as_text(demo):
    _url, areas, reports, history, geoms = demo
    geoms = geoms.copy()
    geoms[0] = None  # a ward without a polygon still has its row, with no geometry
    base = payload.base_payload(areas, geoms, reports, history.first_day)
    assert base["n"] == len(areas) and len(base["geom"]) == len(areas)
    assert base["geom"][0] is None and base["pt"][0] is None
    assert base["wcode"] == list(areas["ward_code"]) and base["code"] == list(areas["block_code"])
    assert base["block_zoom"] is not None and 10 <= base["block_zoom"] <= 19
    notes = base["notes"]
    assert XSS_NOTE in notes["text"]  # as typed: the page shows it with textContent
    i = notes["text"].index(XSS_NOTE)
    at = [a for a, t, d in zip(notes["area"], notes["text_idx"], notes["day"], strict=True)
          if t == i and d == history.day(END)]
    assert [areas.loc[a, "block_code"] for a in at] == ["TDP01"] * len(at) and at
    assert json.loads(zlib.decompress(payload.pack_json(base)))["n"] == len(areas)


# ---- search --------------------------------------------------------------------------------


@pytest.fixture
def named_areas() -> pd.DataFrame:
    return pd.DataFrame({
        "area_type": ["ward", "block", "block", "ward", "block"],
        "ward_code": ["00001", "00001", "00001", "00002", "00002"],
        "block_code": ["", "T1", "T3", "", "T3"],
        "ward_name": ["Phường Văn Quán", "Phường Văn Quán", "Phường Văn Quán",
                      "Phường Đống Đa", "Phường Đống Đa"],
        "block_name": ["", "Tổ dân phố 1", "Tổ dân phố 3", "", "Tổ dân phố 3"],
    })


@pytest.mark.parametrize(("query", "expected"), [
    ("phuong van quan", [0]),  # the ward, not its blocks
    ("Phường Văn Quán", [0]),
    ("PHUONG VAN QUAN", [0]),
    ("\u0050hu\u031bo\u031b\u0300ng va\u0306n", [0]),  # decomposed (NFD) input
    ("dong da", [3]),  # đ folds to d
    ("to dan pho 3", [2, 4]),
    ("to dan pho 3 van quan", [2]),
    ("00002", [3]),
    ("", []),
    ("khong co", []),
])
def test_search_with_or_without_diacritics(named_areas, query, expected):
    texts = payload.search_texts(named_areas)
    is_ward = (named_areas["area_type"] == "ward").to_numpy()
    assert np.flatnonzero(payload.search_mask(texts, is_ward, query)).tolist() == expected


# ---- the pages in AppTest ------------------------------------------------------------------


def summary_rows(at: AppTest) -> list[list[str]]:
    """The cells of the map page's summary (a Markdown table), header row first."""
    table = next(m.value for m in at.markdown if m.value.startswith("| "))
    lines = [line for line in table.splitlines() if not line.startswith("| ---")]
    return [[c.strip().replace("\\", "") for c in line.strip("| ").split(" | ")]
            for line in lines]


def _app(monkeypatch, url: str, path: str = "map", **params) -> AppTest:
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("VUNGXANH_TILES", raising=False)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.query_params.update(params)
    if path:
        at._page_hash = calc_hash(path)
    return at.run()


def test_map_page_sends_a_byte_per_area_and_follows_the_date(monkeypatch, demo):
    url, areas, _reports, history, _geoms = demo
    at = _app(monkeypatch, url)
    assert not at.exception
    args, day = map_args(at)
    assert args["date"] == END.isoformat() and args["days"] == history.days
    assert day == fastmap.day_row(history, END) and len(day) == len(areas)
    assert at.query_params["date"] in (END.isoformat(), [END.isoformat()])
    earlier = END - dt.timedelta(days=10)
    at.date_input(key="as_of").set_value(earlier).run()
    args2, day2 = map_args(at)
    assert args2["date"] == earlier.isoformat() and day2 == fastmap.day_row(history, earlier)
    assert args2["base"] == args["base"]  # the polygons are not sent again
    # The day's offline HTML map is offered, and made only when the button is pressed.
    assert [b.label for b in at.get("download_button")] == ["Tải bản đồ ngày này (HTML)"]


def test_no_map_file_for_a_day_without_levels(monkeypatch, tmp_path):
    url = f"sqlite:///{tmp_path / 'gap.db'}"
    store = small_store(url, n_wards=3, days=1, end=END - dt.timedelta(days=5))
    row = {"ward_code": "90001", "block_code": "", "date": END, "level": "do",
           "new_cases": 1, "tests_done": 0, "note": None}
    store.record_upload(UploadMeta("t", "b.csv", "b" * 64, 1), pd.DataFrame([row]), {})
    store.dispose()
    gap = END - dt.timedelta(days=2)  # carried one day at most: no level anywhere
    at = _app(monkeypatch, url, date=gap.isoformat())
    assert not at.exception and at.get("download_button") == []
    assert any(c.value.startswith("Chưa có cấp độ vùng nào ngày 28/09/2021") for c in at.caption)
    at = _app(monkeypatch, url, date=END.isoformat())
    assert len(at.get("download_button")) == 1


def test_map_page_reads_date_district_and_area_from_the_url(monkeypatch, demo):
    url, areas, _reports, _history, _geoms = demo
    day = END - dt.timedelta(days=3)
    at = _app(monkeypatch, url, date=day.isoformat(), district="902", area="90002/TDP03")
    assert not at.exception
    args, _ = map_args(at)
    assert args["date"] == day.isoformat() and args["district"] == "902"
    pos = areas.index[(areas["ward_code"] == "90002") & (areas["block_code"] == "TDP03")]
    assert args["focus"] == pos.tolist()
    assert at.date_input(key="as_of").value == day
    summary = summary_rows(at)
    wards_902 = ((areas["district_code"] == "902") & (areas["area_type"] == "ward")).sum()
    assert sum(int(row[1].replace(".", "")) for row in summary[1:]) == wards_902


def test_map_search_outlines_matches(monkeypatch, demo):
    url, areas, _reports, _history, _geoms = demo
    at = _app(monkeypatch, url)
    ward = areas[areas["area_type"] == "ward"].iloc[0]
    at.text_input(key="map_search").set_value(
        ward["ward_name"].lower().replace("ư", "u")).run()
    assert map_args(at)[0]["focus"] == [int(ward.name)] and not at.exception
    at.text_input(key="map_search").set_value("[x](javascript:alert(1))").run()
    assert map_args(at)[0]["focus"] == []
    assert r"\[x\]\(javascript\:alert\(1\)\)" in at.warning[0].value  # shown, not a link


def test_table_page_escapes_notes_and_sorts(monkeypatch, demo, tmp_path):
    shutil.copy(demo[0].removeprefix("sqlite:///"), tmp_path / "own.db")
    url = f"sqlite:///{tmp_path / 'own.db'}"
    store = Store(url)
    row = {"ward_code": "90001", "block_code": "", "date": END, "level": "phong_toa",
           "new_cases": 1, "tests_done": 0, "note": XSS_NOTE}
    store.record_upload(UploadMeta("t", "x.csv", "e" * 64, 1), pd.DataFrame([row]), {})
    store.dispose()
    at = _app(monkeypatch, url, path="table")
    assert not at.exception
    body = at.get("html")[0].proto.body
    assert "&lt;img src=x onerror=alert(1)&gt;" in body and "<img" not in body
    assert "<caption>" in body and "aria-sort='descending'" in body and "scope='row'" in body
    at.selectbox(key="table_sort").set_value("level").run()
    at.toggle(key="table_desc").set_value(True).run()
    body = at.get("html")[0].proto.body
    first_row = body.split("<tbody>")[1].split("</tr>")[0]
    assert "Phong tỏa" in first_row or "Chưa có dữ liệu" in first_row


def test_map_and_table_in_english_with_tiles(monkeypatch, demo):
    url = demo[0]
    monkeypatch.setenv("VUNGXANH_TILES", "https://tiles.example.org/{z}/{x}/{y}.png")
    monkeypatch.setenv("DATABASE_URL", url)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at._page_hash = calc_hash("map")
    at.run()
    at.sidebar.radio(key="lang").set_value("en").run()
    assert not at.exception
    args, _ = map_args(at)
    assert args["lang"] == "en" and args["text"]["labels"][1] == "Green"
    assert args["tiles"] is None  # the base layer is off until the reader turns it on
    at.toggle(key="map_tiles").set_value(True).run()
    args, _ = map_args(at)
    assert args["tiles"] == "https://tiles.example.org/{z}/{x}/{y}.png"
    assert summary_rows(at)[0][0] == "Level"
    at._page_hash = calc_hash("table")
    at.run()
    assert not at.exception and "Zone levels on" in at.get("html")[0].proto.body
