"""`demo --boundaries`, continued: one city a store, an audited load, and a dashboard that
opens on the result."""

from __future__ import annotations

import hashlib
import json
import time

import pytest

from cli import main
from data.demo.city import generate_demo, load_demo
from data.store import audit
from data.store.database import Store
from tests.support.apptest import goto
from tests.support.paths import ROOT

# ---- the command: one city a store, audited ---------------------------------------------


def _demo(url, path, *extra) -> int:
    return main(["--db", url, "--lang", "en", "demo", "--boundaries", str(path),
                 "--blocks-per-ward", "3", "--days", "6", *extra])


def _counts(url) -> dict[str, int]:
    store = Store(url)
    try:
        return store.table_counts()
    finally:
        store.dispose()


def test_cli_stores_it_audited_and_again_changes_nothing(sqlite_url, subset_file, capsys):
    assert _demo(sqlite_url, subset_file) == 0
    assert "30 wards, 90 blocks" in capsys.readouterr().out
    counts = _counts(sqlite_url)
    assert counts["wards"] == 30 and counts["blocks"] == 90 and counts["uploads"] == 6
    store = Store(sqlite_url)
    try:
        log = audit.entries(store)
        areas = store.areas()
    finally:
        store.dispose()
    entry = log[log["action"] == "demo.load"].iloc[0]
    assert entry["target"] == "demo:hcmc_subset.geojson"
    detail = json.loads(entry["detail_json"])
    assert detail["blocks"] == 90 and detail["settings"]["blocks_per_ward"] == 3
    assert detail["settings"]["sha256"] == hashlib.sha256(subset_file.read_bytes()).hexdigest()
    assert "Phường Bến Nghé" in set(areas["ward_name"])
    assert _demo(sqlite_url, subset_file) == 0  # the same run: every day a repeat
    again = _counts(sqlite_url)
    assert again["zone_reports"] == counts["zone_reports"] and again["zone_report_history"] == 0


@pytest.mark.parametrize("extra", [["--seed", "9"], ["--days", "7"], ["--blocks-per-ward", "4"]])
def test_cli_refuses_to_mix_with_another_run(sqlite_url, subset_file, capsys, extra):
    assert _demo(sqlite_url, subset_file) == 0
    before = _counts(sqlite_url)
    capsys.readouterr()
    assert _demo(sqlite_url, subset_file, *extra) == 1
    err = capsys.readouterr().err
    assert "refused, nothing stored" in err and "store of its own" in err
    after = _counts(sqlite_url)
    assert {k: v for k, v in after.items() if k != "audit_log"} == \
        {k: v for k, v in before.items() if k != "audit_log"}


def test_cli_refuses_the_made_up_city_and_accepts_its_own_wards(tmp_path, subset_file,
                                                                   capsys):
    made_up = f"sqlite:///{tmp_path / 'a.db'}"
    assert main(["--db", made_up, "demo", "--wards", "2", "--blocks-per-ward", "2",
                 "--days", "3"]) == 0
    assert _demo(made_up, subset_file) == 1
    assert "90001" in capsys.readouterr().err
    assert _counts(made_up)["wards"] == 2
    imported = f"sqlite:///{tmp_path / 'b.db'}"
    assert main(["--db", imported, "import-boundaries", str(subset_file)]) == 0
    assert _demo(imported, subset_file) == 0  # the same wards, nothing else: fine


def test_cli_refuses_files_it_cannot_read(sqlite_url, tmp_path, subset_wards, capsys):
    garbage = tmp_path / "wards.geojson"
    garbage.write_text("not a boundary file", encoding="utf-8")
    no_names = tmp_path / "no_names.geojson"
    subset_wards.drop(columns="ward_name").to_file(no_names, driver="GeoJSON")
    assert _demo(sqlite_url, tmp_path / "missing.geojson") == 1
    assert "cannot read the file" in capsys.readouterr().err
    assert _demo(sqlite_url, garbage) == 1
    assert "refused, nothing stored" in capsys.readouterr().err
    assert _demo(sqlite_url, no_names) == 1
    assert "ward_name" in capsys.readouterr().err
    assert _demo(sqlite_url, no_names, "--wards", "3") == 2  # the file gives the wards
    assert _counts(sqlite_url)["wards"] == 0


def test_load_demo_writes_and_audits_in_one_go(store):
    load_demo(store, generate_demo(wards=2, blocks_per_ward=2, days=3), actor="Chị Lan")
    log = audit.entries(store)
    entry = log[log["action"] == "demo.load"]
    assert entry[["actor", "target"]].values.tolist() == [["Chị Lan", "demo-city"]]
    assert json.loads(entry["detail_json"].iloc[0])["settings"]["wards"] == 2
    assert (log["action"] == "upload.accepted").sum() == 3


# ---- the whole city and the dashboard ---------------------------------------------------


@pytest.mark.slow
def test_whole_hcmc_file_and_the_map_opens_on_it(hcmc_boundaries, tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    url = f"sqlite:///{tmp_path / 'hcmc.db'}"
    start = time.monotonic()
    assert main(["--db", url, "demo", "--boundaries",
                 str(hcmc_boundaries / "hcmc_wards_2021.geojson"), "--blocks-per-ward", "5",
                 "--days", "4"]) == 0
    assert time.monotonic() - start < 60
    store = Store(url)
    try:
        areas = store.areas()
    finally:
        store.dispose()
    assert (areas["area_type"] == "block").sum() == 312 * 5
    assert areas.loc[areas["area_type"] == "ward", "population"].sum() == 8_993_082
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("VUNGXANH_TILES", raising=False)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Tổng quan"  # the first page: the morning view
    at = goto(at, "map")
    assert not at.exception, at.exception
    assert at.title[0].value == "Bản đồ"
