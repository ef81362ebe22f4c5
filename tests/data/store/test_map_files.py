"""The map's files kept in the store (data.store.map_files, data.store.derived): a second
start reads them back and gets exactly what computing gives; an upload, a new polygon or a new note
makes only the files it touches again; a store that cannot be written still gets its
map."""

import dataclasses
import json
import zlib

import numpy as np
import pandas as pd
import pytest
import shapely
from sqlalchemy import event, select

from data.config.policy_files import load_policy
from data.store import map_files
from data.store.database import Store, UploadMeta
from data.store.schema import derived_files
from geo.webmap.geometry_file import geometry_file
from geo.webmap.history import MapHistory
from tests.oracles.map_rows import map_history
from tests.support.browser import END, demo_store

POLICY = load_policy()


@pytest.fixture
def city(sqlite_url) -> Store:
    return demo_store(sqlite_url, wards=3, blocks_per_ward=3, days=12)


def made(monkeypatch) -> list[str]:
    """Names of the files each call makes instead of reading back."""
    calls = []
    for name in ("_history_files", "_base_file"):
        real = getattr(map_files, name)
        monkeypatch.setattr(map_files, name, lambda *a, _n=name, _r=real, **k:
                            calls.append(_n) or _r(*a, **k))
    real_geometry = map_files.geometry_file
    monkeypatch.setattr(map_files, "geometry_file", lambda *a, **k:
                        calls.append("geometry") or real_geometry(*a, **k))
    return calls


def same_history(a: MapHistory, b: MapHistory) -> None:
    assert a.first_day == b.first_day
    for f in dataclasses.fields(a)[1:]:
        assert np.array_equal(getattr(a, f.name), getattr(b, f.name)), f.name


def reference(store: Store) -> MapHistory:
    first, last = store.date_range()
    return map_history(store.areas(), store.reports(), first, last, POLICY)


def test_a_second_start_reads_the_files_back(city, monkeypatch):
    calls = made(monkeypatch)
    first = map_files.map_files(city, city.areas(), POLICY)
    assert sorted(calls) == ["_base_file", "_history_files", "geometry"]
    again = map_files.map_files(city, city.areas(), POLICY)
    assert sorted(calls) == ["_base_file", "_history_files", "geometry"]  # nothing new
    assert again.files == first.files
    same_history(again.history, first.history)
    same_history(again.history, reference(city))
    with city.engine.connect() as c:
        kinds = sorted(c.execute(select(derived_files.c.kind)).scalars())
    assert kinds == ["map-base", "map-geometry", "map-history"]
    assert again.notes == json.loads(zlib.decompress(first.files["base"]))["notes"]


def test_an_upload_a_polygon_and_a_note_remake_what_they_touch(city, monkeypatch):
    map_files.map_files(city, city.areas(), POLICY)
    calls = made(monkeypatch)
    rows = pd.DataFrame([{"ward_code": "90001", "block_code": "TDP01", "date": END,
                          "level": "phong_toa", "new_cases": 9, "tests_done": 0,
                          "note": "khu chợ"}])
    city.record_upload(UploadMeta("an", "fix.csv", "f" * 64, 1), rows, {})
    after = map_files.map_files(city, city.areas(), POLICY)
    assert sorted(calls) == ["_base_file", "_history_files"]  # the polygons did not change
    same_history(after.history, reference(city))
    assert "khu chợ" in after.notes["text"]
    calls.clear()
    blocks = city.geometries("block")
    square = shapely.to_wkb(shapely.box(105.0, 21.0, 105.001, 21.001))
    city.upsert_blocks(pd.DataFrame({"ward_code": [blocks["ward_code"][0]],
                                     "block_code": [blocks["block_code"][0]],
                                     "name": ["Tổ 1"], "population": [10],
                                     "geometry": [square]}))
    moved = map_files.map_files(city, city.areas(), POLICY)
    # a population changed too: the history (coverage of rounds) and names are made again
    assert sorted(calls) == ["_base_file", "_history_files", "geometry"]
    areas = city.areas()
    fresh, _ = geometry_file(areas, city.geometries("ward"), city.geometries("block"))
    assert moved.files["geometry"] == fresh


def test_a_history_int16_cannot_hold_is_computed_not_read_back(city, monkeypatch):
    monkeypatch.setattr(map_files, "details_exact", lambda history: False)
    map_files.map_files(city, city.areas(), POLICY)
    calls = made(monkeypatch)
    again = map_files.map_files(city, city.areas(), POLICY)
    assert calls == []  # the files are read back, the grids computed
    same_history(again.history, reference(city))


def test_a_store_that_cannot_be_written_still_gets_its_map(city):
    city.engine.dispose()
    event.listen(city.engine, "connect",
                 lambda conn, _rec: conn.execute("PRAGMA query_only = ON"))
    got = map_files.map_files(city, city.areas(), POLICY)
    same_history(got.history, reference(city))
    with city.engine.connect() as c:
        assert c.execute(select(derived_files.c.kind)).all() == []


def test_files_made_from_newer_reports_than_their_key_are_not_kept(city, monkeypatch):
    """An upload landing between reading the packs' digests and reading the packs: the
    map shows the newer reports, and nothing is kept under the older key."""
    real = city.report_records
    rows = pd.DataFrame([{"ward_code": "90002", "block_code": "", "date": END,
                          "level": "phong_toa", "new_cases": 1, "tests_done": 0,
                          "note": None}])

    def upload_first(*args):
        if not city.reports(END, END).query("ward_code == '90002' and block_code == ''")[
                "level"].eq("phong_toa").all():
            city.record_upload(UploadMeta("an", "late.csv", "e" * 64, 1), rows, {})
        return real(*args)

    monkeypatch.setattr(city, "report_records", upload_first)
    got = map_files.map_files(city, city.areas(), POLICY)
    same_history(got.history, reference(city))  # the newer reports
    with city.engine.connect() as c:
        kinds = sorted(c.execute(select(derived_files.c.kind)).scalars())
    assert kinds == ["map-geometry"]  # the history and names were not kept
    again = map_files.map_files(city, city.areas(), POLICY)
    same_history(again.history, reference(city))
    with city.engine.connect() as c:
        assert sorted(c.execute(select(derived_files.c.kind)).scalars()) == [
            "map-base", "map-geometry", "map-history"]
