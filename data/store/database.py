"""The history store: areas, uploads, zone reports and replaced values, on SQLite (the
embedded default) or PostgreSQL (`DATABASE_URL`). One upload is one transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, bindparam, create_engine, event, func, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, IntegrityError

from data.config.settings import database_url
from data.store import audit, derived, packs, trend_packs
from data.store.schema import (
    ALL_TABLES,
    REPORT_FIELDS,
    WARD_ROW,
    as_date,
    audit_log,
    blocks,
    districts,
    provinces,
    report_packs,
    testing_rounds,
    uploads,
    wards,
    zone_report_history,
    zone_reports,
)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
WRITER_OPTION = "vungxanh_writer"
# Advisory-lock namespaces (PostgreSQL's two-int form): one for the schema, one for wards.
LOCK_SCHEMA, LOCK_WARD = 0x5658_0001, 0x5658_0002
# Values compared to decide whether a re-upload changes a report.
VALUE_FIELDS = ("level", "new_cases", "tests_done", "note")


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


@cache
def head_revision() -> str | None:
    """The newest migration's revision, read from the files (no alembic import): the one
    no other migration revises. None if the files do not form a single line."""
    revisions, revised = set(), set()
    for f in (MIGRATIONS / "versions").glob("*.py"):
        text_ = f.read_text(encoding="utf-8")
        revisions.update(re.findall(r'^revision = "([^"]+)"', text_, re.M))
        revised.update(re.findall(r'^down_revision = "([^"]+)"', text_, re.M))
    heads = revisions - revised
    return heads.pop() if len(heads) == 1 else None


def at_head(engine: Engine) -> bool:
    """Whether the schema is at the newest migration already (one cheap query)."""
    head = head_revision()
    if head is None:
        return False
    try:
        with engine.connect() as c:
            found = c.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    except DBAPIError:  # no alembic_version table: a new store
        return False
    return found == [head]


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (idempotent). Two processes starting on an
    empty database at once queue on a lock; the second then finds the schema at head.
    A store at head already is left alone without loading alembic (a third of a second
    of a dashboard's start)."""
    if at_head(engine):
        return
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with writer(engine).begin() as conn:
        lock_for_write(conn, "schema", LOCK_SCHEMA)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


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


