"""Online backup and restore of the embedded SQLite store with sqlite3's backup API: a
consistent copy while the dashboard keeps reading and uploads keep queueing. A restore
checks and upgrades a private copy of the backup before the store is touched.

PostgreSQL deployments use pg_dump / pg_restore instead (README "Deployment and security").
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import tempfile
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from data.store import audit
from data.store.engine import make_engine
from data.store.revisions import NewerSchema, check_known, migrate
from zones.problems import Term, Unsaid


class BackupError(Unsaid):
    """A backup or restore that cannot be done; the message (an i18n key, zones.problems
    .Unsaid) says why and what to do."""


def sqlite_path(url: str) -> Path:
    """The file of a SQLite store URL; BackupError for any other store."""
    u = make_url(url)
    if u.get_backend_name() != "sqlite":
        raise BackupError("request.backup.not_sqlite", backend=u.get_backend_name())
    if not u.database or u.database == ":memory:":
        raise BackupError("request.backup.in_memory")
    return Path(u.database).resolve()


def _copy(src: sqlite3.Connection, dest: Path) -> None:
    """Copy src into a new file next to dest, then rename: dest is whole or untouched."""
    tmp = dest.with_name(f".{dest.name}.partial")
    tmp.unlink(missing_ok=True)
    out = sqlite3.connect(tmp)
    try:
        src.backup(out)
    finally:
        out.close()
    os.replace(tmp, dest)


def backup(store, dest: str | os.PathLike, *, actor: str) -> Path:
    """Write a consistent copy of the store to `dest` (replaced if it exists), logged in
    the store. The store is read through its own engine, so one opened read-only
    (`Store.read_only`: a read-only file, folder or media) is copied as it is read
    (`mode=ro`, or immutable on read-only media); it takes no audit entry, so that
    backup is not logged (the CLI says so)."""
    live, dest = sqlite_path(store.url), Path(dest).resolve()
    if dest == live:
        raise BackupError("request.backup.is_store", path=dest)
    src = store.engine.raw_connection()
    try:
        _copy(src.driver_connection, dest)
    finally:
        src.close()
    if store.read_only is None:
        with store.write() as c:
            audit.record(c, actor, "store.backup", str(dest))
    return dest


def _private_copy(src: Path, dest: Path) -> None:
    """Copy the backup `src` (with its -wal, if a copy of a live store brought one) to
    `dest`, where it is checked and upgraded: nothing is opened, written or left beside
    `src`."""
    if not src.is_file():
        raise BackupError("request.backup.no_file", path=src)
    shutil.copyfile(src, dest)
    wal = src.with_name(f"{src.name}-wal")
    if wal.is_file():
        shutil.copyfile(wal, dest.with_name(f"{dest.name}-wal"))


def _schema(copy: Path, src: Path) -> tuple[str, bool, list[str]]:
    """The copy's integrity check, whether it has a schema version, and its revisions."""
    try:
        con = sqlite3.connect(copy)
        try:
            ok = con.execute("PRAGMA integrity_check").fetchone()[0]
            has_schema = bool(con.execute("SELECT count(*) FROM sqlite_master WHERE type="
                                          "'table' AND name='alembic_version'").fetchone()[0])
            if ok != "ok" or not has_schema:
                return ok, has_schema, []
            return ok, has_schema, [r for (r,) in con.execute(
                "SELECT version_num FROM alembic_version")]
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError("request.backup.not_database", path=src, error=str(exc)) from None


def _check_copy(copy: Path, src: Path) -> None:
    """Refuse a copy that is not an intact vungxanh store of a schema this code knows."""
    ok, has_schema, found = _schema(copy, src)
    if ok != "ok" or not has_schema:
        raise BackupError("request.backup.not_intact", path=src, integrity=ok, schema=Term(
            "request.backup.yes" if has_schema else "request.backup.no"))
    check_known(found, str(src), "request.backup.newer_backup", BackupError)


def _upgrade_copy(copy: Path, src: Path) -> None:
    """Migrate the copy to this version's schema (a backup of an older version)."""
    engine = make_engine(f"sqlite:///{copy}")
    try:
        migrate(engine)
    except DBAPIError as exc:
        raise BackupError("request.backup.not_upgradable", path=src,
                          error=str(exc.orig).splitlines()[0]) from None
    finally:
        engine.dispose()


def prepare_backup(src: Path, workdir: Path) -> Path:
    """A private copy of the backup `src` in `workdir`, checked whole (intact, a schema this
    version knows) and upgraded to the current schema: what a restore puts in place.
    BackupError for anything else; `src` itself is only read, and nothing is written
    beside it."""
    copy = workdir / "restore.db"
    _private_copy(src, copy)
    _check_copy(copy, src)
    _upgrade_copy(copy, src)
    return copy


def _swap(live: Path, copy: Path, saved: Path) -> None:
    """Save the live store as `saved`, then put `copy` in its place page by page under the
    write lock (all or nothing: readers see the old content or the new)."""
    cur = sqlite3.connect(live, timeout=30)
    try:
        _copy(cur, saved)
        new = sqlite3.connect(copy)
        try:
            new.backup(cur)
        finally:
            new.close()
    finally:
        cur.close()


def restore(store, src: str | os.PathLike, *, actor: str) -> Path:
    """Replace the store's content with the backup `src`; the current content is saved
    first as `<store>.before-restore-<UTC time>` (returned). The backup is checked and
    upgraded to the current schema on a private copy before the store is touched, so a
    refused backup leaves the store as it was, whatever the store's own schema; the
    restore is logged in the restored store."""
    live, src = sqlite_path(store.url), Path(src).resolve()
    with tempfile.TemporaryDirectory(dir=live.parent, prefix=f".{live.name}.restore-") as tmp:
        copy = prepare_backup(src, Path(tmp))
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        saved = live.with_name(f"{live.name}.before-restore-{stamp}")
        store.dispose()  # no pooled connection of ours holds a stale view of the pages
        _swap(live, copy, saved)
    with store.write() as c:
        audit.record(c, actor, "store.restore", str(src), saved_as=str(saved))
    return saved


def open_for_restore(url: str | None):
    """The store a restore replaces, opened whatever its schema: migrated when this version
    knows it (its accounts are checked before the restore), left as it is when a newer
    version made it (the restore replaces it whole, and needs nothing from it)."""
    from data.store.database import Store

    store = Store(url, migrate_schema=False)
    try:
        migrate(store.engine)
    except NewerSchema:
        pass
    except Exception:
        store.dispose()
        raise
    return store
