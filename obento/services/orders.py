"""Placing, changing and cancelling orders, with every rule checked on the server.

Double submission is handled twice over: a one-time form token (kept in the `placed` event's
detail) makes a resubmitted form show the order it already created, and the partial unique
index on live orders per person and day is the last line of defence when two requests race.
"""

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import NamedTuple, NoReturn

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import aliased, contains_eager
from sqlalchemy.orm.attributes import set_committed_value

from obento import calendar
from obento.calendar import OrderPermission
from obento.clock import utcnow
from obento.extensions import db
from obento.models import (
    MAX_ID,
    MAX_QUANTITY,
    Company,
    Holiday,
    Menu,
    Order,
    OrderAction,
    OrderEvent,
    OrderStatus,
    Shop,
    ShopClosedDay,
    User,
    company_shops,
    event_form_token,
)
from obento.services import DomainError
from obento.services.audit import log_event, record_event
from obento.services.holidays import added_holidays

QUANTITY_MESSAGE = f"数量は1〜{MAX_QUANTITY}個の中から選んでください。"


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
    facts = _placement_facts(user, delivery_date, menu_id, form_token)
    if facts.token_order_id is not None:
        raise OrderExists(
            db.session.get(Order, facts.token_order_id),
            "このご注文はすでに承っています。同じ注文が重ねて送信されたため、1件だけ受け付けました。",
        )
    if facts.company_disabled is not False or not user.active:
        raise DomainError("このアカウントでは現在ご注文いただけません。", status=403)
    check_quantity(quantity)
    menu = _checked_menu(facts.menu, menu_id)
    reason = calendar.unorderable_reason(
        menu.shop,
        delivery_date,
        now,
        {delivery_date} if facts.closed else (),
        {delivery_date: facts.holiday} if facts.holiday else calendar.NO_HOLIDAYS,
    )
    if reason:
        raise DomainError(reason, field="delivery_date")
    if facts.live_order_id is not None:
        raise OrderExists(
            db.session.get(Order, facts.live_order_id), _exists_message(delivery_date)
        )
    placed_by = actor if actor.id != user.id else None
    detail = {"delivery_date": delivery_date.isoformat(), "unit_price": menu.price}
    if placed_by:
        detail["on_behalf_of"] = user.id
    order = db.session.scalar(
        _PLACE_ORDER,
        {
            "user_id": user.id,
            "company_id": user.company_id,
            "shop_id": menu.shop_id,
            "menu_id": menu.id,
            "delivery_date": delivery_date,
            "quantity": quantity,
            "unit_price": menu.price,
            "placed_by_id": placed_by.id if placed_by else None,
            "now": now,
            "actor_id": actor.id,
            "at": utcnow(),
            # The form token is kept out of the log line: it only serves to recognise a
            # resubmitted form.
            "detail": {**detail, "form_token": form_token} if form_token else detail,
        },
    )
    if order is None:
        _refuse_lost_race(user, delivery_date, menu, now)
    log_event(order, actor, OrderAction.PLACED, detail)
    set_committed_value(order, "menu", menu)  # read above: the caller names it without a query
    return order


def _refuse_lost_race(user: User, delivery_date: date, menu: Menu, now: datetime) -> NoReturn:
    """Explain why the insert wrote nothing after the checks had passed: a racing request
    placed the order a moment ago, or the day was closed in between (services.closures)."""
    existing = live_order(user, delivery_date)
    if existing is not None:
        raise OrderExists(existing, _exists_message(delivery_date))
    shop = menu.shop
    closed = _closed_days_of(shop, delivery_date, delivery_date)
    reason = calendar.unorderable_reason(
        shop, delivery_date, now, closed, added_holidays(delivery_date, delivery_date)
    )
    # Without a reason it was cancelled again in between: let the person simply try again.
    raise DomainError(
        reason or "ただいま混み合っています。もう一度お試しください。",
        field="delivery_date" if reason else None,
        status=409,
    )


