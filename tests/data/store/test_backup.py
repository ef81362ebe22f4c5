"""Online backup and restore of the SQLite store: the restored store equals the backup,
also when the store is read-only (a read-only file, or on read-only media)."""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
from pathlib import Path

import pytest

from cli import main
from data.store import audit
from data.store.backup import BackupError, backup, restore
from data.store.database import Store
from tests.support.ingest_files import load_small_areas, row, zone_csv
from tests.support.mounts import read_only_file, remount_read_only, tmpfs


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


@contextlib.contextmanager
def _read_only(kind: str, url: str, where: Path):
    """The store `url` made read-only: its file (a read-only bind mount, its folder
    writable), or a copy on read-only media (a tmpfs remounted read-only)."""
    path = Path(url.removeprefix("sqlite:///"))
    if kind == "file":
        with read_only_file(path):
            yield url
        return
    with tmpfs(where, "8m") as point:
        shutil.copy(path, point / "store.db")
        remount_read_only(point)
        yield f"sqlite:///{point / 'store.db'}"


@pytest.mark.parametrize("kind", ["file", "media"])
def test_backup_of_a_read_only_store_is_a_good_copy(kind, small_areas_url, tmp_path, capsys):
    day = tmp_path / "day.csv"
    day.write_bytes(zone_csv([row(), row(block="", level="đỏ")]))
    assert main(["--db", small_areas_url, "ingest", str(day)]) == 0
    saved = _dump(small_areas_url)
    copy, fresh = tmp_path / "backup.db", f"sqlite:///{tmp_path / 'fresh.db'}"
    with _read_only(kind, small_areas_url, tmp_path / "media") as url:
        capsys.readouterr()
        assert main(["--db", url, "--lang", "en", "backup", str(copy)]) == 0, \
            capsys.readouterr().err
        out = capsys.readouterr().out
        assert str(copy) in out and "not logged" in out, out
        assert _dump(url) == saved
    assert sqlite3.connect(copy).execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert _dump(f"sqlite:///{copy}") == saved
    assert main(["--db", fresh, "restore", str(copy)]) == 0
    assert _dump(fresh) == saved