class Store:
    """A handle on one database; methods are short transactions."""

    def __init__(self, url: str | None = None, *, migrate_schema: bool = True):
        self.url = database_url(url)
        self.engine = make_engine(self.url)
        if migrate_schema:
            migrate(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()

    # ---- areas -------------------------------------------------------------

    def upsert_units(self, provinces_df: pd.DataFrame, districts_df: pd.DataFrame,
                     wards_df: pd.DataFrame, conn: Connection | None = None) -> None:
        """Insert or update provinces, districts and wards (codes as text).

        wards_df: code, name, district_code, population, geometry (WKB or None),
        geometry_crs, source_crs.
        """
        with self._tx(conn) as c:
            _upsert(c, provinces, provinces_df, ["code"])
            _upsert(c, districts, districts_df, ["code"])
            _upsert(c, wards, wards_df, ["code"])

    def upsert_blocks(self, blocks_df: pd.DataFrame, conn: Connection | None = None) -> None:
        """blocks_df: ward_code, block_code, name, population, optional geometry columns."""
        with self._tx(conn) as c:
            _upsert(c, blocks, blocks_df, ["ward_code", "block_code"])

    def known_areas(self) -> dict[str, set[str]]:
        """Ward code → its block codes: what an upload may name."""
        with self.engine.connect() as c:
            out: dict[str, set[str]] = {w: set() for (w,) in c.execute(select(wards.c.code))}
            for w, b in c.execute(select(blocks.c.ward_code, blocks.c.block_code)):
                out.setdefault(w, set()).add(b)
        return out

    def areas(self) -> pd.DataFrame:
        """Every ward and block with district and population (no geometry).

        Columns: area_type, province_code, province_name, district_code, district_name,
        ward_code, ward_name, block_code ('' for wards), block_name, population.
        """
        with self.engine.connect() as c:
            w = pd.read_sql(
                select(
                    provinces.c.code.label("province_code"),
                    provinces.c.name.label("province_name"),
                    districts.c.code.label("district_code"),
                    districts.c.name.label("district_name"),
                    wards.c.code.label("ward_code"),
                    wards.c.name.label("ward_name"),
                    wards.c.population,
                )
                .join_from(wards, districts, wards.c.district_code == districts.c.code)
                .join(provinces, districts.c.province_code == provinces.c.code),
                c,
            )
            b = pd.read_sql(
                select(blocks.c.ward_code, blocks.c.block_code,
                       blocks.c.name.label("block_name"), blocks.c.population),
                c,
            )
        w = w.assign(area_type="ward", block_code=WARD_ROW, block_name="")
        b = b.merge(w.drop(columns=["population", "area_type", "block_code", "block_name"]),
                    on="ward_code", how="left").assign(area_type="block")
        cols = ["area_type", "province_code", "province_name", "district_code", "district_name",
                "ward_code", "ward_name", "block_code", "block_name", "population"]
        out = pd.concat([w[cols], b[cols]], ignore_index=True)
        out["population"] = out["population"].astype("Int64")
        return out.sort_values(["ward_code", "block_code"], ignore_index=True)

    def geometries(self, area_type: str = "ward") -> pd.DataFrame:
        """WKB geometries (EPSG:4326) of wards or blocks that have one, sorted by code."""
        t = wards if area_type == "ward" else blocks
        key = [t.c.code.label("ward_code")] if t is wards else [t.c.ward_code, t.c.block_code]
        with self.engine.connect() as c:
            return pd.read_sql(select(*key, t.c.geometry).where(t.c.geometry.is_not(None))
                               .order_by(*key), c)

    # ---- uploads -----------------------------------------------------------

    def record_upload(self, meta: UploadMeta, rows: pd.DataFrame, report: dict,
                      *, now: dt.datetime | None = None) -> UploadOutcome:
        """Store an accepted upload: the attempt, the new values and the replaced ones,
        all in one transaction. A rejected file is never passed here: it stores nothing.

        A file whose SHA-256 was accepted before is logged as a repeat and changes nothing.
        rows: REPORT_FIELDS columns, block_code '' for ward rows, date as datetime.date.
        """
        now = now or dt.datetime.now(dt.UTC)
        with self.write() as c:
            # Uploads touching the same ward queue here, so the later commit sees the
            # earlier one's rows and replaces them (history kept), never a key clash.
            lock_for_write(c, list(rows["ward_code"].unique()) if len(rows) else [],
                           LOCK_WARD)
            outcome = "repeat" if self._seen_accepted(c, meta.sha256) else "accepted"
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
                result = _apply_rows(c, upload_id, rows)
                c.execute(uploads.update().where(uploads.c.id == upload_id)
                          .values(changed=result.changed))
            audit.record(c, meta.user_name, f"upload.{outcome}", meta.file_name, now=now,
                         upload_id=upload_id, sha256=meta.sha256, rows=len(rows),
                         changed=result.changed, replaced=result.replaced,
                         channel=meta.channel)
        return result

    def _seen_accepted(self, c: Connection, sha256: str) -> bool:
        q = select(func.count()).select_from(uploads).where(
            uploads.c.sha256 == sha256, uploads.c.outcome == "accepted")
        return c.execute(q).scalar_one() > 0

    def uploads(self) -> pd.DataFrame:
        with self.engine.connect() as c:
            return pd.read_sql(select(uploads).order_by(uploads.c.id), c)

    # ---- reports -----------------------------------------------------------

    def reports(self, date_from: dt.date | None = None, date_to: dt.date | None = None,
                ward_codes: list[str] | None = None) -> pd.DataFrame:
        """Current zone reports in a date range (inclusive), as a DataFrame."""
        with self.engine.connect() as c:
            return packs.read(c, date_from, date_to, ward_codes)

    def report_grids(self, keys: pd.MultiIndex, first_day: dt.date, last_day: dt.date,
                     ward_codes: list[str] | None = None):
        """Reports as grids [area, day] for the areas `keys`: see data.store.packs.grids."""
        with self.engine.connect() as c:
            return packs.grids(c, keys, first_day, last_day, ward_codes)

    def report_records(self, first_day: dt.date, last_day: dt.date) -> list:
        """The report packs of the months first_day…last_day fall in, with their notes and
        digests, as rows (data.store.packs.grid_records): what a figure is made from, and
        (data.store.packs.digest_of) the hash it is then kept under."""
        with self.engine.connect() as c:
            return packs.grid_records(c, packs.month_of(first_day), packs.month_of(last_day),
                                      notes=True)

    def report_digest(self, first_day: dt.date, last_day: dt.date) -> bytes:
        """data.store.packs.digest_of the reports of the months first_day…last_day fall in,
        from the digests kept beside the packs: whether a figure kept under it is current."""
        with self.engine.connect() as c:
            return packs.report_digest(c, packs.month_of(first_day), packs.month_of(last_day))

    def ward_tallies(self, areas: pd.DataFrame, start: dt.date, end: dt.date, policy):
        """Trend tallies of each ward code of `areas` on start…end: see
        data.store.trend_packs.tallies."""
        return trend_packs.tallies(self.engine, areas, start, end, policy)

    def derived(self, kind: str, key: str, make):
        """A derived file and its meta, kept in the store: see data.store.derived.derived."""
        return derived.derived(self.engine, kind, key, make)

    def notes(self) -> pd.DataFrame:
        """Every stored report note (ward_code, block_code, date, note)."""
        with self.engine.connect() as c:
            return packs.notes(c)

    def reports_by_row(self, date_from: dt.date | None = None,
                       date_to: dt.date | None = None) -> pd.DataFrame:
        """`reports` read row by row from zone_reports: slow, the reference the packs are
        checked against (tests, `repack`)."""
        q = select(*[zone_reports.c[f] for f in REPORT_FIELDS], zone_reports.c.upload_id)
        if date_from is not None:
            q = q.where(zone_reports.c.date >= date_from)
        if date_to is not None:
            q = q.where(zone_reports.c.date <= date_to)
        with self.engine.connect() as c:
            df = pd.read_sql(q.order_by(zone_reports.c.date, zone_reports.c.ward_code,
                                        zone_reports.c.block_code), c)
        return _typed_reports(df)

    def repack(self) -> int:
        """Build the report packs again from zone_reports; returns the reports packed."""
        with self.write() as c:
            return packs.rebuild(c)

    def report_history(self, ward_code: str, block_code: str, date: dt.date) -> pd.DataFrame:
        """Replaced values of one area and date, oldest first, with who and when."""
        q = (
            select(zone_report_history, uploads.c.user_name, uploads.c.uploaded_at,
                   uploads.c.sha256, uploads.c.file_name)
            .join(uploads, uploads.c.id == zone_report_history.c.upload_id)
            .where(zone_report_history.c.ward_code == ward_code,
                   zone_report_history.c.block_code == block_code,
                   zone_report_history.c.date == date)
            .order_by(zone_report_history.c.id)
        )
        with self.engine.connect() as c:
            return pd.read_sql(q, c)

    def testing_rounds(self, date_to: dt.date | None = None) -> pd.DataFrame:
        """Rounds recorded directly (CLI, dashboard): ward_code, block_code, date, samples."""
        q = select(testing_rounds.c.ward_code, testing_rounds.c.block_code,
                   testing_rounds.c.date, testing_rounds.c.samples, testing_rounds.c.source)
        if date_to is not None:
            q = q.where(testing_rounds.c.date <= date_to)
        with self.engine.connect() as c:
            df = pd.read_sql(q.order_by(testing_rounds.c.date), c)
        df["date"] = pd.to_datetime(df["date"]).dt.date
        return df

    def record_rounds(self, rounds: pd.DataFrame, *, source: str, user: str,
                      now: dt.datetime | None = None) -> int:
        """Store rounds (ward_code, block_code, date, samples) in one transaction; a round
        already on record for that area and date takes the new sample count."""
        now = now or dt.datetime.now(dt.UTC)
        df = rounds[["ward_code", "block_code", "date", "samples"]].assign(
            source=source, recorded_by=user, recorded_at=now)
        with self.write() as c:
            _upsert(c, testing_rounds, df, ["ward_code", "block_code", "date"])
            audit.record(c, user, "rounds.record", source, now=now, rounds=len(df))
        return len(df)

    def date_range(self) -> tuple[dt.date, dt.date] | None:
        # Two queries: SQLite answers a lone min() or max() from the date index, both in
        # one SELECT by reading every row.
        with self.engine.connect() as c:
            lo = c.execute(select(func.min(zone_reports.c.date))).scalar_one()
            hi = c.execute(select(func.max(zone_reports.c.date))).scalar_one()
        return None if lo is None else (as_date(lo), as_date(hi))

    def count(self, table_name: str) -> int:
        """Rows of one table (table_counts counts every table, millions of rows)."""
        table = next(t for t in ALL_TABLES if t.name == table_name)
        with self.engine.connect() as c:
            return c.execute(select(func.count()).select_from(table)).scalar_one()

    def data_version(self) -> tuple[int, ...]:
        """Changes whenever the data does, from a few index lookups: every upload (even a
        repeat) adds an uploads row, every change (rounds, imports, users, restores) an
        audit entry, and areas change the ward and block counts."""
        with self.engine.connect() as c:
            out = [c.execute(select(func.coalesce(func.max(t.c.id), 0))).scalar_one()
                   for t in (uploads, audit_log, testing_rounds)]
            out += [c.execute(select(func.count()).select_from(t)).scalar_one()
                    for t in (audit_log, wards, blocks, report_packs)]
        return tuple(out)

    def table_counts(self) -> dict[str, int]:
        with self.engine.connect() as c:
            return {t.name: c.execute(select(func.count()).select_from(t)).scalar_one()
                    for t in ALL_TABLES}

    # ---- helpers -----------------------------------------------------------

    def write(self):
        """A write transaction (BEGIN IMMEDIATE on SQLite)."""
        return writer(self.engine).begin()

    def _tx(self, conn: Connection | None):
        return _NoopCtx(conn) if conn is not None else self.write()


class _NoopCtx:
    def __init__(self, conn):
        self.conn = conn

    def __enter__(self):
        return self.conn

    def __exit__(self, *exc):
        return False


def _typed_reports(df: pd.DataFrame) -> pd.DataFrame:
    df["date"] = pd.to_datetime(df["date"]).dt.date
    for col in ("new_cases", "tests_done"):
        df[col] = df[col].astype("Int64")
    df["note"] = df["note"].astype(object).where(df["note"].notna(), None)
    return df


def _columns(df: pd.DataFrame, columns) -> list[list]:
    """Columns as Python lists (NA → None), ready for the DB driver."""
    return [df[col].to_numpy(dtype=object, na_value=None).tolist() for col in columns]


def _records(df: pd.DataFrame, columns) -> list[dict]:
    """DataFrame rows as plain Python dicts (NA → None) for executemany."""
    columns = list(columns)
    return [dict(zip(columns, row, strict=True))
            for row in zip(*_columns(df, columns), strict=True)]


def _driver_insert(c: Connection, table, columns: list[str], rows: list[tuple]) -> None:
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


def _upsert(c: Connection, table, df: pd.DataFrame, key: list[str]) -> None:
    if df is None or df.empty:
        return
    cols = [col for col in df.columns if col in table.c]
    records = _records(df, cols)
    existing = {tuple(r) for r in c.execute(select(*[table.c[k] for k in key]))}
    new = [r for r in records if tuple(r[k] for k in key) not in existing]
    old = [r for r in records if tuple(r[k] for k in key) in existing]
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


def _apply_rows(c: Connection, upload_id: int, rows: pd.DataFrame) -> UploadOutcome:
    """Insert new reports, move replaced ones to history, leave equal ones alone."""
    tuples = [(*r, upload_id) for r in zip(*_columns(rows, REPORT_FIELDS), strict=True)]
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
        _driver_insert(c, zone_reports, _REPORT_INSERT, fresh)
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


__all__ = ["Store", "UploadMeta", "UploadOutcome"]
