"""Files derived from the store that are slow to make and change rarely, kept in the
store itself (`derived_files`, one row per kind) under a key: a hash of what the file was
made from, which the caller computes. A read whose key matches gets the kept file; any
other read makes the file again and keeps it instead. Like data.store.trend_packs, writers
never invalidate anything, and the table can be emptied at any time.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from sqlalchemy import Engine, select
from sqlalchemy.exc import OperationalError

from data.store.schema import derived_files


def _upsert(engine: Engine):
    if engine.dialect.name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    elif engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        return None
    return insert


def keep(engine: Engine, table, rows: list[dict], index: list[str]) -> None:
    """Insert or replace derived rows of `table` (primary key `index`). Best effort: a
    store busy with an upload, or read-only, keeps nothing; the rows are made again on
    the next read."""
    insert = _upsert(engine)
    if insert is None or not rows:
        return
    stmt = insert(table)
    stmt = stmt.on_conflict_do_update(
        index_elements=index,
        set_={c.name: stmt.excluded[c.name] for c in table.columns if c.name not in index})
    try:
        with engine.begin() as c:
            for chunk in range(0, len(rows), 500):
                c.execute(stmt, rows[chunk:chunk + 500])
    except OperationalError:
        return


def derived(engine: Engine, kind: str, key: str,
            make: Callable[[], tuple[bytes, dict]]) -> tuple[bytes, dict]:
    """The file of `kind` made from what `key` names, with its meta (JSON-able): the kept
    one if its key matches, else `make()`'s, then kept, unless its meta says
    `"_keep": False` (it was made from data newer than `key` names)."""
    with engine.connect() as c:
        row = c.execute(select(derived_files).where(derived_files.c.kind == kind)).first()
    if row is not None and row.key == key:
        return bytes(row.data), json.loads(row.meta)
    data, meta = make()
    if meta.pop("_keep", True):  # False: made from newer data than `key` names
        keep(engine, derived_files, [{"kind": kind, "key": key, "data": data,
                                      "meta": json.dumps(meta)}], ["kind"])
    return data, meta
