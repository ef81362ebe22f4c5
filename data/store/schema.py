"""The store's tables (SQLAlchemy Core). Alembic migrations in `data/store/migrations` create
them; this module is what the code queries against, and a test checks the two agree.

Codes are text everywhere (`09541` keeps its zero). A ward's own report has
`block_code = ''` so that (ward_code, block_code, date) can be the primary key.
Geometries are WKB in EPSG:4326 (PostGIS is not required: see README).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)

WARD_ROW = ""  # block_code of a report about the whole ward


def as_date(value) -> dt.date:
    """A Date column's value as datetime.date (SQLite may hand back ISO text)."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])

metadata = MetaData()

provinces = Table(
    "provinces",
    metadata,
    Column("code", String(8), primary_key=True),
    Column("name", Text, nullable=False),
)

districts = Table(
    "districts",
    metadata,
    Column("code", String(8), primary_key=True),
    Column("name", Text, nullable=False),
    Column("province_code", String(8), ForeignKey("provinces.code"), nullable=False),
)

wards = Table(
    "wards",
    metadata,
    Column("code", String(8), primary_key=True),
    Column("name", Text, nullable=False),
    # None in a two-tier province (from 1 July 2025 there are no districts).
    Column("district_code", String(8), ForeignKey("districts.code")),
    Column("population", Integer),
    Column("geometry", LargeBinary),  # WKB, EPSG:4326
    Column("geometry_crs", String(32)),  # CRS the geometry is stored in
    Column("source_crs", String(64)),  # CRS of the file it was imported from
    # Always set (migration 0009 took it from the district); no foreign key, so that
    # SQLite can drop it on downgrade: the import writes provinces before wards.
    Column("province_code", String(8)),
)

blocks = Table(
    "blocks",
    metadata,
    Column("ward_code", String(8), ForeignKey("wards.code"), primary_key=True),
    Column("block_code", String(32), primary_key=True),
    Column("name", Text, nullable=False),
    Column("population", Integer),
    Column("geometry", LargeBinary),  # nullable: blocks without a polygon still count
    Column("geometry_crs", String(32)),
    Column("source_crs", String(64)),
)

uploads = Table(
    "uploads",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_name", Text, nullable=False),
    Column("uploaded_at", DateTime(timezone=True), nullable=False),
    Column("file_name", Text, nullable=False),
    Column("sha256", String(64), nullable=False, index=True),
    Column("size_bytes", Integer, nullable=False),
    Column("channel", String(16), nullable=False),  # file | form | demo
    Column("rows", Integer, nullable=False),
    Column("outcome", String(16), nullable=False),  # accepted | repeat
    Column("changed", Integer, nullable=False, default=0),  # values inserted or replaced
    Column("report_json", Text, nullable=False),  # warnings and errors as JSON
)

def _report_columns() -> list[Column]:
    return [
        Column("ward_code", String(8), nullable=False),
        Column("block_code", String(32), nullable=False),
        Column("date", Date, nullable=False),
        Column("level", String(16), nullable=False),
        Column("new_cases", Integer),
        Column("tests_done", Integer),
        Column("note", Text),
    ]


REPORT_FIELDS = tuple(c.name for c in _report_columns())

zone_reports = Table(
    "zone_reports",
    metadata,
    *_report_columns(),
    Column("upload_id", Integer, ForeignKey("uploads.id"), nullable=False),
    # Blocks and wards are both keys here; the ward row is checked against wards alone.
    ForeignKeyConstraint(["ward_code"], ["wards.code"]),
    Index("ix_zone_reports_date", "date"),
    PrimaryKeyConstraint("ward_code", "block_code", "date", name="pk_zone_reports"),
)

zone_report_history = Table(
    "zone_report_history",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    *_report_columns(),
    Column("upload_id", Integer, ForeignKey("uploads.id"), nullable=False),
    Column("replaced_by_upload_id", Integer, ForeignKey("uploads.id"), nullable=False),
    Index("ix_zone_report_history_area", "ward_code", "block_code", "date"),
)

