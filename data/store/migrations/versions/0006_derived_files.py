"""Files derived from the store, one per kind (data.store.derived): filled on first read.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "derived_files",
        sa.Column("kind", sa.String(32), primary_key=True),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.Column("meta", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("derived_files")
