"""The database engine: SQLite (the embedded default) or PostgreSQL, the locks that make
writers queue, and what a store that cannot be opened or take a write says: a URL not
understood or without its driver, a full disk, a read-only file, folder, media or server,
or files left beside it that cannot be written. A SQLite file that cannot be written is
opened read-only, so it can be read. The schema's migrations are data.store.revisions's."""

from __future__ import annotations

import os
import sqlite3
import time
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import DBAPIError

from data.config.settings import database_url
from zones.problems import Term, Unsaid

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
WRITER_OPTION = "vungxanh_writer"
# Advisory-lock namespaces (PostgreSQL's two-int form): one for the schema, one for wards.
LOCK_SCHEMA, LOCK_WARD = 0x5658_0001, 0x5658_0002
# Query-string keys whose values are never shown (?password=…, ?sslpassword=…, ?token=…).
_SECRET_KEYS = ("password", "passwd", "secret", "token")


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    # SQLAlchemy emits BEGIN itself (_sqlite_begin): the driver's own implicit BEGIN
    # cannot say IMMEDIATE.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA busy_timeout=30000")  # first: switching to WAL may wait for a lock
    cur.execute("PRAGMA foreign_keys=ON")
    if not _foreign(cur):  # another program's database is refused as it is, not switched
        _switch_to_wal(cur)  # readers do not block the uploader
    cur.close()


def _switch_to_wal(cur: sqlite3.Cursor, patience: float = 30.0) -> None:
    """PRAGMA journal_mode=WAL, tried again for up to `patience` seconds (the busy
    timeout's): with several processes opening a new store at once SQLite may refuse
    the switch at once as "database is locked" rather than wait, where waiting could
    deadlock; a moment later the store is WAL and the switch a no-op."""
    deadline = time.monotonic() + patience
    while True:
        try:
            cur.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(0.05)


