"""legacy_id_map: what import-sqlite imported from the original SQLite application

Revision ID: i6_legacy_import
Revises: 0001
Create Date: 2026-11-25 16:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "i6_legacy_import"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "legacy_id_map",
        sa.Column("source_table", sa.String(length=32), nullable=False),
        sa.Column("source_id", sa.String(length=200), nullable=False),
        sa.Column("target_table", sa.String(length=32), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("source_table", "source_id", name=op.f("pk_legacy_id_map")),
    )


def downgrade():
    op.drop_table("legacy_id_map")
