"""Each report pack's hash kept beside it (report_packs.digest), so that a reader can tell
whether its figures are current without reading the packs (data.store.pack_reads.report_digest).

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("report_packs", sa.Column("digest", sa.String(32)))
    from data.store.pack_digests import pack_digest

    conn = op.get_bind()
    packs = sa.table("report_packs", sa.column("ward_code"), sa.column("month"),
                     sa.column("format"), sa.column("blocks"), sa.column("legend"),
                     sa.column("cells"), sa.column("digest"))
    rows = conn.execute(sa.select(packs.c.ward_code, packs.c.month, packs.c.format,
                                  packs.c.blocks, packs.c.legend, packs.c.cells)).all()
    for r in rows:
        conn.execute(packs.update().where(packs.c.ward_code == r.ward_code,
                                          packs.c.month == r.month)
                     .values(digest=pack_digest(r).hex()))


def downgrade() -> None:
    op.drop_column("report_packs", "digest")
