"""A manager orders and cancels for an employee of their own company, recorded as such."""

from datetime import date

import pytest

from obento.extensions import db
from obento.models import Order, OrderAction, OrderStatus, Role
from tests.conftest import csrf_token
from tests.ordering.conftest import events_of, order_count, order_log, post_order


@pytest.fixture
def manager(world, make_user):
    return make_user(role=Role.MANAGER, company=world.company, name="鈴木 部長")


def test_picker_lists_only_the_managers_company(client, login, world, manager, make_user):
    outsider = make_user(name="他社 太郎")
    login(manager.username)
    page = client.get("/company/on-behalf")
    assert page.status_code == 200
    assert "佐藤 花子" in page.text and f"/company/on-behalf/{world.staff.id}" in page.text
    assert "他社 太郎" not in page.text
    assert client.get(f"/company/on-behalf/{outsider.id}").status_code == 404


def test_manager_orders_for_an_employee(app, client, login, world, manager):
    login(manager.username)
    page = client.get(f"/company/on-behalf/{world.staff.id}")
    assert "佐藤 花子さんの代理注文" in page.text
    response = post_order(
        client,
        page,
        url=f"/company/on-behalf/{world.staff.id}",
        delivery_date="2026-11-26",
        menu_id=world.sake.id,
        quantity=2,
    )
    assert response.status_code == 303
    assert response.headers["Location"] == f"/company/on-behalf/{world.staff.id}"
    order = db.session.scalar(db.select(Order).where(Order.user_id == world.staff.id))
    assert order.placed_by_id == manager.id and order.company_id == world.company.id
    [event] = events_of(order)
    assert event.action == OrderAction.PLACED and event.actor_id == manager.id
    assert event.detail["on_behalf_of"] == world.staff.id
    assert f"order_id={order.id} company={world.company.id} user={world.staff.id}" in order_log(app)
    assert f"actor={manager.id}" in order_log(app)
    shown = client.get(response.headers["Location"]).text
    assert "佐藤 花子さんのご注文（2026年11月26日(木)・焼き鮭弁当 2個）を承りました。" in shown
    assert "代理注文: 鈴木 部長" in shown
    assert order_count(user_id=manager.id) == 0


def test_the_employee_sees_who_ordered_for_them(client, login, world, manager, make_order):
    order = make_order(world.staff, world.karaage, delivery_date=date(2026, 11, 26))
    order.placed_by_id = manager.id
    db.session.commit()
    login(world.staff.username)
    assert "鈴木 部長さんが代理で注文" in client.get(f"/orders/{order.id}").text


def test_manager_cancels_for_an_employee_with_the_fee_when_late(
    client, login, world, manager, make_order, clock
):
    order = make_order(world.staff, world.karaage, delivery_date=date(2026, 11, 26))
    clock.set_jst("2026-11-26 08:00")
    login(manager.username)
    page = client.get(f"/company/on-behalf/{world.staff.id}")
    assert "今キャンセルすると、キャンセル料300円がかかります。" in page.text
    response = client.post(
        f"/company/on-behalf/orders/{order.id}/cancel", data={"csrf_token": csrf_token(page)}
    )
    assert response.status_code == 303
    db.session.refresh(order)
    assert order.status == OrderStatus.CANCELLED and order.cancel_fee == 300
    [event] = events_of(order)
    assert event.action == OrderAction.CANCELLED and event.actor_id == manager.id
    assert "佐藤 花子さんのご注文をキャンセルしました。キャンセル料300円がかかります。" in (
        client.get(response.headers["Location"]).text
    )


def test_manager_cannot_cancel_after_the_cancel_deadline(
    client, login, world, manager, make_order, clock
):
    order = make_order(world.staff, world.karaage, delivery_date=date(2026, 11, 26))
    clock.set_jst("2026-11-26 10:30")
    login(manager.username)
    page = client.get(f"/company/on-behalf/{world.staff.id}")
    response = client.post(
        f"/company/on-behalf/orders/{order.id}/cancel", data={"csrf_token": csrf_token(page)}
    )
    assert response.status_code == 409
    assert "キャンセル締切（2026年11月26日(木) 10:30）を過ぎているため" in response.text
    db.session.refresh(order)
    assert order.status == OrderStatus.ORDERED and events_of(order) == []


def test_manager_cannot_touch_another_companys_orders(
    client, login, world, manager, make_user, make_order, make_menu
):
    outsider = make_user()
    foreign_order = make_order(outsider, delivery_date=date(2026, 11, 26))
    login(manager.username)
    page = client.get("/company/on-behalf")
    token = csrf_token(page)
    cancel = client.post(
        f"/company/on-behalf/orders/{foreign_order.id}/cancel", data={"csrf_token": token}
    )
    place = client.post(
        f"/company/on-behalf/{outsider.id}",
        data={
            "csrf_token": token,
            "delivery_date": "2026-11-26",
            "menu_id": world.sake.id,
            "quantity": 1,
        },
    )
    assert cancel.status_code == place.status_code == 404
    db.session.refresh(foreign_order)
    assert foreign_order.status == OrderStatus.ORDERED
    assert order_count(user_id=outsider.id) == 1


def test_manager_order_with_bad_input_writes_nothing(client, login, world, manager):
    login(manager.username)
    page = client.get(f"/company/on-behalf/{world.staff.id}")
    response = post_order(
        client,
        page,
        url=f"/company/on-behalf/{world.staff.id}",
        delivery_date="2026-11-26",
        menu_id=world.sake.id,
        quantity="11",
    )
    assert response.status_code == 422
    assert "数量は1〜10個の中から選んでください。" in response.text
    assert order_count() == 0


def test_staff_cannot_use_the_on_behalf_pages(client, login, world, manager):
    login(world.staff.username)
    assert client.get("/company/on-behalf").status_code == 403
    assert client.get(f"/company/on-behalf/{manager.id}").status_code == 403