def _place_order_statement() -> sa.Select:
    """Insert the order and its `placed` event in one statement, and return the order.

    WITH new_order AS (INSERT INTO orders ... ON CONFLICT DO NOTHING RETURNING ...),
    placed_event AS (INSERT INTO order_events ... SELECT ... FROM new_order)
    SELECT ... FROM new_order: PostgreSQL runs a data-modifying WITH to completion even though
    the outer SELECT does not read it. The event row is the one record_event would add; its
    log line is written by place_order with audit.log_event. The insert does nothing when a
    racing request (a double click) placed a live order a moment ago (the partial unique
    index), and when the day was closed at the shop or made a holiday after the checks had
    read it (services.closures); then no event is written and no order is returned.
    """

    def param(name: str, column: sa.Column) -> sa.BindParameter:
        return sa.bindparam(name, type_=column.type)

    day, shop_id = param("delivery_date", Order.delivery_date), param("shop_id", Order.shop_id)
    values = {
        "user_id": param("user_id", Order.user_id),
        "company_id": param("company_id", Order.company_id),
        "shop_id": shop_id,
        "menu_id": param("menu_id", Order.menu_id),
        "delivery_date": day,
        "quantity": param("quantity", Order.quantity),
        "unit_price": param("unit_price", Order.unit_price),
        "status": sa.literal(OrderStatus.ORDERED, Order.status.type),
        "cancel_fee": sa.literal(0),
        "checked": sa.false(),
        "placed_by_id": param("placed_by_id", Order.placed_by_id),
        "created_at": param("now", Order.created_at),
        "updated_at": param("now", Order.updated_at),
    }
    closed = sa.exists().where(ShopClosedDay.shop_id == shop_id, ShopClosedDay.day == day)
    holiday = (
        sa.select(Holiday.id)
        .join(Shop, Shop.id == shop_id)
        .where(Holiday.day == day, ~Shop.opens_on_holidays)
        .exists()
    )
    new_order = (
        pg_insert(Order)
        .from_select(list(values), sa.select(*values.values()).where(~closed, ~holiday))
        .on_conflict_do_nothing(
            index_elements=[Order.user_id, Order.delivery_date],
            index_where=sa.text("status = 'ordered'"),
        )
        .returning(*Order.__table__.columns)
        .cte("new_order")
    )
    placed_event = (
        sa.insert(OrderEvent)
        .from_select(
            ["order_id", "actor_id", "action", "at", "detail"],
            sa.select(
                new_order.c.id,
                sa.bindparam("actor_id", type_=OrderEvent.actor_id.type),
                sa.literal(OrderAction.PLACED.value, OrderEvent.action.type),
                sa.bindparam("at", type_=OrderEvent.at.type),
                sa.bindparam("detail", type_=OrderEvent.detail.type),
            ),
        )
        .cte("placed_event")
    )
    return sa.select(aliased(Order, new_order)).add_cte(placed_event)


