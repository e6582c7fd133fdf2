"""The lists, totals and sheets of the shop and company pages.

Each report loads its rows in a fixed number of queries (orders with their company, user and
menu joined in; billing aggregated in SQL) and groups them in Python, so a page costs the
same number of queries for 5 orders or 500. Cancelled orders appear in lists, marked, but
never in counts or amounts; their cancel fees count in billing only.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload

from obento.extensions import db
from obento.models import Company, Menu, Order, OrderStatus, Shop, User


@dataclass
class Tally:
    """Lunches (boxes) and yen of the live orders added to it."""

    lunches: int = 0
    amount: int = 0

    def add(self, order: Order) -> None:
        if not order.is_cancelled:
            self.lunches += order.quantity
            self.amount += order.unit_price * order.quantity


@dataclass
class MenuLine:
    name: str
    unit_price: int
    tally: Tally = field(default_factory=Tally)


@dataclass
class OrderGroup:
    """Orders sharing a key (a day, a company, a shop or an employee) and their totals."""

    key: object
    orders: list[Order] = field(default_factory=list)
    tally: Tally = field(default_factory=Tally)
    subgroups: list["OrderGroup"] = field(default_factory=list)

    @property
    def live_orders(self) -> list[Order]:
        return [order for order in self.orders if not order.is_cancelled]

    @property
    def menu_lines(self) -> list[MenuLine]:
        return menu_lines(self.orders)

    @property
    def checked(self) -> int:
        return sum(1 for order in self.live_orders if order.checked)

    @property
    def remaining(self) -> int:
        return len(self.live_orders) - self.checked


def group_orders(
    orders: Iterable[Order], key: Callable[[Order], object], *then: Callable[[Order], object]
) -> list[OrderGroup]:
    """Group already sorted orders by `key` (keeping their order), then each group by `then`."""
    groups: dict[object, OrderGroup] = {}
    for order in orders:
        group = groups.setdefault(key(order), OrderGroup(key(order)))
        group.orders.append(order)
        group.tally.add(order)
    if then:
        for group in groups.values():
            group.subgroups = group_orders(group.orders, *then)
    return list(groups.values())


def menu_lines(orders: Iterable[Order]) -> list[MenuLine]:
    """Count the live orders per menu and unit price, in the shop's menu order."""
    lines: dict[tuple[int, int], MenuLine] = {}
    sort_keys: dict[tuple[int, int], tuple] = {}
    for order in orders:
        if order.is_cancelled:
            continue
        key = (order.menu_id, order.unit_price)
        line = lines.setdefault(key, MenuLine(order.menu.name, order.unit_price))
        sort_keys[key] = (order.menu.sort_order, order.menu.name, order.unit_price)
        line.tally.add(order)
    return [lines[key] for key in sorted(lines, key=sort_keys.__getitem__)]


def _orders_query(*conditions) -> sa.Select:
    return (
        sa.select(Order)
        .join(Order.company)
        .join(Order.shop)
        .join(Order.user)
        .options(
            contains_eager(Order.company),
            contains_eager(Order.shop),
            contains_eager(Order.user),
            joinedload(Order.menu),
        )
        .where(*conditions)
    )


def shop_orders(
    shop: Shop, first: date, last: date, *, include_cancelled: bool = True
) -> list[OrderGroup]:
    """Return the shop's orders for delivery from `first` to `last`, by day, then company."""
    conditions = [Order.shop_id == shop.id, Order.delivery_date.between(first, last)]
    if not include_cancelled:
        conditions.append(Order.status == OrderStatus.ORDERED)
    orders = db.session.scalars(
        _orders_query(*conditions).order_by(
            Order.delivery_date, Company.name, User.employee_code, User.name, Order.id
        )
    ).all()
    return group_orders(orders, lambda order: order.delivery_date, lambda order: order.company)


def company_orders(company: Company, first: date, last: date) -> list[OrderGroup]:
    """Return the company's orders from `first` to `last`, by shop, then employee."""
    orders = db.session.scalars(
        _orders_query(
            Order.company_id == company.id, Order.delivery_date.between(first, last)
        ).order_by(Shop.name, User.employee_code, User.name, Order.delivery_date, Order.id)
    ).all()
    return group_orders(orders, lambda order: order.shop, lambda order: order.user)


