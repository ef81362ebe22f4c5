"""Restore checks a backup whole before it touches the live store (issue #21): a backup
made by a newer version is refused with the store as it was, an older one is upgraded on
a private copy, and no refusal leaves files beside the backup. A store whose schema is
newer than the code is refused when it is opened, in either language, on SQLite and
PostgreSQL, and a good backup can still be restored over it."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import create_engine, text

from cli import main
from data.store.backup import BackupError, restore
from data.store.database import Store
from data.store.engine import MIGRATIONS, make_engine, writer
from data.store.revisions import head_revision
from tests.support.said_checks import assert_said
from zones.problems import Unsaid

NEWER = "ffffffffffff"


def _file(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///"))


def _set_revision(path: Path, revision: str) -> None:
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = ?", (revision,))
    con.commit()
    con.close()


def _revision(path: Path) -> str:
    con = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    try:
        return con.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    finally:
        con.close()


def _areas(url: str):
    store = Store(url)
    try:
        return store.areas()
    finally:
        store.dispose()


def _backup(url: str, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    assert main(["--db", url, "backup", str(path)]) == 0
    return path


def _newer_store_message(url: str) -> str:
    head = (f"the store {url} was made by a newer version of vungxanh (schema revision "
            f"{NEWER}; this version knows revisions up to {head_revision()}): ")
    if url.startswith("postgresql"):  # `restore` is SQLite's: PostgreSQL is told pg_restore
        return (head + "restore into it, with pg_restore, a dump made by this version "
                "(pg_dump), or upgrade vungxanh")
    return head + "restore a backup made by this version (`python cli.py restore FILE`) or " \
        "upgrade vungxanh"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_newer_backup_is_refused_and_the_store_is_untouched(small_areas_url, tmp_path,
                                                              capsys):
    newer = _backup(small_areas_url, tmp_path / "b" / "newer.db")
    good = _backup(small_areas_url, tmp_path / "b" / "good.db")
    _set_revision(newer, NEWER)
    before, live = _areas(small_areas_url), _file(small_areas_url)
    capsys.readouterr()
    assert main(["--db", small_areas_url, "--lang", "en", "restore", str(newer)]) == 2
    err = capsys.readouterr().err
    assert (f"error: {newer} was made by a newer version of vungxanh (schema revision "
            f"{NEWER}") in err
    assert "Traceback" not in err and "reference" not in err
    assert _revision(live) == head_revision()
    assert not list(live.parent.glob(f"{live.name}.before-restore-*"))
    assert main(["--db", small_areas_url, "--lang", "en", "audit"]) == 0
    assert _areas(small_areas_url).equals(before)
    assert main(["--db", small_areas_url, "restore", str(good)]) == 0
    assert _areas(small_areas_url).equals(before)


def test_the_newer_backup_refusal_is_said_in_both_languages(small_areas_url, tmp_path):
    newer = _backup(small_areas_url, tmp_path / "b" / "newer.db")
    _set_revision(newer, NEWER)
    store = Store(small_areas_url)
    try:
        with pytest.raises(BackupError) as err:
            restore(store, newer, actor="t")
    finally:
        store.dispose()
    assert_said(err.value, f"{newer} was made by a newer version of vungxanh (schema "
                           f"revision {NEWER}; this version knows revisions up to "
                           f"{head_revision()}): restore a backup made by this version, or "
                           "upgrade vungxanh first")


def test_a_store_newer_than_the_code_is_refused_at_open(small_areas_url, capsys):
    _set_revision(_file(small_areas_url), NEWER)
    with pytest.raises(Unsaid) as err:
        Store(small_areas_url)
    assert_said(err.value, _newer_store_message(small_areas_url))
    capsys.readouterr()
    assert main(["--db", small_areas_url, "audit"]) == 2
    err_vi = capsys.readouterr().err
    assert err_vi.startswith("lỗi: ") and err.value.text("vi") in err_vi
    assert main(["--db", small_areas_url, "--lang", "en", "audit"]) == 2
    err_en = capsys.readouterr().err
    assert f"error: {_newer_store_message(small_areas_url)}" in err_en
    assert "Traceback" not in err_vi + err_en


def test_a_postgresql_store_newer_than_the_code_is_refused_at_open(pg_url, capsys):
    Store(pg_url).dispose()
    engine = create_engine(pg_url)
    with engine.begin() as c:
        c.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": NEWER})
    engine.dispose()
    with pytest.raises(Unsaid) as err:
        Store(pg_url)
    assert_said(err.value, _newer_store_message(pg_url))
    capsys.readouterr()
    assert main(["--db", pg_url, "--lang", "en", "audit"]) == 2
    assert f"error: {_newer_store_message(pg_url)}" in capsys.readouterr().err


def test_a_good_backup_restores_over_a_newer_store(small_areas_url, tmp_path, capsys):
    good = _backup(small_areas_url, tmp_path / "b" / "good.db")
    before, live = _areas(small_areas_url), _file(small_areas_url)
    _set_revision(live, NEWER)
    assert main(["--db", small_areas_url, "--lang", "en", "audit"]) == 2
    assert main(["--db", small_areas_url, "--lang", "en", "restore", str(good)]) == 0
    assert _revision(live) == head_revision()
    assert _areas(small_areas_url).equals(before)
    saved = list(live.parent.glob(f"{live.name}.before-restore-*"))
    assert len(saved) == 1 and _revision(saved[0]) == NEWER  # the store as it was
    assert main(["--db", small_areas_url, "--lang", "en", "audit"]) == 0


def _corrupt(path: Path) -> None:
    """Overwrite the pages after the first two: the header still says SQLite in WAL mode."""
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    assert data[18:20] == b"\x02\x02" and len(data) > 3 * page  # a WAL-mode store
    data[2 * page:] = b"\xa5" * (len(data) - 2 * page)
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("spoil", ["newer", "corrupt"])
def test_a_refused_backup_is_left_alone(small_areas_url, tmp_path, spoil):
    bad = _backup(small_areas_url, tmp_path / "b" / "bad.db")
    _set_revision(bad, NEWER) if spoil == "newer" else _corrupt(bad)
    digest = _digest(bad)
    store = Store(small_areas_url)
    try:
        with pytest.raises(BackupError):
            restore(store, bad, actor="t")
    finally:
        store.dispose()
    assert sorted(p.name for p in bad.parent.iterdir()) == ["bad.db"]
    assert _digest(bad) == digest
    live = _file(small_areas_url)
    assert sorted(p.name for p in live.parent.iterdir()) == ["b", live.name]


def _downgrade(path: Path, revision: str) -> None:
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    engine = make_engine(f"sqlite:///{path}")
    with writer(engine).begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)
    engine.dispose()


def test_an_older_backup_is_upgraded_on_a_copy(small_areas_url, tmp_path):
    older = _backup(small_areas_url, tmp_path / "b" / "older.db")
    before = _areas(small_areas_url)
    _downgrade(older, "0002")  # before the accounts, the audit log and the packs
    assert _revision(older) == "0002"
    digest = _digest(older)
    store = Store(small_areas_url)
    try:
        store.upsert_units(pd.DataFrame(), pd.DataFrame(), pd.DataFrame(
            {"code": ["90003"], "name": ["Phường Ba"], "district_code": ["901"],
             "population": [5]}))
        assert not store.areas().equals(before)
        restore(store, older, actor="t")
    finally:
        store.dispose()
    assert _digest(older) == digest  # the user's backup is not what was upgraded
    assert sorted(p.name for p in older.parent.iterdir()) == ["older.db"]
    assert _revision(older) == "0002"
    live = _file(small_areas_url)
    assert _revision(live) == head_revision()
    assert _areas(small_areas_url).equals(before)
    assert main(["--db", small_areas_url, "--lang", "en", "audit"]) == 0



def test_an_older_backup_that_cannot_be_upgraded_is_refused(small_areas_url, tmp_path):
    older = _backup(small_areas_url, tmp_path / "b" / "older.db")
    _downgrade(older, "0002")
    con = sqlite3.connect(older)  # what migration 0003 would create is there already
    con.execute("CREATE TABLE users (x)")
    con.commit()
    con.close()
    digest, live = _digest(older), _file(small_areas_url)
    store = Store(small_areas_url)
    try:
        with pytest.raises(BackupError) as err:
            restore(store, older, actor="t")
    finally:
        store.dispose()
    assert_said(err.value, f"{older}: cannot be upgraded to the schema of this version "
                           "(table users already exists); the store was not changed")
    assert _digest(older) == digest and _revision(live) == head_revision()
    assert sorted(p.name for p in live.parent.iterdir()) == ["b", live.name]
    assert sorted(p.name for p in older.parent.iterdir()) == ["older.db"]


def test_a_backup_restores_into_a_new_file(small_areas_url, tmp_path):
    good = _backup(small_areas_url, tmp_path / "my backups" / "store #1.db")
    fresh = f"sqlite:///{tmp_path / 'new' / 'store.db'}"
    (tmp_path / "new").mkdir()
    assert main(["--db", fresh, "restore", str(good)]) == 0
    assert _areas(fresh).equals(_areas(small_areas_url))
    assert sorted(p.name for p in good.parent.iterdir()) == ["store #1.db"]


def test_a_copied_store_with_its_wal_restores_whole(small_areas_url, tmp_path):
    """A backup copied from a live store with its -wal: the -wal's transactions are
    restored too, and both files are left as they were."""
    made = _backup(small_areas_url, tmp_path / "made" / "store.db")
    con = sqlite3.connect(made)
    con.execute("PRAGMA wal_autocheckpoint=0")
    con.execute("UPDATE wards SET population = 4242")
    con.commit()
    copied = tmp_path / "copied"
    copied.mkdir()
    for name in ("store.db", "store.db-wal"):
        (copied / name).write_bytes((made.parent / name).read_bytes())
    con.close()
    digests = {p.name: _digest(p) for p in copied.iterdir()}
    assert main(["--db", small_areas_url, "restore", str(copied / "store.db")]) == 0
    assert {p.name: _digest(p) for p in copied.iterdir()} == digests
    wards = _areas(small_areas_url).query("area_type == 'ward'")
    assert set(wards["population"]) == {4242}
