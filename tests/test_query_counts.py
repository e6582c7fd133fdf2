"""The hot pages cost the same number of SQL statements for 3 or 60 orders (issue 9).

Each page is loaded on a small data set, the data set grows twentyfold (employees, their orders
on the listed day, over the month and in the history, their audit events), and the page is
loaded again: a query per row (an N+1) shows up as a larger count. Among the orders are some a
closed day cancelled (or whose fee it took back), whose reason the lists show. The shop list
and sheet and the audit page also have their own checks (tests/shop/test_shop_csv_and_sheet.py,
tests/admin/test_audit_and_logs.py).
"""

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from obento.extensions import db
from obento.models import Company, Menu, Order, OrderEvent, OrderStatus, Role, User
from tests.conftest import _default_hash, csrf_token

DAY = date(2026, 11, 26)  # the shop's day list; orderable on Tuesday 2026-11-24 09:00 JST


@dataclass
class World:
    company: Company
    menus: list[Menu]
    me: User  # the staff member whose own pages are measured
    manager: User
    shop_user: User
    admin: User


@pytest.fixture
def world(make_shop, make_company, make_menu, make_user, clock):
    clock.set_jst("2026-11-24 09:00")
    shop = make_shop(open_weekdays=127, opens_on_holidays=True)
    company = make_company(shops=[shop])
    menus = [make_menu(shop, price=500 + 50 * index) for index in range(3)]
    me = make_user(company=company, default_menu_id=menus[0].id)
    return World(
        company=company,
        menus=menus,
        me=me,
        manager=make_user(role=Role.MANAGER, company=company),
        shop_user=make_user(role=Role.SHOP, shop=shop),
        admin=make_user(role=Role.ADMIN),
    )


CLOSED = "弁当屋の休業日（臨時休業）"


def grow(world: World, start: int, stop: int) -> None:
    """Add employees start..stop-1, each with orders on DAY, earlier in the month and in the
    history, and orders of `me` on past and coming days (11-25 from the start: the day /quick
    shows; 11-27 and 11-28 left free for the measured order POSTs). A closed day cancelled
    each employee's 11-23 order and `me`'s past orders of numbers 1, 5, 9...; of numbers
    3, 7, 11... it took back the fee of `me`'s own cancel."""
    employees = [
        User(
            username=f"employee-{number}",
            name=f"社員 {number}",
            employee_code=f"{number:05d}",
            role=Role.STAFF,
            company_id=world.company.id,
            password_hash=_default_hash(),
        )
        for number in range(start, stop)
    ]
    db.session.add_all(employees)
    db.session.flush()
    orders = [order(world.me, world.menus[0], date(2026, 11, 25))] if start == 0 else []
    closed = []  # (order, waived): the orders a closing cancelled, or whose fee it took back
    for number, employee in zip(range(start, stop), employees, strict=True):
        menu = world.menus[number % len(world.menus)]
        for day, status in (
            (DAY, OrderStatus.ORDERED),
            (date(2026, 11, 2 + number % 20), OrderStatus.ORDERED),
            (date(2026, 11, 23), OrderStatus.CANCELLED),
        ):
            orders.append(order(employee, menu, day, status))
        closed.append((orders[-1], False))
        mine = order(world.me, menu, DAY - timedelta(days=10 + number))
        orders.append(mine)
        if number % 2:
            mine.status = OrderStatus.CANCELLED
            closed.append((mine, number % 4 == 3))
        if number < 12:
            orders.append(order(world.me, menu, date(2026, 11, 29) + timedelta(days=number)))
    db.session.add_all(orders)
    db.session.flush()
    db.session.add_all(
        OrderEvent(order_id=each.id, actor_id=each.user_id, action="placed", detail={})
        for each in orders
    )
    for each, waived in closed:
        db.session.add_all(cancel_events(each, waived))
    db.session.commit()


def cancel_events(order: Order, waived: bool) -> list[OrderEvent]:
    """The events of a closing's cancel, or of a person's paid cancel whose fee it took back."""
    if not waived:
        return [cancelled(order, cancel_fee=0, reason=CLOSED)]
    return [
        cancelled(order, cancel_fee=300),
        cancelled(order, cancel_fee=0, waived_fee=300, waiver_reason=CLOSED),
    ]


