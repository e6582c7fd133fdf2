"""The audit trail of orders: an `order_events` row and an order-log line per change."""

from obento.clock import utcnow
from obento.extensions import db
from obento.logs import log_fields, order_logger
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
    """Write the order-log line of an event (an order placement inserts its event itself).

    Free text in `detail` (a closing's reason) is quoted where needed: see logs.log_value.
    """
    fields = {
        "order_id": order.id,
        "company": order.company_id,
        "user": order.user_id,
        "shop": order.shop_id,
        "menu": order.menu_id,
        "qty": order.quantity,
        "actor": actor.id if actor else None,
        **detail,
    }
    order_logger.info("ORDER %s %s", ACTION_LABELS[action], log_fields(fields))