def total(groups: Iterable[OrderGroup]) -> OrderGroup:
    """Return one group holding every order of `groups`, with the grand totals."""
    whole = OrderGroup(None)
    for group in groups:
        for order in group.orders:
            whole.orders.append(order)
            whole.tally.add(order)
    return whole


def daily_lunches(shop: Shop, last: date, days: int = 30) -> list[tuple[date, int]]:
    """Return the live lunches per delivery day for the `days` days ending at `last`."""
    first = last - timedelta(days=days - 1)
    counts = dict(
        db.session.execute(
            sa.select(Order.delivery_date, sa.func.sum(Order.quantity))
            .where(
                Order.shop_id == shop.id,
                Order.status == OrderStatus.ORDERED,
                Order.delivery_date.between(first, last),
            )
            .group_by(Order.delivery_date)
        ).all()
    )
    return [(day, counts.get(day, 0)) for day in (first + timedelta(n) for n in range(days))]


@dataclass
class FaxSheet:
    company: Company
    shop: Shop
    delivery_date: date
    lines: list[MenuLine]
    tally: Tally


def fax_sheet(company: Company, shop: Shop, delivery_date: date) -> FaxSheet:
    """Return the order sheet the company faxes to `shop`: every menu with its count."""
    counts = db.session.execute(
        sa.select(Order.menu_id, Order.unit_price, sa.func.sum(Order.quantity))
        .where(
            Order.company_id == company.id,
            Order.shop_id == shop.id,
            Order.delivery_date == delivery_date,
            Order.status == OrderStatus.ORDERED,
        )
        .group_by(Order.menu_id, Order.unit_price)
        .order_by(Order.unit_price)
    ).all()
    ordered_menu_ids = {menu_id for menu_id, _, _ in counts}
    menus = db.session.scalars(
        sa.select(Menu)
        .where(Menu.shop_id == shop.id, sa.or_(Menu.active, Menu.id.in_(ordered_menu_ids)))
        .order_by(Menu.sort_order, Menu.name)
    ).all()
    lines, tally = [], Tally()
    for menu in menus:
        priced = [(price, lunches) for menu_id, price, lunches in counts if menu_id == menu.id]
        for price, lunches in priced or [(menu.price, 0)]:
            line = MenuLine(menu.name, price, Tally(lunches, price * lunches))
            lines.append(line)
            tally.lunches += line.tally.lunches
            tally.amount += line.tally.amount
    return FaxSheet(company, shop, delivery_date, lines, tally)


@dataclass
class BillingLine:
    """One employee's (or shop's) month: lunches, their price, cancel fees, the sum owed."""

    subject: User | Shop | None
    lunches: int = 0
    amount: int = 0
    cancellations: int = 0
    cancel_fees: int = 0

    @property
    def total(self) -> int:
        return self.amount + self.cancel_fees


@dataclass
class Billing:
    employees: list[BillingLine]
    shops: list[BillingLine]

    @property
    def total(self) -> BillingLine:
        line = BillingLine(None)
        for shop in self.shops:
            line.lunches += shop.lunches
            line.amount += shop.amount
            line.cancellations += shop.cancellations
            line.cancel_fees += shop.cancel_fees
        return line


def monthly_billing(company: Company, first: date, last: date) -> Billing:
    """Return what each employee owes (給与天引き) and what each shop will invoice."""
    live = Order.status == OrderStatus.ORDERED
    cancelled = Order.status == OrderStatus.CANCELLED
    sums = (
        sa.func.coalesce(sa.func.sum(Order.quantity).filter(live), 0),
        sa.func.coalesce(sa.func.sum(Order.unit_price * Order.quantity).filter(live), 0),
        sa.func.count(Order.id).filter(cancelled),
        sa.func.coalesce(sa.func.sum(Order.cancel_fee).filter(cancelled), 0),
    )
    in_month = (Order.company_id == company.id, Order.delivery_date.between(first, last))
    employees = db.session.execute(
        sa.select(User, *sums)
        .join(Order, Order.user_id == User.id)
        .where(*in_month)
        .group_by(User.id)
        .order_by(User.employee_code, User.name, User.id)
    ).all()
    shops = db.session.execute(
        sa.select(Shop, *sums)
        .join(Order, Order.shop_id == Shop.id)
        .where(*in_month)
        .group_by(Shop.id)
        .order_by(Shop.name)
    ).all()
    return Billing(
        employees=[BillingLine(*row) for row in employees],
        shops=[BillingLine(*row) for row in shops],
    )
