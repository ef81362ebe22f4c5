"""The audit log: who changed what, when (uploads, rounds, user and policy changes,
backups and restores), viewable and exportable by admins; and the reference ids that
stand in for tracebacks users must not see.

`record` writes inside the caller's transaction, so a change and its audit entry commit
or vanish together.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import logging
import secrets
import traceback

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from data.exports.safe_output import neutralise_formula
from data.store.schema import audit_log

log = logging.getLogger("vungxanh")
COLUMNS = ("id", "at", "actor", "action", "target", "detail_json")


def record(c: Connection, actor: str, action: str, target: str, *,
           now: dt.datetime | None = None, **detail) -> None:
    """One audit entry in the transaction of `c`."""
    c.execute(audit_log.insert().values(
        at=now or dt.datetime.now(dt.UTC), actor=actor, action=action, target=str(target),
        detail_json=json.dumps(detail, ensure_ascii=False, default=str, sort_keys=True)))


def entries(store, *, limit: int | None = None) -> pd.DataFrame:
    """The log, newest first: id, at, actor, action, target, detail_json."""
    q = select(audit_log).order_by(audit_log.c.id.desc())
    if limit is not None:
        q = q.limit(limit)
    with store.engine.connect() as c:
        return pd.read_sql(q, c)


def count(store) -> int:
    """How many entries the log holds."""
    with store.engine.connect() as c:
        return c.execute(select(func.count()).select_from(audit_log)).scalar_one()


def export_bytes(df: pd.DataFrame, fmt: str) -> bytes:
    """CSV (UTF-8 with BOM, every text cell formula-neutralised: actors, file names and
    notes come from users) or JSON (a list of objects, text as stored)."""
    if fmt == "json":
        records = json.loads(df.to_json(orient="records", date_format="iso"))
        return (json.dumps(records, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    if fmt != "csv":
        raise ValueError(f"unknown audit format {fmt!r}: expected csv or json")
    safe = df.astype(object).map(lambda v: neutralise_formula(v) if isinstance(v, str) else v)
    buf = io.StringIO()
    safe.to_csv(buf, index=False, lineterminator="\r\n")
    return "\ufeff".encode() + buf.getvalue().encode("utf-8")


def note_policy(store, actor: str, policy_id: str, policy_text: str) -> bool:
    """Log a policy change: the first use of a policy text whose SHA-256 differs from the
    last one logged. Returns whether an entry was written."""
    sha = hashlib.sha256(policy_text.encode("utf-8")).hexdigest()
    q = (select(audit_log.c.detail_json).where(audit_log.c.action == "policy.change")
         .order_by(audit_log.c.id.desc()).limit(1))
    with store.write() as c:
        last = c.execute(q).scalar_one_or_none()
        if last is not None and json.loads(last).get("sha256") == sha:
            return False
        record(c, actor, "policy.change", policy_id, sha256=sha)
    return True


def incident(exc: BaseException) -> str:
    """Log an unexpected error with its traceback under a short reference id, and return
    the id: users see the id, operators find the details in the log."""
    ref = secrets.token_hex(4).upper()
    log.error("incident %s: %s\n%s", ref, type(exc).__name__,
              "".join(traceback.format_exception(exc)))
    return ref
