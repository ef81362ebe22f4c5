"""Testing rounds recorded directly (CLI record-rounds, dashboard).

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "testing_rounds",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("ward_code", sa.String(8), sa.ForeignKey("wards.code"), nullable=False),
        sa.Column("block_code", sa.String(32), nullable=False),
        sa.Column("date", sa.Date, nullable=False),
        sa.Column("samples", sa.Integer, nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("recorded_by", sa.Text, nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ux_testing_rounds_area_date", "testing_rounds",
                    ["ward_code", "block_code", "date"], unique=True)


def downgrade() -> None:
    op.drop_table("testing_rounds")
