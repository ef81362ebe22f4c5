"""How an upload's rows reach the tables: bulk inserts through the driver (COPY on
PostgreSQL), upserts of units, and the split of a file's reports into new ones, changed
ones (the old value kept in history) and equal ones, with the packs patched alike."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import bindparam, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from data.store import audit, packs
from data.store.engine import LOCK_WARD, lock_for_write
from data.store.schema import (
    REPORT_FIELDS,
    as_date,
    uploads,
    zone_report_history,
    zone_reports,
)

# Values compared to decide whether a re-upload changes a report.
VALUE_FIELDS = ("level", "new_cases", "tests_done", "note")


@dataclass
class UploadOutcome:
    upload_id: int
    outcome: str  # accepted | repeat
    changed: int = 0  # reports inserted or replaced
    replaced: int = 0  # of which replaced an earlier value (kept in history)
    changed_keys: list[tuple[str, str, dt.date]] = field(default_factory=list)


@dataclass
class UploadMeta:
    user_name: str
    file_name: str
    sha256: str
    size_bytes: int
    channel: str = "file"  # file | form


def store_upload(c: Connection, meta: UploadMeta, rows: pd.DataFrame, report: dict,
                 now: dt.datetime) -> UploadOutcome:
    """`Store.record_upload` inside its write transaction `c`: the attempt, then (unless
    the same file was accepted before: a repeat) the rows, then the audit entry."""
    # Uploads touching the same ward queue here, so the later commit sees the earlier
    # one's rows and replaces them (history kept), never a key clash.
    lock_for_write(c, list(rows["ward_code"].unique()) if len(rows) else [], LOCK_WARD)
    outcome = "repeat" if _seen_accepted(c, meta.sha256) else "accepted"
    upload_id = c.execute(
        uploads.insert().values(
            user_name=meta.user_name, uploaded_at=now, file_name=meta.file_name,
            sha256=meta.sha256, size_bytes=meta.size_bytes, channel=meta.channel,
            rows=len(rows), outcome=outcome, changed=0,
            report_json=json.dumps(report, ensure_ascii=False, default=str),
        )
    ).inserted_primary_key[0]
    result = UploadOutcome(upload_id, outcome)
    if outcome == "accepted":
        result = apply_rows(c, upload_id, rows)
        c.execute(uploads.update().where(uploads.c.id == upload_id)
                  .values(changed=result.changed))
    audit.record(c, meta.user_name, f"upload.{outcome}", meta.file_name, now=now,
                 upload_id=upload_id, sha256=meta.sha256, rows=len(rows),
                 changed=result.changed, replaced=result.replaced, channel=meta.channel)
    return result


def typed_reports(df: pd.DataFrame) -> pd.DataFrame:
    df["date"] = pd.to_datetime(df["date"]).dt.date
    for col in ("new_cases", "tests_done"):
        df[col] = df[col].astype("Int64")
    df["note"] = df["note"].astype(object).where(df["note"].notna(), None)
    return df


def column_lists(df: pd.DataFrame, columns) -> list[list]:
    """Columns as Python lists (NA → None), ready for the DB driver."""
    return [df[col].to_numpy(dtype=object, na_value=None).tolist() for col in columns]


def records(df: pd.DataFrame, columns) -> list[dict]:
    """DataFrame rows as plain Python dicts (NA → None) for executemany."""
    columns = list(columns)
    return [dict(zip(columns, row, strict=True))
            for row in zip(*column_lists(df, columns), strict=True)]


def driver_insert(c: Connection, table, columns: list[str], rows: list[tuple]) -> None:
    """Bulk insert straight through the DB driver, in the connection's transaction.

    SQLAlchemy's per-row parameter processing was about a third of the time of a large
    upload (profiled on the 1.5 M-row city demo); the driver takes tuples as they are.
    PostgreSQL gets COPY (psycopg 3), several times faster than executemany there.
    SQLite gets dates as ISO text, the form SQLAlchemy's Date type stores there.
    """
    names = ", ".join(columns)
    if c.dialect.name == "postgresql":
        sql = f"COPY {table.name} ({names}) FROM STDIN"
        try:
            with c.connection.dbapi_connection.cursor() as cur, cur.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
        except c.dialect.dbapi.IntegrityError as exc:  # same exception as the other paths
            raise IntegrityError(sql, None, exc) from exc
        return
    if c.dialect.name == "sqlite":
        at = columns.index("date") if "date" in columns else None
        if at is not None:
            rows = [(*r[:at], r[at].isoformat(), *r[at + 1:]) for r in rows]
    mark = "?" if c.dialect.paramstyle == "qmark" else "%s"
    c.exec_driver_sql(f"INSERT INTO {table.name} ({names}) "
                      f"VALUES ({', '.join([mark] * len(columns))})", rows)


def upsert(c: Connection, table, df: pd.DataFrame, key: list[str]) -> None:
    if df is None or df.empty:
        return
    cols = [col for col in df.columns if col in table.c]
    rows = records(df, cols)
    existing = {tuple(r) for r in c.execute(select(*[table.c[k] for k in key]))}
    new = [r for r in rows if tuple(r[k] for k in key) not in existing]
    old = [r for r in rows if tuple(r[k] for k in key) in existing]
    if new:
        c.execute(table.insert(), new)
    values = [col for col in cols if col not in key]
    if old and values:  # one executemany, not one UPDATE per row
        stmt = (table.update()
                .where(*[table.c[k] == bindparam(f"k_{k}") for k in key])
                .values({v: bindparam(f"v_{v}") for v in values}))
        c.execute(stmt, [{**{f"k_{k}": r[k] for k in key}, **{f"v_{v}": r[v] for v in values}}
                         for r in old])


_REPORT_INSERT = [*REPORT_FIELDS, "upload_id"]


def apply_rows(c: Connection, upload_id: int, rows: pd.DataFrame) -> UploadOutcome:
    """Insert new reports, move replaced ones to history, leave equal ones alone."""
    tuples = [(*r, upload_id) for r in zip(*column_lists(rows, REPORT_FIELDS), strict=True)]
    existing = _existing_reports(c, rows)
    if existing:
        fresh, changed, history = _split_against(existing, tuples, upload_id)
    else:  # the common case (a new day): nothing to compare
        fresh, changed, history = tuples, [], []
    if history:
        c.execute(zone_report_history.insert(), history)
        c.execute(
            zone_reports.update()
            .where(zone_reports.c.ward_code == bindparam("k_w"),
                   zone_reports.c.block_code == bindparam("k_b"),
                   zone_reports.c.date == bindparam("k_d"))
            .values({f: bindparam(f"v_{f}") for f in (*VALUE_FIELDS, "upload_id")}),
            [{"k_w": t[0], "k_b": t[1], "k_d": t[2],
              **{f"v_{f}": t[_REPORT_INSERT.index(f)] for f in (*VALUE_FIELDS, "upload_id")}}
             for t in changed],
        )
    if fresh:
        driver_insert(c, zone_reports, _REPORT_INSERT, fresh)
    if fresh is tuples:  # nothing was stored for these keys: pack the rows as they are
        packs.patch(c, rows.assign(upload_id=upload_id))
    else:
        packs.patch(c, pd.DataFrame.from_records(fresh + changed, columns=_REPORT_INSERT))
    touched = [t[:3] for t in fresh] + [t[:3] for t in changed]
    return UploadOutcome(upload_id, "accepted", changed=len(touched),
                         replaced=len(changed), changed_keys=touched)


def _split_against(existing: dict, tuples: list[tuple], upload_id: int):
    """Rows new to the store, rows that change a stored value, and the replaced values."""
    fresh, changed, history = [], [], []
    value_at = [_REPORT_INSERT.index(f) for f in VALUE_FIELDS]
    for t in tuples:
        old = existing.get(t[:3])
        if old is None:
            fresh.append(t)
        elif any(old[f] != t[i] for f, i in zip(VALUE_FIELDS, value_at, strict=True)):
            changed.append(t)
            history.append(old | {"replaced_by_upload_id": upload_id})
    return fresh, changed, history


def _existing_reports(c: Connection, rows: pd.DataFrame) -> dict:
    """Current reports for the wards and dates of `rows`, keyed by (ward, block, date)."""
    if rows.empty:
        return {}
    cols = [zone_reports.c[f] for f in REPORT_FIELDS] + [zone_reports.c.upload_id]
    out = {}
    dates = sorted(set(rows["date"]))
    ward_codes = sorted(set(rows["ward_code"]))
    q = select(*cols).where(zone_reports.c.date.in_(dates),
                            zone_reports.c.ward_code.in_(ward_codes))
    for r in c.execute(q).mappings():
        rec = dict(r)
        rec["date"] = as_date(rec["date"])
        out[(rec["ward_code"], rec["block_code"], rec["date"])] = rec
    return out


def _seen_accepted(c: Connection, sha256: str) -> bool:
    q = select(func.count()).select_from(uploads).where(
        uploads.c.sha256 == sha256, uploads.c.outcome == "accepted")
    return c.execute(q).scalar_one() > 0
