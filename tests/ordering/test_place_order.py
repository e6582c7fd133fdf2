"""Placing an order through the real form: the page, the row, the event, the log line."""

from datetime import date

import pytest
import sqlalchemy as sa

from obento.extensions import db
from obento.models import Menu, Order, OrderAction, OrderStatus, ShopClosedDay
from tests.conftest import csrf_token, post_during
from tests.ordering.conftest import events_of, order_count, order_data, order_log, post_order


def test_order_page_lists_days_menus_prices_allergens_and_deadlines(client, login, world):
    world.staff.default_menu_id = world.sake.id
    db.session.commit()
    login(world.staff.username)
    page = client.get("/orders/")
    assert page.status_code == 200
    text = page.text
    assert "2026年11月25日(水) お届け" in text
    assert "注文締切: 2026年11月24日(火) 14:00" in text
    assert "2026年12月3日(木) お届け" in text  # seven days are offered
    assert "2026年12月4日(金)" not in text
    assert "2026年11月28日(土)" not in text
    assert "唐揚げ弁当" in text and "600円" in text and "アレルゲン: 小麦,卵" in text
    assert "販売終了弁当" not in text
    assert "★お気に入り" in text
    assert f'id="menu-2026-11-25-{world.sake.id}" value="{world.sake.id}" checked' in text
    assert f'value="{world.karaage.id}" checked' not in text


def test_without_a_favourite_no_menu_is_preselected(client, login, world):
    """One tap on 「…分を注文する」 must not order a lunch the user never picked."""
    login(world.staff.username)
    text = client.get("/orders/").text
    assert f'id="menu-2026-11-25-{world.karaage.id}" value="{world.karaage.id}">' in text
    assert 'name="menu_id"' in text and "checked" not in text


def test_the_only_menu_of_a_day_is_preselected(client, login, world):
    world.sake.active = False
    db.session.commit()
    login(world.staff.username)
    text = client.get("/orders/").text
    assert f'id="menu-2026-11-25-{world.karaage.id}" value="{world.karaage.id}" checked' in text


def test_placing_an_order_writes_row_event_and_log_line(app, client, login, world):
    login(world.staff.username)
    page = client.get("/orders/")
    response = post_order(
        client, page, delivery_date="2026-11-26", menu_id=world.karaage.id, quantity=2
    )
    assert response.status_code == 303
    order = db.session.scalar(db.select(Order).where(Order.user_id == world.staff.id))
    assert response.headers["Location"] == f"/orders/{order.id}"
    assert (order.delivery_date, order.menu_id, order.quantity) == (
        date(2026, 11, 26),
        world.karaage.id,
        2,
    )
    assert (order.unit_price, order.shop_id, order.company_id) == (
        600,
        world.shop.id,
        world.company.id,
    )
    assert order.status == OrderStatus.ORDERED and order.placed_by_id is None
    [event] = events_of(order)
    assert event.action == OrderAction.PLACED and event.actor_id == world.staff.id
    assert event.detail["delivery_date"] == "2026-11-26"
    assert f"ORDER 注文完了 order_id={order.id} company={world.company.id}" in order_log(app)

    confirmation = client.get(response.headers["Location"])
    text = confirmation.text
    assert "<h1>ご注文内容</h1>" in text
    assert "2026年11月26日(木)" in text and "唐揚げ弁当" in text
    assert "600円" in text and "2個" in text and "1,200円" in text
    assert "2026年11月25日(水) 14:00" in text  # change deadline
    assert "2026年11月26日(木) 10:30" in text  # cancel deadline


def test_the_price_is_a_snapshot(client, login, world):
    login(world.staff.username)
    page = client.get("/orders/")
    post_order(client, page, delivery_date="2026-11-26", menu_id=world.sake.id, quantity=1)
    world.sake.price = 800
    db.session.commit()
    order = db.session.scalar(db.select(Order).where(Order.user_id == world.staff.id))
    assert order.unit_price == 650
    assert "650円" in client.get(f"/orders/{order.id}").text


