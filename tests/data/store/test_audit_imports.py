"""import-boundaries and import-blocks are audited (issue #9): who, which file (name and
SHA-256), how many; the change and its entry commit together through Store.write, and a
refused file leaves the log as it was. On SQLite and PostgreSQL, through the API and the
CLI (whose acting user is the logged-in account, else the OS user)."""

from __future__ import annotations

import getpass
import hashlib
import json

import geopandas as gpd
import pytest
import shapely

from cli import main
from data.ingest.blocks import BlocksError, import_blocks_csv
from data.ingest.boundaries import import_boundaries
from data.store import accounts, audit
from data.store.database import Store
from geo.boundaries.read import BoundaryError
from tests.support.boundary_files import block_strips

PW = "correct horse battery"
WARD_ONE = shapely.box(105.76, 20.96, 105.78, 20.98)


def wards_file(tmp_path, name: str = "wards.geojson"):
    """Two wards of a made-up district in Hà Đông's area (codes no real unit uses)."""
    geoms = [WARD_ONE, shapely.box(105.78, 20.96, 105.80, 20.98)]
    gdf = gpd.GeoDataFrame({
        "province_code": "01", "province_name": "Thành phố Thử",
        "district_code": "901", "district_name": "Quận Thử",
        "ward_code": ["90101", "90102"], "ward_name": ["Phường Một", "Phường Hai"],
        "pop_2019": [1200, 3400]}, geometry=geoms, crs=4326)
    path = tmp_path / name
    path.write_text(gdf.to_json(), encoding="utf-8")
    return path


def blocks_file(tmp_path, name: str = "blocks.csv"):
    path = tmp_path / name
    path.write_text("ward_code,block_code,block_name,population\n"
                    "90101,TDP01,Tổ 1,500\n90101,TDP02,Tổ 2,700\n90102,TDP01,Tổ 1,3400\n",
                    encoding="utf-8")
    return path


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def logged(store, action: str) -> list[dict]:
    log = audit.entries(store)
    log = log[log["action"] == action]
    return [{"actor": r.actor, "target": r.target, **json.loads(r.detail_json)}
            for r in log.itertuples()]


def test_import_boundaries_is_logged_with_who_what_and_how_many(store, tmp_path):
    path = wards_file(tmp_path)
    import_boundaries(store, path, actor="quan")
    [entry] = logged(store, "boundaries.import")
    assert entry["actor"] == "quan" and entry["target"] == "wards.geojson"
    assert entry["sha256"] == sha256(path) and entry["level"] == "ward"
    assert entry["features"] == 2 and entry["source_crs"] == "EPSG:4326"
    assert entry["inserted"] == {"provinces": 1, "districts": 1, "wards": 2}
    assert entry["updated"] == {"provinces": 0, "districts": 0, "wards": 0}
    import_boundaries(store, path, actor="minh")  # again: all updated
    again = logged(store, "boundaries.import")[0]  # newest first
    assert again["actor"] == "minh" and again["updated"]["wards"] == 2


def test_block_polygons_and_blocks_csv_are_logged(store, tmp_path):
    import_boundaries(store, wards_file(tmp_path), actor="quan")
    csv_path = blocks_file(tmp_path)
    summary = import_blocks_csv(store, csv_path, actor="quan")
    [entry] = logged(store, "blocks.import")
    assert (entry["actor"], entry["target"], entry["sha256"]) == (
        "quan", "blocks.csv", sha256(csv_path))
    assert (entry["blocks"], entry["wards"], entry["inserted"], entry["updated"]) == (3, 2, 3, 0)
    assert entry["population"] == summary.population == 4600
    strips = block_strips(WARD_ONE, "90101", 3)  # TDP01, TDP02 from the CSV; TDP03 new
    strips["block_name"] = [None, None, "Tổ 3"]  # a new block needs a name
    poly_path = tmp_path / "blocks.geojson"
    poly_path.write_text(strips.to_json(), encoding="utf-8")
    import_boundaries(store, poly_path, level="block", actor="lan")
    newest = logged(store, "boundaries.import")[0]
    assert (newest["actor"], newest["level"], newest["features"]) == ("lan", "block", 3)
    assert newest["inserted"] == {"blocks": 1} and newest["updated"] == {"blocks": 2}


def test_refused_files_leave_the_log_as_it_was(store, tmp_path):
    import_boundaries(store, wards_file(tmp_path), actor="quan")
    before = audit.count(store)
    bad_csv = tmp_path / "bad.csv"
    bad_csv.write_text("ward_code,block_code,block_name,population\n99999,TDP01,X,-1\n",
                       encoding="utf-8")
    with pytest.raises(BlocksError):
        import_blocks_csv(store, bad_csv, actor="quan")
    bad_geo = tmp_path / "bad.geojson"
    bad_geo.write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    with pytest.raises(BoundaryError):
        import_boundaries(store, bad_geo, actor="quan")
    assert audit.count(store) == before


def test_the_change_and_its_entry_commit_together(store, tmp_path, monkeypatch):
    def failing(*args, **kwargs):
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(audit, "record", failing)
    with pytest.raises(RuntimeError):
        import_boundaries(store, wards_file(tmp_path), actor="quan")
    assert store.table_counts()["wards"] == 0  # no entry, no change
    monkeypatch.undo()
    import_boundaries(store, wards_file(tmp_path), actor="quan")
    monkeypatch.setattr(audit, "record", failing)
    with pytest.raises(RuntimeError):
        import_blocks_csv(store, blocks_file(tmp_path), actor="quan")
    assert store.table_counts()["blocks"] == 0


def test_cli_imports_name_the_logged_in_account(sqlite_url, tmp_path, monkeypatch, capsys):
    wards, blocks = wards_file(tmp_path), blocks_file(tmp_path)
    assert main(["--db", sqlite_url, "import-boundaries", str(wards)]) == 0  # local mode
    store = Store(sqlite_url)
    try:
        assert logged(store, "boundaries.import")[0]["actor"] == getpass.getuser()
        accounts.add_user(store, "quan", "admin", PW, actor="setup")
        accounts.add_user(store, "lan", "reporter", PW, wards=["90101"], actor="quan")
    finally:
        store.dispose()
    monkeypatch.setenv("VUNGXANH_PASSWORD", PW)
    assert main(["--db", sqlite_url, "--as-user", "lan", "import-blocks", str(blocks)]) == 2
    assert main(["--db", sqlite_url, "--as-user", "quan", "import-blocks", str(blocks)]) == 0
    assert main(["--db", sqlite_url, "--as-user", "quan", "import-boundaries",
                 str(wards)]) == 0
    capsys.readouterr()
    store = Store(sqlite_url)
    try:
        [blocks_entry] = logged(store, "blocks.import")
        assert (blocks_entry["actor"], blocks_entry["blocks"]) == ("quan", 3)
        assert [e["actor"] for e in logged(store, "boundaries.import")] == [
            "quan", getpass.getuser()]
    finally:
        store.dispose()
