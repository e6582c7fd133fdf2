"""What a person may order in the coming days, and the orders they already have."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import aliased, joinedload

from obento import calendar
from obento.calendar import OrderPermission
from obento.database import constant, unplanned
from obento.extensions import db
from obento.models import (
    Menu,
    Order,
    OrderAction,
    OrderEvent,
    OrderStatus,
    Shop,
    User,
    company_shops,
)
from obento.services.closures import CLOSING_REASON, ClosingNote, closing_notes
from obento.services.holidays import added_holidays
from obento.services.orders import next_orderable_dates

BOARD_DAYS = 7


@dataclass
class ShopOffer:
    shop: Shop
    menus: list[Menu]
    order_deadline: datetime


@dataclass
class DayOffer:
    day: date
    offers: list[ShopOffer] = field(default_factory=list)
    order: Order | None = None

    @property
    def menu_ids(self) -> list[int]:
        return [menu.id for offer in self.offers for menu in offer.menus]


@dataclass
class OrderState:
    """An order with what may still be done to it, for display."""

    order: Order
    permission: OrderPermission
    order_deadline: datetime
    cancel_deadline: datetime
    closing: ClosingNote | None = None  # why, when its day was closed (services.closures)

    @property
    def can_change(self) -> bool:
        return self.permission is OrderPermission.CHANGE

    @property
    def can_cancel(self) -> bool:
        return self.permission is not OrderPermission.NONE

    @property
    def cancel_fee(self) -> int:
        if self.permission is OrderPermission.CANCEL_WITH_FEE:
            return self.order.shop.cancel_fee
        return 0


def order_state(order: Order, now: datetime) -> OrderState:
    shop = order.shop
    return OrderState(
        order=order,
        permission=calendar.order_permission(shop, order.delivery_date, now)
        if order.status == OrderStatus.ORDERED
        else OrderPermission.NONE,
        order_deadline=calendar.order_deadline(shop, order.delivery_date),
        cancel_deadline=calendar.cancel_deadline(shop, order.delivery_date),
        closing=closing_notes([order]).get(order.id),
    )


def serving_shops(user: User) -> list[Shop]:
    """Return the active shops that deliver to the user's company."""
    return list(
        db.session.scalars(
            sa.select(Shop)
            .join(company_shops, company_shops.c.shop_id == Shop.id)
            .where(company_shops.c.company_id == user.company_id, Shop.active)
            .order_by(Shop.name)
        )
    )


def active_menus(shops: list[Shop]) -> dict[int, list[Menu]]:
    menus: dict[int, list[Menu]] = {shop.id: [] for shop in shops}
    for menu in db.session.scalars(
        sa.select(Menu)
        .where(Menu.shop_id.in_(list(menus)), Menu.active)
        .order_by(Menu.sort_order, Menu.name)
    ):
        menus[menu.shop_id].append(menu)
    return menus


def order_board(user: User, now: datetime, days: int = BOARD_DAYS) -> list[DayOffer]:
    """Return the next `days` dates orderable at any shop serving the user, with menus."""
    shops = serving_shops(user)
    menus = active_menus(shops)
    today = calendar.local_today(now)
    last = today + timedelta(days=max((shop.max_days_ahead for shop in shops), default=0))
    holidays = added_holidays(today, last)  # one read for every shop's window
    board: dict[date, DayOffer] = {}
    for shop in shops:
        if not menus[shop.id]:
            continue
        for day in next_orderable_dates(shop, now, days, holidays):
            offer = ShopOffer(shop, menus[shop.id], calendar.order_deadline(shop, day))
            board.setdefault(day, DayOffer(day)).offers.append(offer)
    chosen = [board[day] for day in sorted(board)[:days]]
    if chosen:
        orders = {
            order.delivery_date: order
            for order in _live_orders(user, chosen[0].day, chosen[-1].day)
        }
        for day_offer in chosen:
            day_offer.order = orders.get(day_offer.day)
    return chosen


def upcoming_orders(user: User, now: datetime, company_id: int | None = None) -> list[OrderState]:
    """Return the user's live orders from today on, with what may still be done to each;
    with `company_id`, only those placed while the user belonged to that company."""
    today = calendar.local_today(now)
    query = sa.select(Order).where(
        Order.user_id == user.id,
        Order.delivery_date >= unplanned(sa.literal(today, sa.Date)),
        Order.status == constant(OrderStatus.ORDERED),
    )
    if company_id is not None:
        query = query.where(Order.company_id == company_id)
    orders = db.session.scalars(query.order_by(Order.delivery_date))
    return [order_state(order, now) for order in orders]


def cancelled_by_closing(user: User, now: datetime) -> list[tuple[Order, ClosingNote]]:
    """Return the user's orders from today on that were cancelled because their day was
    closed (services.closures), with the reason: without a word they would simply vanish
    from the list of orders. A day ordered again since is left out."""
    rows = db.session.execute(
        _CANCELLED_BY_CLOSING, {"user_id": user.id, "today": calendar.local_today(now)}
    )
    return [(order, ClosingNote(reason)) for order, reason in rows]


def _cancelled_by_closing_query() -> sa.Select:
    """Built once: building it costs more than running it (the order page's hot path)."""
    again = aliased(Order)
    ordered_again = (
        sa.select(again.id)
        .where(
            again.user_id == Order.user_id,
            again.delivery_date == Order.delivery_date,
            again.status == constant(OrderStatus.ORDERED),
        )
        .exists()
    )
    return (
        sa.select(Order, CLOSING_REASON)
        .join(OrderEvent, OrderEvent.order_id == Order.id)
        .where(
            Order.user_id == sa.bindparam("user_id", type_=sa.Integer),
            Order.delivery_date >= unplanned(sa.bindparam("today", type_=sa.Date)),
            Order.status == constant(OrderStatus.CANCELLED),
            OrderEvent.action == constant(OrderAction.CANCELLED),
            CLOSING_REASON.is_not(None),
            ~ordered_again,
        )
        .options(joinedload(Order.menu))
        .order_by(Order.delivery_date, Order.id)
    )


_CANCELLED_BY_CLOSING = _cancelled_by_closing_query()


def month_orders(user: User, first: date, last: date) -> list[Order]:
    """Return all of the user's orders delivered from `first` to `last`, cancelled included."""
    return list(
        db.session.scalars(
            sa.select(Order)
            .where(Order.user_id == user.id, Order.delivery_date.between(first, last))
            .order_by(Order.delivery_date, Order.id)
        )
    )


def _live_orders(user: User, first: date, last: date) -> list[Order]:
    return [order for order in month_orders(user, first, last) if not order.is_cancelled]
