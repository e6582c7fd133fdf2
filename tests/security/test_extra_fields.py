"""Extra POST fields are ignored, and no state change answers a GET (issue 7)."""

from datetime import date

import pytest
import sqlalchemy as sa
from werkzeug.exceptions import MethodNotAllowed

from obento.extensions import db
from obento.models import Order, OrderStatus, Role, User
from tests.conftest import csrf_token
from tests.security.test_access_matrix import _url
from tests.security.world import build_world


@pytest.fixture
def world(make_shop, make_company, make_menu, make_user, make_order, clock):
    return build_world(make_shop, make_company, make_menu, make_user, make_order, clock)


@pytest.fixture
def intruder(make_company, make_user):
    """Ids of another company and its staff member, for the forged fields."""
    return make_user(role=Role.STAFF, company=make_company())


def forged(world, intruder) -> dict:
    """Fields no form has, naming someone else, a price, a status, a check and a role."""
    return {
        "user_id": intruder.id,
        "unit_price": "1",
        "status": OrderStatus.CANCELLED.value,
        "checked": "1",
        "placed_by_id": world.admin.id,
        "company_id": intruder.company_id,
        "role": Role.ADMIN.value,
    }


def post_form(client, page_url: str, url: str, data: dict):
    return client.post(url, data={**data, "csrf_token": csrf_token(client.get(page_url))})


def order_of(user_id: int, day: date) -> Order:
    return db.session.scalar(
        sa.select(Order).where(Order.user_id == user_id, Order.delivery_date == day)
    )


def assert_plain_order(order: Order, user, placed_by_id=None) -> None:
    assert (order.user_id, order.company_id) == (user.id, user.company_id)
    assert (order.unit_price, order.status, order.checked) == (600, OrderStatus.ORDERED, False)
    assert order.placed_by_id == placed_by_id


def assert_still_staff(world) -> None:
    """The staff member kept their role and company, and got no shop."""
    db.session.refresh(world.staff)
    staff, company_id = world.staff, world.manager.company_id
    assert (staff.role, staff.company_id, staff.shop_id) == (Role.STAFF, company_id, None)


@pytest.mark.parametrize("form", ["order page", "one tap", "on behalf"])
def test_placing_an_order_ignores_extra_fields(client, login, world, intruder, form):
    world.staff.default_menu_id = world.menu.id  # the one-tap page needs a favourite
    db.session.commit()
    url, placed_by = {
        "order page": ("/orders/", None),
        "one tap": ("/quick", None),
        "on behalf": (f"/company/on-behalf/{world.staff.id}", world.manager),
    }[form]
    login((placed_by or world.staff).username)
    data = {"delivery_date": "2026-11-25", "menu_id": world.menu.id, "quantity": "2"}
    response = post_form(client, url, url, {**data, **forged(world, intruder)})
    assert response.status_code == 303
    order = order_of(world.staff.id, date(2026, 11, 25))
    assert_plain_order(order, world.staff, placed_by_id=placed_by and placed_by.id)
    assert order_of(intruder.id, date(2026, 11, 25)) is None
    assert (world.staff.role, world.manager.role) == (Role.STAFF, Role.MANAGER)


def test_changing_an_order_ignores_extra_fields(client, login, world, intruder):
    login(world.staff.username)
    url = f"/orders/{world.order.id}"
    data = {"menu_id": world.menu.id, "quantity": "3", **forged(world, intruder)}
    response = post_form(client, url, url, data)
    assert response.status_code == 303
    order = db.session.get(Order, world.order.id)
    assert_plain_order(order, world.staff)
    assert order.quantity == 3


def test_own_account_forms_do_not_escalate(client, login, world, intruder):
    login(world.staff.username)
    extra = forged(world, intruder)
    favourite = post_form(
        client, "/account", "/account/default-menu", {"default_menu_id": world.menu.id, **extra}
    )
    new_password = "とても長い合言葉です"
    password = post_form(
        client,
        "/account",
        "/account/password",
        {
            "current_password": "correct horse battery",
            "new_password": new_password,
            "new_password_confirm": new_password,
            **extra,
        },
    )
    assert (favourite.status_code, password.status_code) == (303, 303)
    assert_still_staff(world)
    assert world.staff.default_menu_id == world.menu.id


def test_a_manager_editing_staff_cannot_grant_a_role_or_move_them(client, login, world, intruder):
    login(world.manager.username)
    url = f"/company/users/{world.staff.id}"
    data = {
        "username": world.staff.username,
        "name": "佐藤 花子",
        "employee_code": "0042",
        **forged(world, intruder),
        "shop_id": world.menu.shop_id,
    }
    response = post_form(client, url, url, data)
    assert response.status_code == 303
    assert_still_staff(world)
    assert world.staff.employee_code == "0042"


def test_a_manager_creating_staff_cannot_grant_a_role(client, login, world, intruder):
    login(world.manager.username)
    url = "/company/users/new"
    data = {"username": "new-staff", "name": "新人 一郎", "password": "とても長い合言葉です"}
    response = post_form(client, url, url, {**data, **forged(world, intruder)})
    assert response.status_code == 303
    user = db.session.scalar(sa.select(User).where(User.username == "new-staff"))
    assert (user.role, user.company_id) == (Role.STAFF, world.staff.company_id)


def post_only_rules(app):
    return sorted(
        (
            rule
            for rule in app.url_map.iter_rules()
            if "POST" in (rule.methods or set()) and "GET" not in (rule.methods or set())
        ),
        key=lambda rule: rule.endpoint,
    )


def test_every_state_change_refuses_get(app, client, login, world):
    adapter = app.url_map.bind("localhost")
    refused, failures = 0, []
    for rule in post_only_rules(app):
        user = world.user_for(rule.endpoint)
        assert user is not None, rule.endpoint
        login(user.username)
        url = _url(rule)
        try:
            endpoint, _ = adapter.match(url, method="GET")
        except MethodNotAllowed:
            status = client.get(url).status_code
            refused += 1
            if status != 405:
                failures.append(f"GET {url} ({rule.endpoint}): {status}, expected 405")
            continue
        # Another rule reads the same address (e.g. GET /orders/ is the order page).
        if endpoint == rule.endpoint:
            failures.append(f"GET {url} runs {rule.endpoint}")
    assert not failures, "\n".join(failures)
    assert refused >= 19  # the POST-only addresses no page shares (the app has 19)
