"""Zone reports packed by ward and month (data.store.packs), built from zone_reports.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_packs",
        sa.Column("ward_code", sa.String(8), nullable=False),
        sa.Column("month", sa.Date, nullable=False),
        sa.Column("format", sa.Integer, nullable=False),
        sa.Column("blocks", sa.Text, nullable=False),
        sa.Column("legend", sa.Text, nullable=False),
        sa.Column("cells", sa.LargeBinary, nullable=False),
        sa.Column("uploads", sa.LargeBinary, nullable=False),
        sa.Column("notes", sa.Text),
        sa.PrimaryKeyConstraint("ward_code", "month", name="pk_report_packs"),
    )
    op.create_index("ix_report_packs_month", "report_packs", ["month"])
    # Derived data: a store made before this revision gets its packs now.
    from data.store.packs import rebuild

    rebuild(op.get_bind(), digests=False)  # their digests come with migration 0007


def downgrade() -> None:
    op.drop_table("report_packs")
