"""The lists, totals and sheets of the shop and company pages.

Each report loads its rows in a fixed number of queries (orders with their company, user and
menu joined in) and groups them in Python, so a page costs the same number of queries for 5
orders or 500. Cancelled orders appear in lists, marked, but never in counts or amounts (their
cancel fees count in billing only: services/billing.py).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import NamedTuple

import sqlalchemy as sa

from obento.calendar import local_today
from obento.clock import utcnow
from obento.database import unplanned
from obento.extensions import db
from obento.fragment_cache import FragmentCache
from obento.models import Company, Menu, Order, OrderStatus, Shop, User


# The lists read plain rows, not ORM objects: a day list of 300 orders would otherwise build
# five mapped objects per order, which cost more than the page's SQL and its rendering.
class CompanyRef(NamedTuple):
    id: int
    name: str
    address: str | None
    tel: str | None


class ShopRef(NamedTuple):
    id: int
    name: str


class UserRef(NamedTuple):
    id: int
    name: str
    employee_code: str | None


class MenuRef(NamedTuple):
    id: int
    name: str
    sort_order: int


@dataclass(slots=True)
class OrderRow:
    """The columns of an order the lists, sheets and CSV files show."""

    id: int
    delivery_date: date
    status: OrderStatus
    quantity: int
    unit_price: int
    cancel_fee: int
    checked: bool
    menu_id: int
    user_id: int
    placed_by_id: int | None
    company: CompanyRef
    shop: ShopRef
    user: UserRef
    menu: MenuRef
    is_cancelled: bool

    @property
    def amount(self) -> int:
        """What the order costs: the price of the lunches, or the fee once cancelled."""
        return self.cancel_fee if self.is_cancelled else self.unit_price * self.quantity


@dataclass
class Tally:
    """Lunches (boxes) and yen of the live orders added to it."""

    lunches: int = 0
    amount: int = 0

    def add(self, order: OrderRow) -> None:
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
    orders: list[OrderRow] = field(default_factory=list)
    tally: Tally = field(default_factory=Tally)
    subgroups: list["OrderGroup"] = field(default_factory=list)

    @property
    def live_orders(self) -> list[OrderRow]:
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
    orders: Iterable[OrderRow],
    key: Callable[[OrderRow], object],
    *then: Callable[[OrderRow], object],
) -> list[OrderGroup]:
    """Group already sorted orders by `key` (keeping their order), then each group by `then`."""
    groups: dict[object, OrderGroup] = {}
    for order in orders:
        group_key = key(order)
        group = groups.get(group_key)
        if group is None:
            group = groups[group_key] = OrderGroup(group_key)
        group.orders.append(order)
        group.tally.add(order)
    if then:
        for group in groups.values():
            group.subgroups = group_orders(group.orders, *then)
    return list(groups.values())


def menu_lines(orders: Iterable[OrderRow]) -> list[MenuLine]:
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


_ORDER_COLUMNS = (
    Order.id,
    Order.delivery_date,
    Order.status,
    Order.quantity,
    Order.unit_price,
    Order.cancel_fee,
    Order.checked,
    Order.menu_id,
    Order.user_id,
    Order.placed_by_id,
    Company.id,
    Company.name,
    Company.address,
    Company.tel,
    Shop.id,
    Shop.name,
    User.id,
    User.name,
    User.employee_code,
    Menu.id,
    Menu.name,
    Menu.sort_order,
)


def _orders_query(*conditions) -> sa.Select:
    return (
        sa.select(*_ORDER_COLUMNS)
        .join(Company, Order.company_id == Company.id)
        .join(Shop, Order.shop_id == Shop.id)
        .join(User, Order.user_id == User.id)
        .join(Menu, Order.menu_id == Menu.id)
        .where(*conditions)
    )


def _order_rows(rows: Iterable[sa.Row]) -> list[OrderRow]:
    """Make OrderRows of `_orders_query` results; rows of one company (user...) share a ref."""
    refs: dict[tuple[type, int], tuple] = {}

    def ref(ref_type: type, *values) -> tuple:
        key = (ref_type, values[0])
        if key not in refs:
            refs[key] = ref_type(*values)
        return refs[key]

    cancelled = OrderStatus.CANCELLED
    return [
        OrderRow(
            *values[:10],
            company=ref(CompanyRef, *values[10:14]),
            shop=ref(ShopRef, *values[14:16]),
            user=ref(UserRef, *values[16:19]),
            menu=ref(MenuRef, *values[19:22]),
            is_cancelled=values[2] == cancelled,
        )
        for values in rows
    ]


def _digest(*conditions) -> sa.Select:
    """A digest of every column `_order_rows` reads, of every order matching `conditions`:
    the count and the sum of the rows' 64-bit hashes (hashed by PostgreSQL without turning
    them into text). Equal digests mean identical rows; NULL sum when there are none."""
    row_hash = sa.func.hash_record_extended(sa.tuple_(*_ORDER_COLUMNS), 0)
    total = sa.func.sum(sa.cast(row_hash, sa.Numeric))
    return _orders_query(*conditions).with_only_columns(sa.func.concat(sa.func.count(), ":", total))


def _shop_query(*conditions) -> sa.Select:
    return _orders_query(*conditions).order_by(
        Order.delivery_date, Company.name, User.employee_code, User.name, Order.id
    )


# The shop's statements are built once (the day list runs on every reload while packing);
# each call binds shop_id, first and last, unplanned: one generic plan for every history.
_IN_SHOP_PERIOD = (
    Order.shop_id == unplanned(sa.bindparam("shop_id", type_=sa.Integer)),
    Order.delivery_date.between(
        unplanned(sa.bindparam("first", type_=sa.Date)),
        unplanned(sa.bindparam("last", type_=sa.Date)),
    ),
)
_SHOP_ORDERS = _shop_query(*_IN_SHOP_PERIOD)
_SHOP_LIVE_ORDERS = _shop_query(*_IN_SHOP_PERIOD, Order.status == OrderStatus.ORDERED)
_SHOP_DIGEST = _digest(*_IN_SHOP_PERIOD)
_SHOP_ORDERS_WITH_DIGEST = _SHOP_ORDERS.add_columns(_SHOP_DIGEST.scalar_subquery().correlate(None))


def _by_day_and_company(rows: Iterable[sa.Row]) -> list[OrderGroup]:
    return group_orders(
        _order_rows(rows), lambda order: order.delivery_date, lambda order: order.company
    )


def _shop_period(shop: Shop, first: date, last: date) -> dict:
    return {"shop_id": shop.id, "first": first, "last": last}


def shop_orders(
    shop: Shop, first: date, last: date, *, include_cancelled: bool = True
) -> list[OrderGroup]:
    """Return the shop's orders for delivery from `first` to `last`, by day, then company."""
    query = _SHOP_ORDERS if include_cancelled else _SHOP_LIVE_ORDERS
    return _by_day_and_company(db.session.execute(query, _shop_period(shop, first, last)))