# A testing round (đợt xét nghiệm) recorded directly: from `record-rounds` or marked done in
# the dashboard. Rounds implied by a daily file's tests_done are derived, not stored here.
testing_rounds = Table(
    "testing_rounds",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("ward_code", String(8), ForeignKey("wards.code"), nullable=False),
    Column("block_code", String(32), nullable=False),
    Column("date", Date, nullable=False),
    Column("samples", Integer, nullable=False),
    Column("source", String(16), nullable=False),  # cli | dashboard
    Column("recorded_by", Text, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Index("ux_testing_rounds_area_date", "ward_code", "block_code", "date", unique=True),
)

# Accounts of the embedded login (data.store.accounts). `wards` is a comma-separated list of ward
# codes a reporter may report for; a password hash is argon2id (never the password).
users = Table(
    "users",
    metadata,
    Column("name", Text, primary_key=True),
    Column("role", String(16), nullable=False),  # viewer | reporter | coordinator | admin
    Column("wards", Text, nullable=False, default=""),
    Column("password_hash", Text, nullable=False),
    Column("disabled", Boolean, nullable=False, default=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# Who changed what, when (data.store.audit): uploads, user changes, policy changes, restores.
# Written in the same transaction as the change it describes where there is one.
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", Text, nullable=False),
    Column("action", String(32), nullable=False),
    Column("target", Text, nullable=False),
    Column("detail_json", Text, nullable=False),
    Index("ix_audit_log_at", "at"),
)

# zone_reports packed by ward and month (data.store.packs): derived, patched in the same
# transaction as every write to zone_reports, and what reads of many reports use.
report_packs = Table(
    "report_packs",
    metadata,
    Column("ward_code", String(8), nullable=False),
    Column("month", Date, nullable=False),  # first day of the month
    Column("format", Integer, nullable=False),
    Column("blocks", Text, nullable=False),  # block codes of the rows, newline-separated
    Column("legend", Text, nullable=False),  # level codes the cells index, comma-separated
    Column("cells", LargeBinary, nullable=False),  # zlib: int8 levels, int32 counts
    Column("uploads", LargeBinary, nullable=False),  # zlib: int32 upload id of each cell
    Column("notes", Text),  # JSON [[row, day, note], …]
    Column("digest", String(32)),  # hex hash of format, blocks, legend and cells (packs.py)
    PrimaryKeyConstraint("ward_code", "month", name="pk_report_packs"),
    Index("ix_report_packs_month", "month"),
)

# Trend tallies by ward and month (data.store.trend_packs): derived from report_packs, each row
# under the key of what it was computed from, recomputed on read when that changed.
trend_packs = Table(
    "trend_packs",
    metadata,
    Column("ward_code", String(8), nullable=False),
    Column("month", Date, nullable=False),  # first day of the month
    Column("key", String(64), nullable=False),  # hash of policy, areas and report packs
    Column("data", LargeBinary, nullable=False),  # zlib: float64 tallies and counts
    PrimaryKeyConstraint("ward_code", "month", name="pk_trend_packs"),
)

# Files derived from the store and slow to make, one per kind (data.store.derived): e.g. the
# map's simplified, encoded polygons, under the hash of the geometries they came from.
derived_files = Table(
    "derived_files",
    metadata,
    Column("kind", String(32), primary_key=True),
    Column("key", String(64), nullable=False),  # hash of what the file was made from
    Column("data", LargeBinary, nullable=False),
    Column("meta", Text, nullable=False),  # JSON: what the reader needs beside the file
)

# Dashboard sign-ins that outlive a page (data.store.sessions): the browser holds a signed
# cookie with a random session id, the store only that id's SHA-256; a sign-in starts with a
# one-time token (also kept as a hash) that the browser swaps for the cookie.
auth_sessions = Table(
    "auth_sessions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("sid_hash", String(64), unique=True),  # set when the token is swapped
    Column("token_hash", String(64), unique=True),  # emptied when it is
    Column("token_expires_at", DateTime(timezone=True)),
    Column("user_name", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),  # signed out, or the password changed
    Index("ix_auth_sessions_user", "user_name"),
)

# Failed dashboard sign-ins (data.store.lockout), by the account name typed and by the
# client's address: enough of them in a window lock that name, or that address, for a time.
auth_failures = Table(
    "auth_failures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(8), nullable=False),  # account | address
    Column("key", Text, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Index("ix_auth_failures_key", "kind", "key", "at"),
)

# Keys made by the store for itself when the deployment names none, e.g. the one that signs
# sign-in cookies (shared by every dashboard process on this store).
auth_secrets = Table(
    "auth_secrets",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("value", Text, nullable=False),  # hex
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# HTTP API tokens (data.store.tokens): each belongs to an account and carries some of its
# role's actions (`scope`, comma-separated); the store keeps only the token's SHA-256.
api_tokens = Table(
    "api_tokens",
    metadata,
    Column("name", Text, primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("user_name", Text, nullable=False),
    Column("scope", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", Text, nullable=False),
    Column("revoked_at", DateTime(timezone=True)),  # kept, so a name is never reused
)

ALL_TABLES = (provinces, districts, wards, blocks, uploads, zone_reports, zone_report_history,
              testing_rounds, users, audit_log, report_packs, trend_packs, derived_files,
              auth_sessions, auth_failures, auth_secrets, api_tokens)
