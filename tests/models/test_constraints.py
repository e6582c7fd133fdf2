"""The database itself refuses what the rules forbid, whatever the app does."""

from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from obento.extensions import db
from obento.models import Menu, Order, OrderStatus, Role, User


def _refused(statement_or_object) -> str:
    """Flush and return the name of the violated constraint; nothing stays written."""
    with pytest.raises(IntegrityError) as raised, db.session.begin_nested():
        if isinstance(statement_or_object, db.Model):
            db.session.add(statement_or_object)
            db.session.flush()
        else:
            db.session.execute(statement_or_object)
    return raised.value.orig.diag.constraint_name


def test_second_live_order_for_the_same_day_is_refused(make_user, make_order, make_menu):
    user = make_user()
    first = make_order(user, delivery_date=date(2026, 12, 1))
    second = Order(
        user_id=user.id,
        company_id=user.company_id,
        shop_id=first.shop_id,
        menu_id=first.menu_id,
        delivery_date=date(2026, 12, 1),
        quantity=1,
        unit_price=500,
    )
    assert _refused(second) == "uq_orders_user_id_delivery_date_ordered"
    count = db.session.scalar(sa.select(sa.func.count(Order.id)).where(Order.user_id == user.id))
    assert count == 1


def test_a_cancelled_order_does_not_block_a_new_one(make_user, make_order):
    user = make_user()
    make_order(user, delivery_date=date(2026, 12, 1), status=OrderStatus.CANCELLED)
    make_order(user, delivery_date=date(2026, 12, 1))
    statuses = db.session.scalars(sa.select(Order.status).where(Order.user_id == user.id))
    assert sorted(statuses) == ["cancelled", "ordered"]


@pytest.mark.parametrize("quantity", [0, 11, -1])
def test_quantity_outside_one_to_ten_is_refused(make_user, make_menu, quantity):
    user = make_user()
    menu = make_menu()
    order = Order(
        user_id=user.id,
        company_id=user.company_id,
        shop_id=menu.shop_id,
        menu_id=menu.id,
        delivery_date=date(2026, 12, 1),
        quantity=quantity,
        unit_price=500,
    )
    assert _refused(order) == "ck_orders_quantity"


@pytest.mark.parametrize("quantity", [1, 10])
def test_quantity_at_the_bounds_is_accepted(make_user, make_order, quantity):
    order = make_order(make_user(), quantity=quantity)
    assert db.session.get(Order, order.id).quantity == quantity


@pytest.mark.parametrize(
    ("role", "scope"),
    [
        (Role.STAFF, {}),
        (Role.MANAGER, {}),
        (Role.SHOP, {}),
        (Role.ADMIN, {"company": True}),
        (Role.STAFF, {"shop": True}),
    ],
)
def test_role_and_company_or_shop_must_match(make_company, make_shop, role, scope):
    user = User(
        username=f"x-{role}",
        name="x",
        role=role,
        password_hash="x",
        company_id=make_company().id if scope.get("company") else None,
        shop_id=make_shop().id if scope.get("shop") else None,
    )
    if role == Role.STAFF and scope.get("shop"):
        user.company_id = make_company().id
    assert _refused(user) == "ck_users_role_scope"


def test_unknown_role_is_refused():
    assert _refused(User(username="x", name="x", role="boss", password_hash="x")) in {
        "ck_users_role",
        "ck_users_role_scope",
    }


def test_menu_name_is_unique_within_a_shop_only(make_shop, make_menu):
    shop, other = make_shop(), make_shop()
    make_menu(shop, name="唐揚げ弁当")
    make_menu(other, name="唐揚げ弁当")
    assert _refused(Menu(shop_id=shop.id, name="唐揚げ弁当", price=600)) == "uq_menus_shop_id_name"


def test_negative_price_is_refused(make_shop):
    assert _refused(Menu(shop_id=make_shop().id, name="x", price=-1)) == "ck_menus_price"


def test_username_is_unique(make_user):
    make_user(username="tanaka")
    assert (
        _refused(
            sa.insert(User).values(username="tanaka", name="x", role="admin", password_hash="x")
        )
        == "uq_users_username"
    )
