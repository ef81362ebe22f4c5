"""Two tiers (from 1 July 2025): a ward names its province itself and its district only
when it has one. Existing wards take their district's province.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_NOT_NULL = "district_code VARCHAR(8) NOT NULL"
_NULL = "district_code VARCHAR(8)"


def _sqlite_schema(conn, old: str, new: str) -> None:
    """SQLite cannot ALTER a column, and rebuilding `wards` (Alembic's batch mode) fails
    inside a transaction with foreign keys on: dropping the parent of blocks and reports
    counts as deleting them. A NOT NULL changes nothing on disk, so it is taken off (or,
    once no ward lacks a district, put back) in the stored CREATE TABLE, as SQLite's
    documentation allows (ALTER TABLE, "making other kinds of schema changes")."""
    sql = conn.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'wards'").scalar_one()
    if old not in sql:
        raise RuntimeError(f"unexpected wards table: {sql}")
    version = conn.exec_driver_sql("PRAGMA schema_version").scalar_one()
    conn.exec_driver_sql("PRAGMA writable_schema = ON")
    conn.exec_driver_sql("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'wards'",
                         (sql.replace(old, new),))
    conn.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    conn.exec_driver_sql("PRAGMA writable_schema = OFF")


def upgrade() -> None:
    conn = op.get_bind()
    # No foreign key: SQLite could not drop the column again on downgrade (it drops only
    # columns no constraint names). The import writes the province before its wards.
    op.add_column("wards", sa.Column("province_code", sa.String(8)))
    conn.execute(sa.text(
        "UPDATE wards SET province_code = (SELECT d.province_code FROM districts d"
        " WHERE d.code = wards.district_code)"))
    if conn.dialect.name == "sqlite":
        _sqlite_schema(conn, _NOT_NULL, _NULL)
    else:
        op.alter_column("wards", "district_code", existing_type=sa.String(8), nullable=True)


def downgrade() -> None:
    # A two-tier ward has no district to go back to: such a store is not downgraded.
    conn = op.get_bind()
    if conn.execute(sa.text("SELECT count(*) FROM wards WHERE district_code IS NULL")).scalar():
        raise RuntimeError("wards without a district cannot go back to revision 0008")
    if conn.dialect.name == "sqlite":
        _sqlite_schema(conn, _NULL, _NOT_NULL)
        conn.exec_driver_sql("ALTER TABLE wards DROP COLUMN province_code")
    else:
        op.alter_column("wards", "district_code", existing_type=sa.String(8), nullable=False)
        op.drop_column("wards", "province_code")