def cancelled(order: Order, **detail) -> OrderEvent:
    return OrderEvent(order_id=order.id, action="cancelled", detail=detail)


def order(user: User, menu: Menu, day: date, status=OrderStatus.ORDERED) -> Order:
    return Order(
        user_id=user.id,
        company_id=user.company_id,
        shop_id=menu.shop_id,
        menu_id=menu.id,
        delivery_date=day,
        quantity=1,
        unit_price=menu.price,
        status=status,
    )


def count_queries(client, method: str, path: str, **kwargs):
    statements = []

    def count(*args):
        statements.append(args[2])

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        response = client.open(path, method=method, **kwargs)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    return response, len(statements)


PAGES = {
    "shop_user": [
        f"/shop/orders?date={DAY}",
        f"/shop/orders.csv?date={DAY}",
        f"/shop/sheet?date={DAY}",
    ],
    "manager": [
        "/company/orders",
        f"/company/orders?date={DAY}",
        f"/company/orders?date={DAY}&days_ago=3",  # 11-23: the orders a closing cancelled
        "/company/billing?month=2026-11",
        "/company/billing.csv?month=2026-11",
        "/company/on-behalf/{me}",
    ],
    "me": ["/orders/", "/orders/history", "/quick"],
    "admin": ["/admin/audit"],
}


def measure(client, login, world: World, delivery_date: str):
    """Return {page: (status, number of statements)} and {page: body}."""
    counts, bodies = {}, {}
    for who, paths in PAGES.items():
        login(getattr(world, who).username)
        for path in paths:
            path = path.format(me=world.me.id)
            client.get(path)  # warm: the first load may fill per-process caches
            response, count = count_queries(client, "GET", path)
            counts[path], bodies[path] = (response.status_code, count), response.text
        if who == "me":
            token = csrf_token(client.get("/orders/"))
            data = {"csrf_token": token, "delivery_date": delivery_date, "quantity": "1"}
            data["menu_id"] = str(world.menus[1].id)
            response, count = count_queries(client, "POST", "/orders/", data=data)
            counts["POST /orders/"] = (response.status_code, count)
    return counts, bodies


def test_hot_pages_cost_the_same_queries_for_3_or_60_orders(client, login, world):
    grow(world, 0, 3)
    few, _ = measure(client, login, world, "2026-11-27")
    grow(world, 3, 60)
    many, pages = measure(client, login, world, "2026-11-28")

    assert db.session.scalar(sa.select(sa.func.count(Order.id))) == 3 * 60 + 60 + 12 + 1 + 2
    statuses = {page: (few[page][0], many[page][0]) for page in few}
    assert statuses == {page: (303, 303) if page.startswith("POST") else (200, 200) for page in few}
    grown = {page: (few[page][1], many[page][1]) for page in few if few[page] != many[page]}
    assert not grown, f"queries grew with the data (3 -> 60 rows): {grown}"
    assert pages[f"/shop/orders.csv?date={DAY}"].count("\r\n") > 60  # the rows are there
    assert "社員 59" in pages[f"/shop/orders?date={DAY}"] and "社員 59" in pages["/admin/audit"]
    # The reasons are there, one per order (November's history: `me`'s orders of 11-01..11-16).
    company = pages[f"/company/orders?date={DAY}&days_ago=3"]
    assert company.count(f"（{CLOSED}のため、キャンセル料なし）") == 60
    history = pages["/orders/history"]
    assert history.count(f"（{CLOSED}のため、キャンセル料なし）") == 4  # numbers 1, 5, 9, 13
    assert history.count(f"（{CLOSED}のため、キャンセル料300円は取り消し）") == 4  # 3, 7, 11, 15
    assert all(count >= 2 for _, count in few.values())  # the listener saw the queries
    # The test's SAVEPOINT and RELEASE around the login look-up, the placement look-up and ONE
    # statement inserting the order with its `placed` event.
    assert few["POST /orders/"] == (303, 5)
