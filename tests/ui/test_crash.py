"""A process killed (SIGKILL) in the middle of a large upload leaves the store exactly as
before; the same upload then succeeds."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from cli import main
from data.store.database import Store
from tests.support.ingest_files import load_small_areas, zone_csv

ROOT = Path(__file__).resolve().parents[2]
# The child stores the rows, says so, then waits inside the open transaction to be killed.
CHILD = """
import pathlib, sys, time
import data.store.uploads as st
insert = st.driver_insert
def insert_then_hang(*args, **kw):
    insert(*args, **kw)
    pathlib.Path(sys.argv[2]).write_text("rows written, not committed")
    time.sleep(300)
st.driver_insert = insert_then_hang
from cli import main
sys.exit(main(["--db", sys.argv[1], "ingest", sys.argv[3]]))
"""
BLOCKS, DAYS = 200, 60


def _big_file(tmp_path: Path) -> Path:
    days = pd.date_range("2021-07-01", periods=DAYS).strftime("%d/%m/%Y")
    rows = [[d, "90002", f"B{b:03d}", "da cam", "1", "10", "=cmd|' /C calc'!A0"]
            for d in days for b in range(BLOCKS)]
    path = tmp_path / "big.csv"
    path.write_bytes(zone_csv(rows))
    return path


def _snapshot(url: str) -> tuple[dict, list]:
    store = Store(url)
    try:
        return store.table_counts(), store.reports().astype(str).values.tolist()
    finally:
        store.dispose()


@pytest.mark.slow
def test_sigkill_mid_upload_leaves_the_store_as_before(db_url, tmp_path):
    store = Store(db_url)
    load_small_areas(store)
    store.upsert_blocks(pd.DataFrame({"ward_code": "90002", "block_code":
                                      [f"B{b:03d}" for b in range(BLOCKS)], "name": "Tổ"}))
    store.dispose()
    assert main(["--db", db_url, "ingest", str(_write_small(tmp_path))]) == 0
    before = _snapshot(db_url)
    big, marker = _big_file(tmp_path), tmp_path / "marker"
    child = subprocess.Popen([sys.executable, "-c", CHILD, db_url, str(marker), str(big)],
                             cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert child.poll() is None, "the upload ended before it could be killed"
            assert time.monotonic() < deadline, "the upload never reached its insert"
            time.sleep(0.05)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    assert _snapshot(db_url) == before
    assert main(["--db", db_url, "ingest", str(big)]) == 0
    counts, _ = _snapshot(db_url)
    assert counts["zone_reports"] == before[0]["zone_reports"] + BLOCKS * DAYS
    assert counts["uploads"] == before[0]["uploads"] + 1


def _write_small(tmp_path: Path) -> Path:
    path = tmp_path / "small.csv"
    path.write_bytes(zone_csv([["19/09/2021", "90001", "TDP01", "xanh", "0", "5", ""]]))
    return path
