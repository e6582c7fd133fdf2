"""Hot statements keep one prepared plan however long the history (issue 9).

psycopg prepares a statement after a few runs; PostgreSQL then keeps a generic plan only if it
does not judge a plan for the actual values cheaper. With a date at the end of a long history
as a plain parameter it did judge so, and planned the statement anew on every run: 0.6 ms of
the day list's 2 ms digest on 1,000,000 orders, 0.4-0.7 ms for the staff's coming orders and
for those a closing cancelled. A year of one shop's history, analyzed, is enough to show it:
without `database.unplanned` and `constant` these statements get only custom plans.
"""

from datetime import date

import pytest
import sqlalchemy as sa

from obento.extensions import db
from obento.models import Role, Shop, User
from obento.services import order_board, reports
from tests.conftest import _default_hash, jst

DAY = date(2026, 11, 25)
EMPLOYEES = 150
HISTORY_DAYS = 365


@pytest.fixture
def history(make_shop, make_company, make_menu) -> Shop:
    """A shop whose EMPLOYEES staff each ordered every day of the past year up to DAY; 3% of
    the orders cancelled, every order with its events."""
    shop = make_shop(open_weekdays=127, opens_on_holidays=True)
    company = make_company(shops=[shop])
    menu = make_menu(shop, price=600)
    db.session.add_all(
        User(
            username=f"plan-{number}",
            name=f"社員 {number}",
            employee_code=f"{number:05d}",
            role=Role.STAFF,
            company_id=company.id,
            password_hash=_default_hash(),
        )
        for number in range(EMPLOYEES)
    )
    db.session.flush()
    db.session.execute(
        sa.text(
            "INSERT INTO orders (user_id, company_id, shop_id, menu_id, delivery_date, "
            "quantity, unit_price) "
            "SELECT users.id, :company, :shop, :menu, CAST(:day AS date) - days, 1, 600 "
            "FROM users CROSS JOIN generate_series(0, :history - 1) AS days "
            "WHERE users.company_id = :company"
        ),
        {
            "company": company.id,
            "shop": shop.id,
            "menu": menu.id,
            "day": DAY,
            "history": HISTORY_DAYS,
        },
    )
    db.session.execute(  # 3% cancelled, as in the bench; none on DAY, which the tests read
        sa.text(
            "UPDATE orders SET status = 'cancelled' WHERE id % 33 = 0 AND delivery_date < :day"
        ),
        {"day": DAY},
    )
    for statement in (
        "INSERT INTO order_events (order_id, actor_id, action) "
        "SELECT id, user_id, 'placed' FROM orders",
        "INSERT INTO order_events (order_id, actor_id, action) "
        "SELECT id, user_id, 'cancelled' FROM orders WHERE status = 'cancelled'",
        "ANALYZE orders, order_events",
    ):
        db.session.execute(sa.text(statement))
    return shop


def assert_generic_plan_kept(statement_part: str) -> None:
    """The session's prepared statement containing `statement_part` ran on its generic plan
    after PostgreSQL's five custom plans."""
    generic, custom = db.session.execute(
        sa.text(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements "
            "WHERE statement LIKE '%' || :part || '%'"
        ),
        {"part": statement_part},
    ).one()
    assert generic >= 5, f"re-planned on every run: {generic} generic, {custom} custom plans"


def test_the_day_list_digest_keeps_a_generic_plan(history):
    digests = {reports.shop_orders_digest(history, DAY, DAY) for _ in range(15)}

    assert len(digests) == 1 and digests.pop().startswith(f"{EMPLOYEES}:")
    assert_generic_plan_kept("hash_record_extended")


def test_the_coming_orders_keep_a_generic_plan(history):
    user, now = _employee(), jst("2026-11-25 09:00")

    coming = [order_board.upcoming_orders(user, now) for _ in range(15)]

    assert [[state.order.delivery_date for state in each] for each in coming] == [[DAY]] * 15
    assert_generic_plan_kept("WHERE orders.user_id = $1::INTEGER AND orders.delivery_date >=")


def test_the_orders_a_closing_cancelled_keep_a_generic_plan(history):
    user, now = _employee(), jst("2026-11-25 09:00")

    cancels = [order_board.cancelled_by_closing(user, now) for _ in range(15)]

    assert cancels == [[]] * 15
    assert_generic_plan_kept("NOT (EXISTS (SELECT orders_1.id")


def _employee() -> User:
    return db.session.scalar(sa.select(User).where(User.username == "plan-0"))
