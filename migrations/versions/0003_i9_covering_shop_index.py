"""orders: the shop/day index carries status and quantity (index-only 30-day chart)

Revision ID: i9_covering_shop_index
Revises: i6_legacy_import
Create Date: 2026-11-25 19:00:00

The shop pages' 30-day chart sums the live lunches per day: with status and quantity in the
index, PostgreSQL answers it from the index alone instead of visiting every order of the
month in the table, so its cost no longer grows with the table.
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "i9_covering_shop_index"
down_revision = "i6_legacy_import"
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index("ix_orders_shop_id_delivery_date", table_name="orders")
    op.create_index(
        "ix_orders_shop_id_delivery_date",
        "orders",
        ["shop_id", "delivery_date"],
        postgresql_include=["status", "quantity"],
    )


def downgrade():
    op.drop_index("ix_orders_shop_id_delivery_date", table_name="orders")
    op.create_index("ix_orders_shop_id_delivery_date", "orders", ["shop_id", "delivery_date"])
