"""Online backup and restore of the embedded SQLite store with sqlite3's backup API: a
consistent copy while the dashboard keeps reading and uploads keep queueing.

PostgreSQL deployments use pg_dump / pg_restore instead (README "Deployment and security").
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url

from data.store import audit
from data.store.engine import migrate
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
    """Write a consistent copy of the store to `dest` (replaced if it exists)."""
    live, dest = sqlite_path(store.url), Path(dest).resolve()
    if dest == live:
        raise BackupError("request.backup.is_store", path=dest)
    src = sqlite3.connect(live, timeout=30)
    try:
        _copy(src, dest)
    finally:
        src.close()
    with store.write() as c:
        audit.record(c, actor, "store.backup", str(dest))
    return dest


def check_backup(path: Path) -> None:
    """Refuse a file that is not an intact vungxanh store before anything is replaced."""
    if not path.is_file():
        raise BackupError("request.backup.no_file", path=path)
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            ok = con.execute("PRAGMA integrity_check").fetchone()[0]
            has_schema = con.execute("SELECT count(*) FROM sqlite_master WHERE type='table' "
                                     "AND name='alembic_version'").fetchone()[0]
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError("request.backup.not_database", path=path, error=str(exc)) from None
    if ok != "ok" or not has_schema:
        raise BackupError("request.backup.not_intact", path=path, integrity=ok, schema=Term(
            "request.backup.yes" if has_schema else "request.backup.no"))


def restore(store, src: str | os.PathLike, *, actor: str) -> Path:
    """Replace the store's content with the backup `src`; the current content is saved
    first as `<store>.before-restore-<UTC time>` (returned). The backup is then migrated
    to the current schema and the restore is logged in the restored store."""
    live, src = sqlite_path(store.url), Path(src).resolve()
    check_backup(src)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    saved = live.with_name(f"{live.name}.before-restore-{stamp}")
    store.dispose()  # no pooled connection of ours holds a stale view of the pages
    cur = sqlite3.connect(live, timeout=30)
    try:
        _copy(cur, saved)
        back = sqlite3.connect(f"file:{src}?mode=ro", uri=True)
        try:
            back.backup(cur)  # page by page under the write lock: all or nothing
        finally:
            back.close()
    finally:
        cur.close()
    migrate(store.engine)
    with store.write() as c:
        audit.record(c, actor, "store.restore", str(src), saved_as=str(saved))
    return saved
