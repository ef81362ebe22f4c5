"""The schema's revisions: those this code's migrations know, those a store records, and
bringing a store to the newest (Alembic, loaded only when the schema is behind). A store
a newer version made is refused, and so is a SQLite database of another program (tables,
but no vungxanh schema): nothing is migrated into it."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from sqlalchemy import Engine, inspect, text

from data.store.engine import (
    LOCK_SCHEMA,
    MIGRATIONS,
    StoreReadOnly,
    lock_for_write,
    masked_url,
    refusals,
    writer,
)
from zones.problems import Term, Unsaid


class NewerSchema(Unsaid):
    """A store whose schema revision no migration of this code has: a newer vungxanh made
    it. Refused when the store is opened, before anything reads or migrates it."""


class NotAStore(Unsaid):
    """A SQLite database holding tables but no vungxanh schema: another program's (or a
    mistyped path to one). Refused when opened, before anything is written into it."""


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
    table, and on SQLite no table at all: NotAStore for a database of other tables). A
    file that is not a database raises sqlalchemy's DatabaseError."""
    with engine.connect() as c:
        if inspect(c).has_table("alembic_version"):
            return list(c.execute(text("SELECT version_num FROM alembic_version")).scalars())
        if engine.dialect.name == "sqlite" and (tables := inspect(c).get_table_names()):
            raise NotAStore("request.store.not_vungxanh", tables=", ".join(sorted(tables)),
                            where=str(Path(engine.url.database or "").absolute()))
    return None


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


def _newer_store(engine: Engine) -> str:
    """What a store of a newer version is told: SQLite can take a backup back (`restore`);
    PostgreSQL cannot, and is told pg_restore."""
    sqlite = engine.dialect.name == "sqlite"
    return "request.backup.newer_store" if sqlite else "request.backup.newer_store_server"


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
    check_known(found, where, _newer_store(engine))
    if found != [head_revision()]:
        raise StoreReadOnly("request.store.old_read_only", where=where,
                            why=Term(f"request.store.why_{read_only}"),
                            revision=", ".join(found or ["-"]), head=head_revision() or "?")


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (idempotent); NewerSchema for a store a
    newer version made, which alembic could not place, NotAStore for another program's
    SQLite database. Two processes starting on an empty database at once queue on a
    lock; the second then finds the schema at head. A store at head already is left
    alone without loading alembic (a third of a second of a dashboard's start)."""
    found = stored_revisions(engine)
    if head_revision() is not None and found == [head_revision()]:
        return
    check_known(found, masked_url(engine.url), _newer_store(engine))
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with writer(engine).begin() as conn:
        lock_for_write(conn, "schema", LOCK_SCHEMA)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
