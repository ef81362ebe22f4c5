"""The database engine: SQLite (the embedded default) or PostgreSQL, the locks that make
writers queue, the schema migrations (Alembic, loaded only when the schema is behind), and
what a store that cannot take a write says: a full disk, a read-only file, folder, media
or server. A SQLite file that cannot be written is opened read-only, so it can be read."""

from __future__ import annotations

import os
import re
import sqlite3
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import DBAPIError

from data.config.settings import database_url
from zones.problems import Term, Unsaid

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
WRITER_OPTION = "vungxanh_writer"
# Advisory-lock namespaces (PostgreSQL's two-int form): one for the schema, one for wards.
LOCK_SCHEMA, LOCK_WARD = 0x5658_0001, 0x5658_0002


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    # SQLAlchemy emits BEGIN itself (_sqlite_begin): the driver's own implicit BEGIN
    # cannot say IMMEDIATE.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA busy_timeout=30000")  # first: switching to WAL may wait for a lock
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")  # readers do not block the uploader
    cur.close()


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
    if url.startswith("sqlite"):
        path = sqlite_file(url) if read_only else None
        engine = create_engine(url) if path is None else create_engine(
            url, creator=lambda: _read_only_connection(path))
        event.listen(engine, "connect", _sqlite_pragmas if path is None else
                     _sqlite_read_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True)


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


class NewerSchema(Unsaid):
    """A store whose schema revision no migration of this code has: a newer vungxanh made
    it. Refused when the store is opened, before anything reads or migrates it."""


class StoreUnusable(Unsaid):
    """The store cannot do what was asked (its disk is full, it is read-only): said to the
    user, who can fix it, and no internal error."""


class StoreFull(StoreUnusable):
    """The disk holding the store is full (or failing): the write was rolled back."""


class StoreReadOnly(StoreUnusable):
    """The store takes no write: a read-only file, folder or media, or a server that
    refuses writes (a standby, default_transaction_read_only)."""

    @classmethod
    def of(cls, where: str, why: str) -> StoreReadOnly:
        """The refusal of a write to the store `where`, read-only because of `why`."""
        return cls("request.store.read_only", where=where, why=Term(f"request.store.why_{why}"),
                   fix=Term(f"request.store.fix_{_FIX[why]}"))


# How each driver says it: SQLite's messages, PostgreSQL's SQLSTATE (and its messages).
_FULL = ("database or disk is full", "no space left on device", "could not extend file",
         "disk quota exceeded")
_READ_ONLY = ("readonly database", "read-only transaction", "read-only file system")
_SQLSTATE = {"53100": "full", "25006": "read_only"}  # disk_full, read_only_sql_transaction
_FIX = {"media": "copy", "file": "permissions", "folder": "permissions",
        "database": "server"}


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL (None: another database, or SQLite in memory)."""
    u = make_url(url)
    if u.get_backend_name() != "sqlite" or u.database in (None, "", ":memory:"):
        return None
    return Path(u.database).absolute()


def locate(url: str) -> tuple[Path | None, str, str | None]:
    """The store's SQLite file (None: PostgreSQL, memory), the store as messages name it
    (that file, else the URL without its password), and why it is read-only (or None)."""
    path = sqlite_file(url)
    where = str(path) if path else make_url(url).render_as_string(hide_password=True)
    return path, where, read_only_why(path)


def read_only_why(path: Path | None) -> str | None:
    """Why the existing SQLite file `path` cannot be written ("media": a read-only file
    system, "file", "folder": no right to write it or to make its journal beside it), or
    None. A file that does not exist yet is left to be created."""
    if path is None or not path.is_file():
        return None
    if os.statvfs(path).f_flag & os.ST_RDONLY:
        return "media"
    if not os.access(path, os.W_OK):
        return "file"
    return None if os.access(path.parent, os.W_OK | os.X_OK) else "folder"


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
                                read_only_why(path) or "file")
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


@cache
def _revisions() -> tuple[frozenset[str], frozenset[str]]:
    """The migrations' revisions and those some migration revises, read from the files
    (no alembic import)."""
    revisions, revised = set(), set()
    for f in (MIGRATIONS / "versions").glob("*.py"):
        text_ = f.read_text(encoding="utf-8")
        revisions.update(re.findall(r'^revision = "([^"]+)"', text_, re.M))
        revised.update(re.findall(r'^down_revision = "([^"]+)"', text_, re.M))
    return frozenset(revisions), frozenset(revised)


def known_revisions() -> frozenset[str]:
    """Every schema revision this code can read or upgrade."""
    return _revisions()[0]


def head_revision() -> str | None:
    """The newest migration's revision: the one no other migration revises. None if the
    files do not form a single line."""
    revisions, revised = _revisions()
    heads = revisions - revised
    return next(iter(heads)) if len(heads) == 1 else None


def stored_revisions(engine: Engine) -> list[str] | None:
    """The schema revisions the store records; None for a new store (no alembic_version
    table). A file that is not a database raises sqlalchemy's DatabaseError."""
    with engine.connect() as c:
        if not inspect(c).has_table("alembic_version"):
            return None
        return list(c.execute(text("SELECT version_num FROM alembic_version")).scalars())


def at_head(engine: Engine) -> bool:
    """Whether the schema is at the newest migration already (two cheap queries)."""
    head = head_revision()
    return head is not None and stored_revisions(engine) == [head]


def check_known(found: list[str] | None, where: str, key: str,
                error: type[Unsaid] = NewerSchema) -> None:
    """Refuse (`error`, message `key` about `where`) a schema at revisions `found` that
    this code does not know."""
    unknown = sorted(set(found or ()) - known_revisions())
    if unknown:
        raise error(key, where=where, revision=", ".join(unknown),
                    head=head_revision() or "?")


def open_schema(engine: Engine, where: str, path: Path | None, read_only: str | None) -> None:
    """The schema made ready when the store `where` is opened: migrated, or, opened
    read-only (because of `read_only`), read as it is: NewerSchema if a newer version
    made it, StoreReadOnly if it is behind (it cannot be upgraded in place). A full disk
    or a read-only store found on the way is said (`refusals`)."""
    with refusals(where, path):
        if read_only is None:
            migrate(engine)
            return
        found = stored_revisions(engine)
    check_known(found, where, "request.backup.newer_store")
    if found != [head_revision()]:
        raise StoreReadOnly("request.store.old_read_only", where=where,
                            why=Term(f"request.store.why_{read_only}"),
                            revision=", ".join(found or ["-"]), head=head_revision() or "?")


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (idempotent); NewerSchema for a store a
    newer version made, which alembic could not place. Two processes starting on an
    empty database at once queue on a lock; the second then finds the schema at head.
    A store at head already is left alone without loading alembic (a third of a second
    of a dashboard's start)."""
    found = stored_revisions(engine)
    if head_revision() is not None and found == [head_revision()]:
        return
    check_known(found, engine.url.render_as_string(hide_password=True),
                "request.backup.newer_store")
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with writer(engine).begin() as conn:
        lock_for_write(conn, "schema", LOCK_SCHEMA)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
