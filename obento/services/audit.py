"""The audit trail of orders: an `order_events` row and an order-log line per change."""

from obento.clock import utcnow
from obento.extensions import db
from obento.logs import order_logger
from obento.models import Order, OrderAction, OrderEvent, User

ACTION_LABELS = {
    OrderAction.PLACED: "注文完了",
    OrderAction.CHANGED: "注文変更",
    OrderAction.CANCELLED: "注文取消",
    OrderAction.CHECKED: "確認済み",
    OrderAction.UNCHECKED: "確認取消",
    OrderAction.IMPORTED: "移行",
}


def record_event(order: Order, actor: User | None, action: OrderAction, **detail) -> OrderEvent:
    """Add the event in the current transaction and write the order-log line.

    The log line is written before the commit: a line whose transaction later fails names an
    order id that has no matching event, which the audit page makes visible.
    """
    event = OrderEvent(
        order_id=order.id,
        actor_id=actor.id if actor else None,
        action=action,
        at=utcnow(),
        detail=detail,
    )
    db.session.add(event)
    log_event(order, actor, action, detail)
    return event


def log_event(order: Order, actor: User | None, action: OrderAction, detail: dict) -> None:
    """Write the order-log line of an event (an order placement inserts its event itself)."""
    order_logger.info(
        "ORDER %s order_id=%s company=%s user=%s shop=%s menu=%s qty=%s actor=%s%s",
        ACTION_LABELS[action],
        order.id,
        order.company_id,
        order.user_id,
        order.shop_id,
        order.menu_id,
        order.quantity,
        actor.id if actor else "-",
        "".join(f" {key}={value}" for key, value in detail.items()),
    )
