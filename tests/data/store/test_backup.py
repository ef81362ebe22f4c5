"""Online backup and restore of the SQLite store: the restored store equals the backup."""

from __future__ import annotations

import sqlite3

import pytest

from cli import main
from data.store import audit
from data.store.backup import BackupError, backup, restore
from data.store.database import Store
from tests.support.ingest_files import load_small_areas, row, zone_csv


def _dump(url: str) -> dict:
    store = Store(url)
    try:
        counts = store.table_counts()
        return {"counts": {k: v for k, v in counts.items() if k != "audit_log"},
                "reports": store.reports().astype(str).values.tolist(),
                "uploads": store.uploads().drop(columns=["uploaded_at"]).astype(str)
                .values.tolist()}
    finally:
        store.dispose()


def test_backup_restore_round_trip_through_the_cli(sqlite_url, tmp_path):
    store = Store(sqlite_url)
    load_small_areas(store)
    store.dispose()
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_bytes(zone_csv([row(), row(block="", level="đỏ")]))
    second.write_bytes(zone_csv([row(level="phong tỏa"), row(block="TDP02")]))
    assert main(["--db", sqlite_url, "ingest", str(first)]) == 0
    saved = _dump(sqlite_url)
    copy = tmp_path / "backup.db"
    assert main(["--db", sqlite_url, "backup", str(copy)]) == 0
    assert main(["--db", sqlite_url, "ingest", str(second)]) == 0
    assert _dump(sqlite_url) != saved
    assert main(["--db", sqlite_url, "restore", str(copy)]) == 0
    assert _dump(sqlite_url) == saved
    store = Store(sqlite_url)
    actions = list(audit.entries(store)["action"])
    store.dispose()
    # The backup's own entry was written after the copy, so only the restore is logged.
    assert actions[0] == "store.restore"


def test_backup_while_a_reader_holds_a_transaction(sqlite_url, tmp_path):
    store = Store(sqlite_url)
    load_small_areas(store)
    reader = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"))
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM wards").fetchone()
    dest = backup(store, tmp_path / "b.db", actor="t")
    reader.close()
    assert sqlite3.connect(dest).execute("SELECT count(*) FROM wards").fetchone()[0] == 3
    store.dispose()


def test_restore_refuses_what_is_not_a_store(sqlite_url, tmp_path):
    store = Store(sqlite_url)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(BackupError, match=r"not a SQLite database|not an intact"):
        restore(store, junk, actor="t")
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
    with pytest.raises(BackupError, match="not an intact vungxanh store"):
        restore(store, other, actor="t")
    store.dispose()


def test_backup_is_for_sqlite_only(pg_url, tmp_path):
    store = Store(pg_url)
    with pytest.raises(BackupError, match="pg_dump"):
        backup(store, tmp_path / "x.db", actor="t")
    store.dispose()
