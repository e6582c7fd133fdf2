"""order_events: an index on the order form's one-time token

Revision ID: i9_form_token_index
Revises: i9_covering_shop_index
Create Date: 2026-11-26 02:00:00

Every order placement looks up whether its form was submitted before (the token kept in the
`placed` event's detail). Without an index that meant reading the events of every order of
the user, a cost that grew with the user's history. Only events carrying a token are
indexed. PostgreSQL keeps no statistics for the expression of a partial index: statistics on
the expression let it see that a token picks one row (else it prefers walking the user's
orders).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "i9_form_token_index"
down_revision = "i9_covering_shop_index"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_order_events_form_token",
        "order_events",
        [sa.text("(detail ->> 'form_token')")],
        postgresql_where=sa.text("(detail ->> 'form_token') IS NOT NULL"),
    )
    op.execute(
        "CREATE STATISTICS st_order_events_form_token ON ((detail ->> 'form_token'))"
        " FROM order_events"
    )
    op.execute("ANALYZE order_events")


def downgrade():
    op.execute("DROP STATISTICS st_order_events_form_token")
    op.drop_index("ix_order_events_form_token", table_name="order_events")
