"""The shop's check mark (確認済み) on orders."""

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from obento.clock import utcnow
from obento.extensions import db
from obento.models import Order, OrderAction, OrderStatus, Shop, User
from obento.services import DomainError
from obento.services.audit import record_event

MAX_ORDERS_PER_CHECK = 1000


@dataclass
class CheckResult:
    changed: list[Order]  # the orders whose mark changed now (one event each)
    unchanged: int  # already marked that way (by this or another person)
    cancelled: int  # cancelled meanwhile: no mark on those


def check_orders(shop: Shop, order_ids: Iterable[int], checked: bool, actor: User) -> CheckResult:
    """Mark `shop`'s live orders checked (or not), recording an event per order that changed.

    An id that is not one of this shop's orders refuses the whole request (404, nothing
    written). The rows are locked in id order, then updated only where the mark differs, so
    two people checking the same orders at once produce one change and one event per order.
    """
    ids = sorted(set(order_ids))
    if not ids:
        raise DomainError("確認する注文を選んでください。", field="order_id")
    if len(ids) > MAX_ORDERS_PER_CHECK:
        raise DomainError(
            f"一度に確認できるのは{MAX_ORDERS_PER_CHECK}件までです。", field="order_id"
        )
    statuses = dict(
        db.session.execute(
            sa.select(Order.id, Order.status)
            .where(Order.id.in_(ids), Order.shop_id == shop.id)
            .order_by(Order.id)
            .with_for_update()
        ).all()
    )
    if len(statuses) != len(ids):
        raise DomainError("指定された注文が見つかりません。", field="order_id", status=404)
    now = utcnow()
    changed = db.session.scalars(
        sa.update(Order)
        .where(
            Order.id.in_(ids),
            Order.status == OrderStatus.ORDERED,
            Order.checked.is_distinct_from(checked),
        )
        .values(
            checked=checked,
            checked_at=now if checked else None,
            checked_by_id=actor.id if checked else None,
            updated_at=now,
        )
        .returning(Order),
        execution_options={"synchronize_session": False, "populate_existing": True},
    ).all()
    action = OrderAction.CHECKED if checked else OrderAction.UNCHECKED
    for order in sorted(changed, key=lambda order: order.id):
        record_event(order, actor, action)
    db.session.flush()
    cancelled = sum(1 for status in statuses.values() if status != OrderStatus.ORDERED)
    return CheckResult(
        changed=changed, unchanged=len(ids) - len(changed) - cancelled, cancelled=cancelled
    )
