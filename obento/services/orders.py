"""Placing, changing and cancelling orders, with every rule checked on the server.

Double submission is handled twice over: a one-time form token (kept in the `placed` event's
detail) makes a resubmitted form show the order it already created, and the partial unique
index on live orders per person and day is the last line of defence when two requests race.
"""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from obento import calendar
from obento.calendar import OrderPermission
from obento.clock import utcnow
from obento.extensions import db
from obento.models import (
    MAX_QUANTITY,
    Company,
    Menu,
    Order,
    OrderAction,
    OrderEvent,
    OrderStatus,
    Shop,
    ShopClosedDay,
    User,
    company_shops,
)
from obento.services import DomainError
from obento.services.audit import record_event

LIVE_ORDER_INDEX = "uq_orders_user_id_delivery_date_ordered"
MAX_ID = 2**31 - 1  # PostgreSQL integer: larger ids cannot exist (and must not reach SQL)


class OrderExists(DomainError):
    """The user already has this order; the view shows it instead of creating another."""

    def __init__(self, order: Order, message: str):
        super().__init__(message, status=409)
        self.order = order


def place_order(
    user: User,
    *,
    delivery_date: date,
    menu_id: int,
    quantity: int,
    actor: User | None = None,
    form_token: str | None = None,
    now: datetime | None = None,
) -> Order:
    """Order `quantity` x menu for `user` on `delivery_date`; `actor` orders on their behalf."""
    now = now or utcnow()
    actor = actor or user
    if form_token:
        already = _order_for_form_token(user, form_token)
        if already is not None:
            raise OrderExists(already, "このご注文はすでに承っています（二重送信を防ぎました）。")
    _check_can_order(user)
    check_quantity(quantity)
    menu = orderable_menu(user, menu_id)
    check_orderable(menu.shop, delivery_date, now)
    existing = live_order(user, delivery_date)
    if existing is not None:
        raise OrderExists(existing, _exists_message(delivery_date))
    order = Order(
        user_id=user.id,
        company_id=user.company_id,
        shop_id=menu.shop_id,
        menu_id=menu.id,
        delivery_date=delivery_date,
        quantity=quantity,
        unit_price=menu.price,
        status=OrderStatus.ORDERED,
        placed_by_id=actor.id if actor.id != user.id else None,
        created_at=now,
        updated_at=now,
    )
    try:
        with db.session.begin_nested():
            db.session.add(order)
            db.session.flush()
    except IntegrityError as error:
        if _constraint_name(error) != LIVE_ORDER_INDEX:
            raise
        # Another request (a double click) placed it a moment ago: answer with that one.
        existing = live_order(user, delivery_date)
        if existing is None:  # pragma: no cover (it was cancelled in between)
            raise DomainError(
                "ただいま混み合っています。もう一度お試しください。", status=409
            ) from None
        raise OrderExists(existing, _exists_message(delivery_date)) from None
    detail = {"delivery_date": delivery_date.isoformat(), "unit_price": menu.price}
    if order.placed_by_id:
        detail["on_behalf_of"] = user.id
    event = record_event(order, actor, OrderAction.PLACED, **detail)
    if form_token:
        # Kept out of the log line: it only serves to recognise a resubmitted form.
        event.detail = {**detail, "form_token": form_token}
    db.session.flush()
    return order


def change_order(
    order: Order,
    actor: User,
    *,
    menu_id: int,
    quantity: int,
    now: datetime | None = None,
) -> bool:
    """Change menu or quantity while it is free to; return whether anything changed."""
    now = now or utcnow()
    _check_live(order)
    permission = calendar.order_permission(order.shop, order.delivery_date, now)
    if permission is not OrderPermission.CHANGE:
        deadline = calendar.order_deadline(order.shop, order.delivery_date)
        raise DomainError(
            f"変更の締切（{calendar.format_datetime(deadline)}）を過ぎているため、"
            "内容を変更できません。",
            status=409,
        )
    check_quantity(quantity)
    menu = orderable_menu(order.user, menu_id)
    if menu.shop_id != order.shop_id:
        raise DomainError(
            "別のお店のメニューに変更するには、いったん取り消してから注文し直してください。",
            field="menu_id",
        )
    if menu.id == order.menu_id and quantity == order.quantity:
        return False
    detail = {
        "from_menu": order.menu_id,
        "to_menu": menu.id,
        "from_qty": order.quantity,
        "to_qty": quantity,
    }
    if menu.id != order.menu_id:
        order.unit_price = menu.price  # a new menu takes today's price
    order.menu_id = menu.id
    order.menu = menu
    order.quantity = quantity
    order.updated_at = now
    db.session.flush()
    record_event(order, actor, OrderAction.CHANGED, **detail)
    return True