_PLACE_ORDER = _place_order_statement()


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
    _lock_live(order)
    permission = calendar.order_permission(order.shop, order.delivery_date, now)
    if permission is not OrderPermission.CHANGE:
        deadline = calendar.order_deadline(order.shop, order.delivery_date)
        raise DomainError(
            f"注文締切（{calendar.format_datetime(deadline)}）を過ぎているため、"
            "内容を変更できません。",
            status=409,
        )
    check_quantity(quantity)
    if menu_id == order.menu_id:
        # Keeping the menu is a change of quantity only: allowed until the deadline even when
        # the menu or its shop no longer takes orders (the order was placed when it did).
        menu = order.menu
    else:
        menu = orderable_menu(order.user, menu_id)
        if menu.shop_id != order.shop_id:
            raise DomainError(
                "ほかの店舗のメニューに変更するには、いったんキャンセルしてから注文し直してください。",
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
    _lock_live(order)
    permission = calendar.order_permission(order.shop, order.delivery_date, now)
    if permission is OrderPermission.NONE:
        deadline = calendar.cancel_deadline(order.shop, order.delivery_date)
        raise DomainError(
            f"キャンセル締切（{calendar.format_datetime(deadline)}）を過ぎているため、"
            "キャンセルできません。代金は全額お支払いいただきます。",
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
        raise DomainError(QUANTITY_MESSAGE, field="quantity")
    if not 1 <= quantity <= MAX_QUANTITY:
        raise DomainError(QUANTITY_MESSAGE, field="quantity")


def orderable_menu(user: User, menu_id) -> Menu:
    """Return the active menu `menu_id` of an active shop serving the user's company."""
    menu = None
    if _valid_id(menu_id):
        menu = db.session.scalar(
            sa.select(Menu)
            .join(Shop, Shop.id == Menu.shop_id)
            .join(company_shops, company_shops.c.shop_id == Shop.id)
            .where(Menu.id == menu_id, company_shops.c.company_id == user.company_id)
        )
    return _checked_menu(menu, menu_id)


def _checked_menu(menu: Menu | None, menu_id) -> Menu:
    if not _valid_id(menu_id):
        raise DomainError("メニューを選んでください。", field="menu_id")
    if menu is None:
        raise DomainError("選ばれたメニューは見つかりません。", field="menu_id")
    if not menu.shop.active:
        raise DomainError(
            f"「{menu.shop.name}」は現在ご注文を受け付けていません。", field="menu_id"
        )
    if not menu.active:
        raise DomainError(f"「{menu.name}」は現在ご注文を受け付けていません。", field="menu_id")
    return menu


def _valid_id(value) -> bool:
    return isinstance(value, int) and 1 <= value <= MAX_ID


def next_orderable_dates(
    shop: Shop, now: datetime, count: int, holidays: Mapping[date, str] | None = None
) -> list[date]:
    """Return the next `count` dates `shop` takes orders for at `now`, reading its closed
    days, and the added holidays of the days it takes orders for unless `holidays` (read
    once for several shops) covers them."""
    today = calendar.local_today(now)
    last = today + timedelta(days=shop.max_days_ahead)
    if holidays is None:
        holidays = added_holidays(today, last)
    return calendar.orderable_dates(shop, now, _closed_days_of(shop, today, last), count, holidays)


def _closed_days_of(shop: Shop, first: date, last: date) -> set[date]:
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
    query = sa.select(Order).where(Order.id == order_id)
    if user is not None:
        query = query.where(Order.user_id == user.id)
    if company_id is not None:
        query = query.where(Order.company_id == company_id)
    return db.session.scalar(query)


class _PlacementFacts(NamedTuple):
    token_order_id: int | None
    company_disabled: bool | None
    menu: Menu | None
    closed: bool
    holiday: str | None  # an added one (holidays); the national ones come from the calendar
    live_order_id: int | None


def _placement_facts_query() -> sa.Select:
    """The one round trip of an order placement, built once: the order an earlier submission
    of the same form created, the company, the menu with its shop (when it serves the user's
    company), whether the shop is closed that day, a day off the administrator added for it,
    and the live order that day."""
    user_id = sa.bindparam("user_id", type_=sa.Integer)
    company_id = sa.bindparam("company_id", type_=sa.Integer)
    delivery_date = sa.bindparam("delivery_date", type_=sa.Date)
    token_order = (
        sa.select(Order.id)
        .join(OrderEvent, OrderEvent.order_id == Order.id)
        .where(
            Order.user_id == user_id,
            OrderEvent.action == OrderAction.PLACED,
            event_form_token == sa.bindparam("form_token", type_=sa.Text),
        )
        .limit(1)
        .scalar_subquery()
    )
    company_disabled = sa.select(Company.disabled).where(Company.id == company_id).scalar_subquery()
    closed = sa.exists().where(
        ShopClosedDay.shop_id == Menu.shop_id, ShopClosedDay.day == delivery_date
    )
    holiday = sa.select(Holiday.name).where(Holiday.day == delivery_date).scalar_subquery()
    live = (
        sa.select(Order.id)
        .where(
            Order.user_id == user_id,
            Order.delivery_date == delivery_date,
            Order.status == OrderStatus.ORDERED,
        )
        .scalar_subquery()
    )
    served = sa.exists().where(
        company_shops.c.shop_id == Menu.shop_id, company_shops.c.company_id == company_id
    )
    one = sa.select(sa.literal(1).label("one")).subquery()
    menu_id = sa.bindparam("menu_id", type_=sa.Integer)
    return (
        sa.select(
            token_order.label("token_order_id"),
            company_disabled.label("company_disabled"),
            Menu,
            closed.label("closed"),
            holiday.label("holiday"),
            live.label("live_order_id"),
        )
        .select_from(one)
        .outerjoin(Menu, sa.and_(Menu.id == menu_id, served))
        .outerjoin(Shop, Shop.id == Menu.shop_id)
        .options(contains_eager(Menu.shop))
    )


_PLACEMENT_FACTS = _placement_facts_query()


def _placement_facts(
    user: User, delivery_date: date, menu_id, form_token: str | None
) -> _PlacementFacts:
    """Everything an order placement checks, in one round trip (see _placement_facts_query).

    A missing form token or an invalid menu id is sent as NULL, which matches nothing.
    """
    row = db.session.execute(
        _PLACEMENT_FACTS,
        {
            "user_id": user.id,
            "company_id": user.company_id,
            "delivery_date": delivery_date,
            "menu_id": menu_id if _valid_id(menu_id) else None,
            "form_token": form_token or None,
        },
    ).one()
    return _PlacementFacts(
        row.token_order_id,
        row.company_disabled,
        row.Menu,
        bool(row.closed),
        row.holiday,
        row.live_order_id,
    )


def _lock_live(order: Order) -> None:
    """Reload the order's row FOR UPDATE and refuse it unless it is still live.

    The order was read without a lock; a change or cancel of it committed since (a double
    click, a second tab, the manager on the employee's behalf) is seen here, and one that is
    still running is waited for, so two of them never both pass the checks.
    """
    db.session.refresh(order, with_for_update=True)
    if order.status != OrderStatus.ORDERED:
        raise DomainError("このご注文はすでにキャンセルされています。", status=409)


def _exists_message(delivery_date: date) -> str:
    return (
        f"{calendar.format_date(delivery_date)}のお届け分はすでにご注文済みです。"
        "ご注文の内容はこのページでご確認ください。"
    )