def test_a_second_order_for_the_same_day_shows_the_first(client, login, world):
    login(world.staff.username)
    page = client.get("/orders/")
    first = post_order(
        client, page, delivery_date="2026-11-26", menu_id=world.karaage.id, quantity=1
    )
    page = client.get("/orders/")
    assert "ご注文済み" in page.text
    second = post_order(client, page, delivery_date="2026-11-26", menu_id=world.sake.id, quantity=3)
    assert second.status_code == 303
    assert second.headers["Location"] == first.headers["Location"]
    assert order_count(user_id=world.staff.id) == 1
    shown = client.get(second.headers["Location"]).text
    assert "2026年11月26日(木)のお届け分はすでにご注文済みです。" in shown
    assert "この内容に変更する" in shown


def test_resubmitting_the_same_form_after_cancelling_creates_nothing(client, login, world):
    login(world.staff.username)
    page = client.get("/orders/")
    data = order_data(
        page, delivery_date="2026-11-26", menu_id=world.karaage.id, quantity=1, form_token="tok-123"
    )
    first = client.post("/orders/", data=data)
    shown = client.get(first.headers["Location"])
    client.post(first.headers["Location"] + "/cancel", data={"csrf_token": csrf_token(shown)})
    again = client.post("/orders/", data=data)  # the back button and 注文する once more
    assert again.status_code == 303
    assert again.headers["Location"] == first.headers["Location"]
    assert order_count(user_id=world.staff.id) == 1
    text = client.get(again.headers["Location"]).text
    assert (
        "このご注文はすでに承っています。同じ注文が重ねて送信されたため、1件だけ受け付けました。"
    ) in text
    assert "キャンセル済みのご注文" in text


def test_a_fresh_form_may_order_again_after_a_cancel(client, login, world):
    login(world.staff.username)
    page = client.get("/orders/")
    first = post_order(
        client, page, delivery_date="2026-11-26", menu_id=world.karaage.id, quantity=1
    )
    shown = client.get(first.headers["Location"])
    client.post(first.headers["Location"] + "/cancel", data={"csrf_token": csrf_token(shown)})
    page = client.get("/orders/")
    again = post_order(client, page, delivery_date="2026-11-26", menu_id=world.sake.id, quantity=1)
    assert again.status_code == 303 and again.headers["Location"] != first.headers["Location"]
    assert order_count(user_id=world.staff.id) == 2
    assert order_count(user_id=world.staff.id, status=OrderStatus.ORDERED) == 1


def test_a_manager_orders_for_themself_on_the_order_page(client, login, world, make_user):
    manager = make_user(role="manager", company=world.company)
    login(manager.username)
    page = client.get("/orders/")
    response = post_order(
        client, page, delivery_date="2026-11-25", menu_id=world.sake.id, quantity=1
    )
    assert response.status_code == 303
    assert order_count(user_id=manager.id) == 1


@pytest.mark.parametrize("role", ["shop", "admin"])
def test_shops_and_admins_cannot_order(client, login, world, make_user, role):
    login(make_user(role=role).username)
    assert client.get("/orders/").status_code == 403
    assert client.get("/quick").status_code == 403
    assert client.get("/orders/history").status_code == 403


def test_anonymous_users_are_sent_to_login(client, world):
    response = client.get("/orders/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_closed_days_and_holidays_are_not_offered(client, login, world, clock):
    db.session.add(ShopClosedDay(shop_id=world.shop.id, day=date(2026, 11, 26), reason="設備点検"))
    db.session.commit()
    login(world.staff.username)
    text = client.get("/orders/").text
    assert "2026年11月26日(木) お届け" not in text
    assert "2026年11月27日(金) お届け" in text


@pytest.mark.real_commits
def test_a_menu_deleted_while_it_is_ordered_is_a_409(app, client, login, world):
    """The admin deletes a menu nobody has ordered yet at the moment it is first ordered: the
    order's checks still saw the menu, its foreign key then finds it gone."""
    login(world.staff.username)
    form = order_data(
        client.get("/orders/"), delivery_date="2026-11-25", menu_id=world.sake.id, quantity="1"
    )
    delete = sa.delete(Menu).where(Menu.id == world.sake.id)
    response = post_during(app, client, "/orders/", form, lambda other: other.execute(delete))
    assert response.status_code == 409
    assert "ほかの操作で変更されたため、処理できませんでした。" in response.text
    assert order_count() == 0
    assert db.session.scalar(sa.select(Menu.id).where(Menu.id == world.sake.id)) is None