def _foreign(cur: sqlite3.Cursor) -> bool:
    """Whether the database holds tables but no vungxanh schema: another program's, left
    as it is (its journal mode too) for data.store.revisions.NotAStore to refuse. Only a
    database not in WAL mode yet is looked into: a vungxanh store is, once opened."""
    if cur.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
        return False
    names = {n for (n,) in cur.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    return bool(names) and "alembic_version" not in names


def _sqlite_begin(conn: Connection) -> None:
    """A writer takes SQLite's write lock when its transaction begins. A deferred one that
    read first cannot upgrade once another process committed (SQLITE_BUSY_SNAPSHOT, which
    busy_timeout does not retry), so two uploads at once would fail instead of queueing."""
    mode = "IMMEDIATE" if conn.get_execution_options().get(WRITER_OPTION) else "DEFERRED"
    conn.exec_driver_sql(f"BEGIN {mode}")


def _sqlite_read_pragmas(dbapi_conn, _record) -> None:
    dbapi_conn.isolation_level = None
    for pragma in ("busy_timeout=30000", "foreign_keys=ON", "query_only=ON"):
        dbapi_conn.execute(f"PRAGMA {pragma}")


def _read_only_connection(path: Path) -> sqlite3.Connection:
    """The file opened read-only (`mode=ro`). A WAL store's reader needs a -shm file
    beside it, which a read-only folder or media cannot take: then, unless a writer may
    be at work (a -shm exists, off read-only media), the file is opened immutable, as the
    snapshot it is; refused if a -wal holds writes not yet in it (immutable misses them)."""
    uri = f"{path.as_uri()}?mode=ro"
    conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
    try:
        conn.execute("PRAGMA schema_version").fetchone()
        return conn
    except sqlite3.OperationalError:
        conn.close()
        wal, shm = (path.with_name(f"{path.name}-{end}") for end in ("wal", "shm"))
        if wal.is_file() and wal.stat().st_size:
            raise StoreReadOnly("request.store.unmerged", where=str(path),
                                wal=str(wal)) from None
        if shm.exists() and read_only_why(path) != "media":
            raise
    return sqlite3.connect(f"{uri}&immutable=1", uri=True, check_same_thread=False)


def make_engine(url: str | None = None, *, read_only: bool = False) -> Engine:
    """The engine of `url`; `read_only` (a SQLite file that cannot be written, see
    `read_only_why`): opened read-only, every write refused by SQLite itself."""
    url = database_url(url)
    if not url.startswith("sqlite"):
        return _create(url, pool_pre_ping=True)
    path = sqlite_file(url) if read_only else None
    engine = _create(url) if path is None else _create(
        url, creator=lambda: _read_only_connection(path))
    event.listen(engine, "connect", _sqlite_pragmas if path is None else _sqlite_read_pragmas)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _create(url: str, **options) -> Engine:
    """create_engine; NoDriver when the URL's database driver is not installed (the only
    module create_engine imports: a dialect it has no plugin for is NoSuchModuleError)."""
    try:
        return create_engine(url, **options)
    except ImportError as exc:
        raise NoDriver("request.store.no_driver", where=masked_url(url),
                       module=exc.name or str(exc)) from None


def writer(engine: Engine) -> Engine:
    """The engine for write transactions: BEGIN IMMEDIATE on SQLite, as is on PostgreSQL."""
    return engine.execution_options(**{WRITER_OPTION: True})


def lock_for_write(c: Connection, keys: str | list[str], namespace: int) -> None:
    """Serialise writers of each key (a ward, the schema) until the transaction ends.
    PostgreSQL: transaction-level advisory locks, taken in sorted order in one statement
    (a city-wide upload locks 312 wards in one round trip). SQLite: BEGIN IMMEDIATE
    already holds the one database-wide write lock, so nothing more is needed."""
    if c.dialect.name == "postgresql":
        keys = sorted({keys} if isinstance(keys, str) else set(keys))
        c.execute(text("SELECT pg_advisory_xact_lock(:ns, hashtext(k)) "
                       "FROM unnest(CAST(:keys AS text[])) AS k"),
                  {"ns": namespace, "keys": keys})


class StoreUnusable(Unsaid):
    """The store cannot do what was asked (its disk is full, it is read-only): said to the
    user, who can fix it, and no internal error."""


class BadUrl(StoreUnusable):
    """A store URL SQLAlchemy cannot take apart (a port that is not a number, a broken
    [IPv6] host). The URL is not shown: where it breaks, a password may be."""


class NoDriver(StoreUnusable):
    """A store URL whose database driver is not installed (mysql:// without MySQLdb)."""


class StoreFull(StoreUnusable):
    """The disk holding the store is full (or failing): the write was rolled back."""


class StoreReadOnly(StoreUnusable):
    """The store takes no write: a read-only file, folder or media, or a server that
    refuses writes (a standby, default_transaction_read_only)."""

    @classmethod
    def of(cls, where: str, why: str, path: Path | None = None) -> StoreReadOnly:
        """The refusal of a write to the store `where` (the SQLite file `path`), read-only
        because of `why`; "journal" names the files beside it that cannot be written."""
        if why == "journal":
            return cls("request.store.read_only_journal", where=where,
                       files=", ".join(map(str, unwritable_journal(path))))
        return cls("request.store.read_only", where=where, why=Term(f"request.store.why_{why}"),
                   fix=Term(f"request.store.fix_{_FIX[why]}"))


# How each driver says it: SQLite's messages, PostgreSQL's SQLSTATE (and its messages).
_FULL = ("database or disk is full", "no space left on device", "could not extend file",
         "disk quota exceeded")
_READ_ONLY = ("readonly database", "read-only transaction", "read-only file system")
_SQLSTATE = {"53100": "full", "25006": "read_only"}  # disk_full, read_only_sql_transaction
_FIX = {"media": "copy", "file": "permissions", "folder": "permissions",
        "database": "server"}


def parse_url(url: str | URL) -> URL:
    """The URL taken apart; BadUrl for one SQLAlchemy cannot read (a port not a number)."""
    try:
        return make_url(url)
    except ValueError:
        raise BadUrl("request.store.bad_url") from None


def masked_url(url: str | URL) -> str:
    """The URL fit to print: its password and the values of secret query keys masked."""
    u = parse_url(url)
    hidden = {k: "***" if k.lower() == "pwd" or k.lower().endswith(_SECRET_KEYS) else v
              for k, v in u.query.items()}
    return u.set(query=hidden).render_as_string(hide_password=True).replace("%2A%2A%2A", "***")


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL (None: another database, or SQLite in memory)."""
    u = parse_url(url)
    if u.get_backend_name() != "sqlite" or u.database in (None, "", ":memory:"):
        return None
    return Path(u.database).absolute()


def locate(url: str) -> tuple[Path | None, str, str | None]:
    """The store's SQLite file (None: PostgreSQL, memory), the store as messages name it
    (that file, else the URL without its password), and why it is read-only (or None)."""
    path = sqlite_file(url)
    return path, str(path) if path else masked_url(url), read_only_why(path)


def read_only_why(path: Path | None) -> str | None:
    """Why the existing SQLite file `path` cannot be written ("media": a read-only file
    system, "file", "folder": no right to write it or to make its journal beside it,
    "journal": a -wal or -shm beside it that cannot be written), or None. A file that
    does not exist yet is left to be created."""
    if path is None or not path.is_file():
        return None
    if os.statvfs(path).f_flag & os.ST_RDONLY:
        return "media"
    if not os.access(path, os.W_OK):
        return "file"
    if not os.access(path.parent, os.W_OK | os.X_OK):
        return "folder"
    return "journal" if unwritable_journal(path) else None


def unwritable_journal(path: Path | None) -> list[Path]:
    """The -wal and -shm beside the SQLite file `path` that exist but cannot be written:
    left by a reader that could not write the store (SQLite makes them with the store's
    permissions), they refuse every write even once the store itself is writable."""
    if path is None:
        return []
    beside = (path.with_name(f"{path.name}-{end}") for end in ("wal", "shm"))
    return [p for p in beside if p.exists() and not os.access(p, os.W_OK)]


def refusal(exc: BaseException, where: str, path: Path | None) -> StoreUnusable | None:
    """What a database error means to the user, when it is a full disk or a read-only
    store (`path`: the SQLite file, asked why); None for any other error."""
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    state = getattr(orig, "sqlstate", None)
    if not (isinstance(orig, sqlite3.Error) or state is not None):
        return None
    said = str(orig).lower()
    kind = _SQLSTATE.get(state or "")
    if kind == "full" or any(m in said for m in _FULL):
        return StoreFull("request.store.full", where=where)
    if kind == "read_only" or any(m in said for m in _READ_ONLY):
        return StoreReadOnly.of(where, "database" if path is None else
                                read_only_why(path) or "file", path)
    if "disk i/o error" in said:
        return StoreFull("request.store.io_error", where=where)
    return None


@contextmanager
def refusals(where: str, path: Path | None):
    """Database errors that are a full disk or a read-only store, raised as the
    StoreUnusable that says so (the transaction inside has been rolled back)."""
    try:
        yield
    except Exception as exc:
        said = refusal(exc, where, path)
        if said is None:
            raise
        raise said from exc
