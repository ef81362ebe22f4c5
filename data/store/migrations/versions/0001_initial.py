"""Areas, uploads, zone reports and their history.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _geometry_columns() -> list[sa.Column]:
    return [
        sa.Column("geometry", sa.LargeBinary),
        sa.Column("geometry_crs", sa.String(32)),
        sa.Column("source_crs", sa.String(64)),
    ]


def _report_columns() -> list[sa.Column]:
    return [
        sa.Column("ward_code", sa.String(8), nullable=False),
        sa.Column("block_code", sa.String(32), nullable=False),
        sa.Column("date", sa.Date, nullable=False),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("new_cases", sa.Integer),
        sa.Column("tests_done", sa.Integer),
        sa.Column("note", sa.Text),
        sa.Column("upload_id", sa.Integer, sa.ForeignKey("uploads.id"), nullable=False),
    ]


def upgrade() -> None:
    # One migration is one unit: the initial schema, table by table, as Alembic writes it.
    op.create_table(
        "provinces",
        sa.Column("code", sa.String(8), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
    )
    op.create_table(
        "districts",
        sa.Column("code", sa.String(8), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("province_code", sa.String(8), sa.ForeignKey("provinces.code"), nullable=False),
    )
    op.create_table(
        "wards",
        sa.Column("code", sa.String(8), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("district_code", sa.String(8), sa.ForeignKey("districts.code"), nullable=False),
        sa.Column("population", sa.Integer),
        *_geometry_columns(),
    )
    op.create_table(
        "blocks",
        sa.Column("ward_code", sa.String(8), sa.ForeignKey("wards.code"), primary_key=True),
        sa.Column("block_code", sa.String(32), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("population", sa.Integer),
        *_geometry_columns(),
    )
    op.create_table(
        "uploads",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("user_name", sa.Text, nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("file_name", sa.Text, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size_bytes", sa.Integer, nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("rows", sa.Integer, nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("changed", sa.Integer, nullable=False),
        sa.Column("report_json", sa.Text, nullable=False),
    )
    op.create_index("ix_uploads_sha256", "uploads", ["sha256"])
    op.create_table(
        "zone_reports",
        *_report_columns(),
        sa.ForeignKeyConstraint(["ward_code"], ["wards.code"]),
        sa.PrimaryKeyConstraint("ward_code", "block_code", "date", name="pk_zone_reports"),
    )
    op.create_index("ix_zone_reports_date", "zone_reports", ["date"])
    op.create_table(
        "zone_report_history",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        *_report_columns(),
        sa.Column(
            "replaced_by_upload_id", sa.Integer, sa.ForeignKey("uploads.id"), nullable=False
        ),
    )
    op.create_index(
        "ix_zone_report_history_area",
        "zone_report_history",
        ["ward_code", "block_code", "date"],
    )


def downgrade() -> None:
    for table in ("zone_report_history", "zone_reports", "uploads", "blocks", "wards",
                  "districts", "provinces"):
        op.drop_table(table)