def shop_orders_digest(shop: Shop, first: date, last: date) -> str | None:
    """Return the digest of what `shop_orders(shop, first, last)` returns, without the rows."""
    return db.session.scalar(_SHOP_DIGEST, _shop_period(shop, first, last))


def shop_orders_with_digest(
    shop: Shop, first: date, last: date
) -> tuple[str | None, list[OrderGroup]]:
    """Return `shop_orders(shop, first, last)` and the digest of its rows, read in the same
    statement (one snapshot), so the digest describes exactly these rows."""
    rows = db.session.execute(_SHOP_ORDERS_WITH_DIGEST, _shop_period(shop, first, last)).all()
    return (rows[0][-1] if rows else None), _by_day_and_company(rows)


def company_orders(company: Company, first: date, last: date) -> list[OrderGroup]:
    """Return the company's orders from `first` to `last`, by shop, then employee."""
    orders = _order_rows(
        db.session.execute(
            _orders_query(
                Order.company_id == company.id, Order.delivery_date.between(first, last)
            ).order_by(Shop.name, User.employee_code, User.name, Order.delivery_date, Order.id)
        )
    )
    return group_orders(orders, lambda order: order.shop, lambda order: order.user)


def total(groups: Iterable[OrderGroup]) -> OrderGroup:
    """Return one group holding every order of `groups`, with the grand totals."""
    whole = OrderGroup(None)
    for group in groups:
        for order in group.orders:
            whole.orders.append(order)
            whole.tally.add(order)
    return whole


_SHOP_DAILY_LUNCHES = (
    sa.select(Order.delivery_date, sa.func.sum(Order.quantity))
    .where(*_IN_SHOP_PERIOD, Order.status == OrderStatus.ORDERED)
    .group_by(Order.delivery_date)
)

# The lunches of delivery days before today (JST) are settled: orders are placed, changed and
# cancelled only up to their deadlines, on the day at the latest. The chart keeps them in the
# worker for at most SETTLED_SECONDS (how long an import-sqlite of old orders may take to
# show), so its cost follows the days still open, not the 30 days of orders.
SETTLED_SECONDS = 600
_SETTLED_LUNCHES = FragmentCache(max_bytes=2**20, max_item_bytes=2**14)


def _lunches_per_day(shop: Shop, first: date, last: date) -> dict[date, int]:
    return dict(db.session.execute(_SHOP_DAILY_LUNCHES, _shop_period(shop, first, last)).all())


def daily_lunches(shop: Shop, last: date, days: int = 30) -> list[tuple[date, int]]:
    """Return the live lunches per delivery day for the `days` days ending at `last`."""
    first = last - timedelta(days=days - 1)
    now = utcnow()
    settled_last = min(last, local_today(now) - timedelta(days=1))
    counts: dict[date, int] = {}
    if settled_last >= first:
        key = ("settled", shop.id, first, settled_last, int(now.timestamp()) // SETTLED_SECONDS)
        counts.update(
            _SETTLED_LUNCHES.get_or_build(
                key, lambda: (key, _lunches_per_day(shop, first, settled_last), 64 * days)
            )
        )
    if last > settled_last:
        counts.update(_lunches_per_day(shop, max(first, settled_last + timedelta(days=1)), last))
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