def cancel_order(order: Order, actor: User, *, now: datetime | None = None) -> int:
    """Cancel the order while the rules allow; return the fee recorded (0 when free)."""
    now = now or utcnow()
    _check_live(order)
    permission = calendar.order_permission(order.shop, order.delivery_date, now)
    if permission is OrderPermission.NONE:
        deadline = calendar.cancel_deadline(order.shop, order.delivery_date)
        raise DomainError(
            f"取消の締切（{calendar.format_datetime(deadline)}）を過ぎているため、"
            "取り消せません。代金は全額かかります。",
            status=409,
        )
    fee = order.shop.cancel_fee if permission is OrderPermission.CANCEL_WITH_FEE else 0
    order.status = OrderStatus.CANCELLED
    order.cancel_fee = fee
    order.cancelled_at = now
    order.updated_at = now
    db.session.flush()
    record_event(order, actor, OrderAction.CANCELLED, cancel_fee=fee)
    return fee


# Checks shared with the views ------------------------------------------------------------


def check_quantity(quantity) -> None:
    if not isinstance(quantity, int) or isinstance(quantity, bool):
        raise DomainError("数量は数字で入力してください。", field="quantity")
    if not 1 <= quantity <= MAX_QUANTITY:
        raise DomainError(f"数量は1〜{MAX_QUANTITY}の間で指定してください。", field="quantity")


def check_orderable(shop: Shop, delivery_date: date, now: datetime) -> None:
    """Refuse a delivery date the shop does not take orders for at `now`, saying why."""
    reason = calendar.unorderable_reason(
        shop, delivery_date, now, closed_days_of(shop, delivery_date, delivery_date)
    )
    if reason:
        raise DomainError(reason, field="delivery_date")


def orderable_menu(user: User, menu_id) -> Menu:
    """Return the active menu `menu_id` of an active shop serving the user's company."""
    if not isinstance(menu_id, int) or not 1 <= menu_id <= MAX_ID:
        raise DomainError("メニューを選んでください。", field="menu_id")
    menu = db.session.scalar(
        sa.select(Menu)
        .join(Shop, Shop.id == Menu.shop_id)
        .join(company_shops, company_shops.c.shop_id == Shop.id)
        .where(Menu.id == menu_id, company_shops.c.company_id == user.company_id)
    )
    if menu is None:
        raise DomainError("選ばれたメニューは見つかりません。", field="menu_id")
    if not menu.shop.active:
        raise DomainError(
            f"「{menu.shop.name}」は現在ご注文を受け付けていません。", field="menu_id"
        )
    if not menu.active:
        raise DomainError(f"「{menu.name}」は現在ご注文を受け付けていません。", field="menu_id")
    return menu


def closed_days_of(shop: Shop, first: date, last: date) -> set[date]:
    return set(
        db.session.scalars(
            sa.select(ShopClosedDay.day).where(
                ShopClosedDay.shop_id == shop.id, ShopClosedDay.day.between(first, last)
            )
        )
    )


def live_order(user: User, delivery_date: date) -> Order | None:
    """Return the user's order (not cancelled) for `delivery_date`, if any."""
    return db.session.scalar(
        sa.select(Order).where(
            Order.user_id == user.id,
            Order.delivery_date == delivery_date,
            Order.status == OrderStatus.ORDERED,
        )
    )


def find_order(order_id: int, *, user: User | None = None, company_id: int | None = None):
    """Return the order `order_id` of `user` (or of a user of `company_id`), else None."""
    if not 1 <= order_id <= MAX_ID:
        return None
    query = sa.select(Order).where(Order.id == order_id)
    if user is not None:
        query = query.where(Order.user_id == user.id)
    if company_id is not None:
        query = query.where(Order.company_id == company_id)
    return db.session.scalar(query)


def _order_for_form_token(user: User, form_token: str) -> Order | None:
    return db.session.scalar(
        sa.select(Order)
        .join(OrderEvent, OrderEvent.order_id == Order.id)
        .where(
            Order.user_id == user.id,
            OrderEvent.action == OrderAction.PLACED,
            OrderEvent.detail["form_token"].astext == form_token,
        )
        .limit(1)
    )


def _check_can_order(user: User) -> None:
    company = db.session.get(Company, user.company_id) if user.company_id else None
    if company is None or company.disabled or not user.active:
        raise DomainError("このアカウントでは現在ご注文いただけません。", status=403)


def _check_live(order: Order) -> None:
    if order.status != OrderStatus.ORDERED:
        raise DomainError("このご注文はすでに取り消されています。", status=409)


def _exists_message(delivery_date: date) -> str:
    return (
        f"{calendar.format_date(delivery_date)}はすでにご注文があります。"
        "内容の変更はこのページから行えます。"
    )


def _constraint_name(error: IntegrityError) -> str | None:
    diag = getattr(error.orig, "diag", None)
    return getattr(diag, "constraint_name", None)
