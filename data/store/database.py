"""The history store: areas, uploads, zone reports and replaced values, on SQLite (the
embedded default) or PostgreSQL (`DATABASE_URL`). One upload is one transaction.
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager, nullcontext

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from data.config.settings import database_url
from data.store import area_reads, audit, derived, pack_reads, packs, trend_packs
from data.store.engine import StoreReadOnly, locate, make_engine, refusals, writer
from data.store.revisions import open_schema
from data.store.schema import (
    ALL_TABLES,
    REPORT_FIELDS,
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
from data.store.uploads import (
    UploadMeta,
    UploadOutcome,
    store_upload,
    typed_reports,
    upsert,
)


class Store:
    """A handle on one database; methods are short transactions. A SQLite file that
    cannot be written is opened read-only (`read_only` says why: "media", "file",
    "folder" or "journal"): it is read as it is, and every write is refused saying so."""

    def __init__(self, url: str | None = None, *, migrate_schema: bool = True):
        self.url = database_url(url)
        self.path, self.where, self.read_only = locate(self.url)
        self.engine = make_engine(self.url, read_only=self.read_only is not None)
        if migrate_schema:
            try:  # NewerSchema, NotAStore (another program's); StoreFull, StoreReadOnly
                open_schema(self.engine, self.where, self.path, self.read_only)
            except Exception:
                self.engine.dispose()
                raise

    def dispose(self) -> None:
        self.engine.dispose()

    # ---- areas -------------------------------------------------------------

    def upsert_units(self, provinces_df: pd.DataFrame, districts_df: pd.DataFrame,
                     wards_df: pd.DataFrame, conn: Connection | None = None) -> None:
        """Insert or update provinces, districts (none in a two-tier province) and wards.

        wards_df: code, name, province_code or district_code (a ward in a district is in
        its province), population, geometry (WKB or None), geometry_crs, source_crs.
        """
        with self._tx(conn) as c:
            upsert(c, provinces, provinces_df, ["code"])
            upsert(c, districts, districts_df, ["code"])
            upsert(c, wards, wards_df, ["code"])
            of_district = (select(districts.c.province_code)
                           .where(districts.c.code == wards.c.district_code).scalar_subquery())
            c.execute(wards.update().where(wards.c.district_code.is_not(None))
                      .values(province_code=of_district))

    def upsert_blocks(self, blocks_df: pd.DataFrame, conn: Connection | None = None) -> None:
        """blocks_df: ward_code, block_code, name, population, optional geometry columns."""
        with self._tx(conn) as c:
            upsert(c, blocks, blocks_df, ["ward_code", "block_code"])

    def known_areas(self) -> dict[str, set[str]]:
        """Ward code → its block codes: what an upload may name."""
        with self.engine.connect() as c:
            out: dict[str, set[str]] = {w: set() for (w,) in c.execute(select(wards.c.code))}
            for w, b in c.execute(select(blocks.c.ward_code, blocks.c.block_code)):
                out.setdefault(w, set()).add(b)
        return out

    def areas(self) -> pd.DataFrame:
        """Every ward and block with district and population (no geometry): see
        data.store.area_reads.areas."""
        with self.engine.connect() as c:
            return area_reads.areas(c)

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
            return store_upload(c, meta, rows, report, now)

    def uploads(self) -> pd.DataFrame:
        with self.engine.connect() as c:
            return pd.read_sql(select(uploads).order_by(uploads.c.id), c)

    # ---- reports -----------------------------------------------------------

    def reports(self, date_from: dt.date | None = None, date_to: dt.date | None = None,
                ward_codes: list[str] | None = None) -> pd.DataFrame:
        """Current zone reports in a date range (inclusive), as a DataFrame."""
        with self.engine.connect() as c:
            return pack_reads.read(c, date_from, date_to, ward_codes)

    def report_grids(self, keys: pd.MultiIndex, first_day: dt.date, last_day: dt.date,
                     ward_codes: list[str] | None = None):
        """Reports as grids [area, day] for the areas `keys`: see data.store.pack_reads.grids."""
        with self.engine.connect() as c:
            return pack_reads.grids(c, keys, first_day, last_day, ward_codes)

    def report_records(self, first_day: dt.date, last_day: dt.date) -> list:
        """The report packs of the months first_day…last_day fall in, with their notes and
        digests, as rows (data.store.pack_reads.grid_records): what a figure is made from, and
        (data.store.pack_digests.digest_of) the hash it is then kept under."""
        with self.engine.connect() as c:
            return pack_reads.grid_records(c, packs.month_of(first_day), packs.month_of(last_day),
                                      notes=True)

    def report_digest(self, first_day: dt.date, last_day: dt.date) -> bytes:
        """data.store.pack_digests.digest_of the reports of the months first_day…last_day fall in,
        from the digests kept beside the packs: whether a figure kept under it is current."""
        with self.engine.connect() as c:
            return pack_reads.report_digest(c, packs.month_of(first_day), packs.month_of(last_day))

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
            return pack_reads.notes(c)

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
        return typed_reports(df)

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
            upsert(c, testing_rounds, df, ["ward_code", "block_code", "date"])
            audit.record(c, user, "rounds.record", source, now=now, rounds=len(df))
        return len(df)

    def date_range(self) -> tuple[dt.date, dt.date] | None:
        # Two queries: SQLite answers a lone min() or max() from the date index, both in
        # one SELECT by reading every row.
        with self.engine.connect() as c:
            lo = c.execute(select(func.min(zone_reports.c.date))).scalar_one()
            hi = c.execute(select(func.max(zone_reports.c.date))).scalar_one()
        return None if lo is None else (as_date(lo), as_date(hi))

    def last_report_days(self, ward_codes: list[str], date_to: dt.date) -> dict[str, dt.date]:
        """The last day up to `date_to` each of these wards sent a row (its own or a
        block's); wards that never did are left out."""
        q = (select(zone_reports.c.ward_code, func.max(zone_reports.c.date))
             .where(zone_reports.c.ward_code.in_(ward_codes), zone_reports.c.date <= date_to)
             .group_by(zone_reports.c.ward_code))
        with self.engine.connect() as c:
            return {w: as_date(d) for w, d in c.execute(q)}

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

    def refused(self) -> StoreReadOnly | None:
        """Why this store takes no write (it was opened read-only), or None."""
        return StoreReadOnly.of(self.where, self.read_only, self.path) if self.read_only else None

    @contextmanager
    def write(self):
        """A write transaction (BEGIN IMMEDIATE on SQLite), all or nothing. A full disk or
        a store that refuses the write raises StoreFull or StoreReadOnly, saying so, once
        the transaction is rolled back; a store opened read-only refuses at once."""
        if self.read_only:
            raise self.refused()
        with refusals(self.where, self.path), writer(self.engine).begin() as c:
            yield c

    def _tx(self, conn: Connection | None):
        return nullcontext(conn) if conn is not None else self.write()


__all__ = ["Store", "UploadMeta", "UploadOutcome"]
