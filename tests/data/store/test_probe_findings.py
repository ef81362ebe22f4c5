"""What the hostile-input probe found the store doing wrong (/tmp/probe/hostile.md, the rows
that "did not hold"): a store refused as "the file is read-only" when what refuses is a
-shm left read-only by an earlier reader, another program's SQLite database given
vungxanh's tables, two accounts differing only in case, and a PostgreSQL store of a
newer version told to use `restore`, which PostgreSQL cannot."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from data.store import accounts, engine
from data.store.backup import open_for_restore
from data.store.database import Store
from tests.support.fixtures import unavailable
from tests.support.paths import ROOT
from tests.support.said_checks import untranslated
from tests.support.store_failure_cases import said_both
from zones.problems import Unsaid

PW = "correct horse battery"


def _file(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///"))


# ---- 2. a stale, read-only -shm beside a writable store ---------------------------------


def test_a_journal_file_that_cannot_be_written_is_named(small_areas_url, monkeypatch):
    path = _file(small_areas_url)
    shm, wal = (path.with_name(f"{path.name}-{end}") for end in ("shm", "wal"))
    shm.write_bytes(b"\0" * 32768)
    wal.write_bytes(b"")
    real = os.access
    monkeypatch.setattr(engine.os, "access", lambda p, mode, **kw: (
        False if Path(p) == shm and mode & os.W_OK else real(p, mode, **kw)))
    assert engine.read_only_why(path) == "journal"
    said = engine.StoreReadOnly.of(str(path), "journal", path)
    said_both(said, str(path), str(shm), "if no other program has it open, remove")
    assert str(wal) not in said.text("en")  # the -wal can be written: not named


_AS_NOBODY = """
import sys
from data.store.database import Store
from tests.support.store_failure_cases import rounds
store = Store(sys.argv[1])
print(store.read_only, store.count("wards"))
if sys.argv[2] == "write":
    try:
        store.record_rounds(rounds(), source="cli", user="Lan")
        print("stored")
    except ValueError as exc:
        print(type(exc).__name__, exc.text("en"))
store.dispose()
"""


def _as_nobody(url: str, what: str) -> list[str]:
    done = subprocess.run(
        ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all",
         "--bounding-set=-all", sys.executable, "-c", _AS_NOBODY, url, what],
        cwd=ROOT, capture_output=True, text=True, check=False,
        env={"PATH": os.environ["PATH"], "PYTHONDONTWRITEBYTECODE": "1"})
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_a_stale_shm_is_said_after_the_store_is_made_writable(small_areas_url):
    """The probe's case, as a user permissions bind: a reader of the store made read-only
    leaves its -shm read-only; once the store file is writable again, the refusal names
    that -shm (not "the file is read-only"), the store is still read, and removing the
    leftovers makes it writable."""
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        unavailable("opening the store as another user needs root and setpriv(1)")
    folder = Path(tempfile.mkdtemp(prefix="vx-shm-"))
    try:
        store = folder / "store.db"
        shutil.copy(_file(small_areas_url), store)
        os.chown(store, 65534, 65534)
        store.chmod(0o444)
        folder.chmod(0o777)
        url = f"sqlite:///{store}"
        assert _as_nobody(url, "read") == ["file 3"]
        shm = store.with_name("store.db-shm")
        assert shm.is_file() and not shm.stat().st_mode & 0o222  # the leftover
        store.chmod(0o644)
        lines = _as_nobody(url, "write")
        assert lines[0] == "journal 3", lines
        assert lines[1].startswith("StoreReadOnly ") and str(shm) in lines[1], lines
        assert "the file is read-only" not in lines[1]
        for end in ("shm", "wal"):
            store.with_name(f"store.db-{end}").unlink(missing_ok=True)
        assert _as_nobody(url, "write") == ["None 3", "stored"]
    finally:
        folder.chmod(0o755)
        shutil.rmtree(folder)


# ---- 5. another program's SQLite database -----------------------------------------------


def _foreign(path: Path) -> str:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE notes (x)")
    con.execute("CREATE TABLE people (y)")
    con.commit()
    con.close()
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("opener", [Store, open_for_restore])
def test_another_programs_database_is_refused_untouched(tmp_path, opener):
    path = tmp_path / "other.db"
    before = _foreign(path)
    with pytest.raises(Unsaid) as exc:
        opener(f"sqlite:///{path}")
    assert type(exc.value).__name__ == "NotAStore"
    said_both(exc.value, f"{path} is not a vungxanh store", "(notes, people)")
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.db"]


def test_an_empty_file_is_still_a_new_store(tmp_path):
    path = tmp_path / "empty.db"
    path.touch()
    store = Store(f"sqlite:///{path}")
    try:
        assert store.count("wards") == 0
    finally:
        store.dispose()


# ---- 7. accounts differing only in case -------------------------------------------------


@pytest.mark.parametrize("twin", ["ADMIN", "Admin", "aDmIn"])
def test_a_new_account_may_not_differ_from_another_only_in_case(sqlite_url, twin):
    store = Store(sqlite_url)
    try:
        accounts.add_user(store, "admin", "admin", PW, actor="setup")
        with pytest.raises(accounts.AuthError) as exc:
            accounts.add_user(store, twin, "viewer", PW, actor="setup")
        said_both(exc.value, f"'{twin}'", "'admin'", "only in case")
        assert [u.name for u in accounts.list_users(store)] == ["admin"]
        assert accounts.authenticate(store, "admin", PW) is not None
        assert accounts.authenticate(store, twin, PW) is None  # sign-in by name as before
        accounts.add_user(store, "admin2", "viewer", PW, actor="setup")
    finally:
        store.dispose()


# ---- 8. a newer schema on PostgreSQL ----------------------------------------------------


def test_a_newer_postgresql_store_is_told_to_use_pg_restore_not_restore(pg_url):
    Store(pg_url).dispose()
    e = create_engine(pg_url)
    with e.begin() as c:
        c.execute(text("UPDATE alembic_version SET version_num = 'ffffffffffff'"))
    e.dispose()
    with pytest.raises(Unsaid) as exc:
        Store(pg_url)
    english = exc.value.text("en")
    assert "pg_restore" in english and "cli.py restore" not in english, english
    assert "pg_restore" in exc.value.text("vi") and untranslated(exc.value) == []


def test_a_newer_sqlite_store_is_still_told_to_use_restore(small_areas_url):
    con = sqlite3.connect(_file(small_areas_url))
    con.execute("UPDATE alembic_version SET version_num = 'ffffffffffff'")
    con.commit()
    con.close()
    with pytest.raises(Unsaid) as exc:
        Store(small_areas_url)
    assert "python cli.py restore FILE" in exc.value.text("en")
