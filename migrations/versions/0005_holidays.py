"""holidays: days off declared by the administrator besides the national holidays

Revision ID: holidays
Revises: i9_form_token_index
Create Date: 2026-11-26 05:00:00
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "holidays"
down_revision = "i9_form_token_index"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "holidays",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_holidays")),
        sa.UniqueConstraint("day", name=op.f("uq_holidays_day")),
    )


def downgrade():
    op.drop_table("holidays")
