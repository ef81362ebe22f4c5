"""Trend tallies by ward and month (data.store.trend_packs): derived, filled on first read.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "trend_packs",
        sa.Column("ward_code", sa.String(8), nullable=False),
        sa.Column("month", sa.Date, nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.PrimaryKeyConstraint("ward_code", "month", name="pk_trend_packs"),
    )


def downgrade() -> None:
    op.drop_table("trend_packs")
