"""The database engine: SQLite (the embedded default) or PostgreSQL, the locks that make
writers queue, and the schema migrations (Alembic, loaded only when the schema is behind)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import Connection

from data.config.settings import database_url
from zones.problems import Unsaid

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


def make_engine(url: str | None = None) -> Engine:
    url = database_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
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
