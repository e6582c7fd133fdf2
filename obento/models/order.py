"""Orders and their audit trail."""

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from obento.extensions import db
from obento.models.base import created_at_column, updated_at_column

MAX_QUANTITY = 10


class OrderStatus(enum.StrEnum):
    ORDERED = "ordered"
    CANCELLED = "cancelled"


class OrderAction(enum.StrEnum):
    PLACED = "placed"
    CHANGED = "changed"
    CANCELLED = "cancelled"
    CHECKED = "checked"
    UNCHECKED = "unchecked"
    IMPORTED = "imported"


class Order(db.Model):
    __tablename__ = "orders"
    __table_args__ = (
        sa.CheckConstraint(f"quantity BETWEEN 1 AND {MAX_QUANTITY}", name="quantity"),
        sa.CheckConstraint("unit_price >= 0", name="unit_price"),
        sa.CheckConstraint("cancel_fee >= 0", name="cancel_fee"),
        sa.CheckConstraint("status IN ('ordered', 'cancelled')", name="status"),
        # At most one live order per person and delivery day.
        sa.Index(
            "uq_orders_user_id_delivery_date_ordered",
            "user_id",
            "delivery_date",
            unique=True,
            postgresql_where=sa.text("status = 'ordered'"),
        ),
        # Covering the shop pages' 30-day chart (an index-only scan).
        sa.Index(
            "ix_orders_shop_id_delivery_date",
            "shop_id",
            "delivery_date",
            postgresql_include=["status", "quantity"],
        ),
        sa.Index("ix_orders_company_id_delivery_date", "company_id", "delivery_date"),
        sa.Index("ix_orders_user_id_delivery_date", "user_id", "delivery_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    company_id: Mapped[int] = mapped_column(sa.ForeignKey("companies.id", ondelete="RESTRICT"))
    shop_id: Mapped[int] = mapped_column(sa.ForeignKey("shops.id", ondelete="RESTRICT"))
    menu_id: Mapped[int] = mapped_column(sa.ForeignKey("menus.id", ondelete="RESTRICT"))
    delivery_date: Mapped[date]
    quantity: Mapped[int]
    unit_price: Mapped[int]  # yen, the menu price when ordered
    status: Mapped[str] = mapped_column(
        sa.String(16), default=OrderStatus.ORDERED, server_default=OrderStatus.ORDERED.value
    )
    cancel_fee: Mapped[int] = mapped_column(default=0, server_default="0")
    checked: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    checked_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    checked_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    placed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()
    cancelled_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    user: Mapped["User"] = relationship(foreign_keys=[user_id])  # noqa: F821
    company: Mapped["Company"] = relationship()  # noqa: F821
    shop: Mapped["Shop"] = relationship()  # noqa: F821
    menu: Mapped["Menu"] = relationship()  # noqa: F821
    checked_by: Mapped["User | None"] = relationship(foreign_keys=[checked_by_id])  # noqa: F821
    placed_by: Mapped["User | None"] = relationship(foreign_keys=[placed_by_id])  # noqa: F821
    events: Mapped[list["OrderEvent"]] = relationship(
        back_populates="order", order_by="OrderEvent.id"
    )

    @property
    def amount(self) -> int:
        """What the order costs: the price of the lunches, or the fee once cancelled."""
        if self.status == OrderStatus.CANCELLED:
            return self.cancel_fee
        return self.unit_price * self.quantity

    @property
    def is_cancelled(self) -> bool:
        return self.status == OrderStatus.CANCELLED

    def __repr__(self) -> str:
        return f"<Order {self.id} user={self.user_id} {self.delivery_date} {self.status}>"


class OrderEvent(db.Model):
    __tablename__ = "order_events"
    __table_args__ = (
        sa.CheckConstraint(
            "action IN ('placed', 'changed', 'cancelled', 'checked', 'unchecked', 'imported')",
            name="action",
        ),
        sa.Index("ix_order_events_order_id", "order_id"),
        sa.Index("ix_order_events_at", "at"),
    )

    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id", ondelete="CASCADE"))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(sa.String(16))
    at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.now())
    detail: Mapped[dict] = mapped_column(JSONB, default=dict, server_default=sa.text("'{}'"))

    order: Mapped[Order] = relationship(back_populates="events")
    actor: Mapped["User | None"] = relationship()  # noqa: F821


# The one-time token of the order form that placed an order (kept in its `placed` event): a
# resubmitted form is recognised by it (services/orders.py) with one index probe instead of
# reading every event of the user. The key is written into the SQL: a bind parameter would
# not match the index's expression.
event_form_token = OrderEvent.detail.op("->>")(sa.literal_column("'form_token'"))
sa.Index(
    "ix_order_events_form_token",
    event_form_token,
    postgresql_where=event_form_token.is_not(None),
)
