"""The monthly history with its total, the one-tap page and the お気に入り button."""

import re
from datetime import date

import pytest

from obento.extensions import db
from obento.filter_forms import MONTH_MESSAGE
from obento.models import Order, OrderAction, OrderStatus, ShopClosedDay
from tests.conftest import csrf_token
from tests.ordering.conftest import events_of, order_count, post_order


def test_history_lists_the_month_with_cancelled_orders_and_fees(client, login, world, make_order):
    make_order(world.staff, world.karaage, delivery_date=date(2026, 11, 2), quantity=2)
    make_order(
        world.staff,
        world.sake,
        delivery_date=date(2026, 11, 3),
        status=OrderStatus.CANCELLED,
        cancel_fee=300,
    )
    make_order(
        world.staff,
        world.sake,
        delivery_date=date(2026, 11, 4),
        status=OrderStatus.CANCELLED,
        cancel_fee=0,
    )
    make_order(world.staff, world.sake, delivery_date=date(2026, 12, 1))  # next month
    login(world.staff.username)
    page = client.get("/orders/history?month=2026-11")
    assert page.status_code == 200
    text = page.text
    assert "注文履歴 2026年11月" in text
    assert "2026年11月のお支払い合計: <strong>1,500円</strong>" in text  # 2 x 600 + 300 fee
    assert text.count("キャンセル済み") == 2 and "キャンセル済み（キャンセル料）" in text
    assert "2026年12月1日" not in text
    december = client.get("/orders/history?month=2026-12").text
    assert "2026年12月のお支払い合計: <strong>650円</strong>" in december


def test_history_defaults_to_this_month_and_links_the_neighbours(client, login, world):
    login(world.staff.username)
    text = client.get("/orders/history").text
    assert "注文履歴 2026年11月" in text
    assert "この月のご注文はありません。" in text
    assert "month=2026-10" in text and "month=2026-12" in text
    assert "month=2027-01" in client.get("/orders/history?month=2026-12").text


def test_history_shows_only_the_users_own_orders(client, login, world, make_user, make_order):
    make_order(make_user(company=world.company), world.sake, delivery_date=date(2026, 11, 5))
    login(world.staff.username)
    assert "2026年11月のお支払い合計: <strong>0円</strong>" in client.get("/orders/history").text


def test_history_of_another_month_names_it_and_keeps_it_in_the_field(
    client, login, world, make_order
):
    make_order(world.staff, world.sake, delivery_date=date(2026, 10, 30), quantity=2)
    login(world.staff.username)
    text = client.get("/orders/history?month=2026-10").text
    assert "注文履歴 2026年10月" in text
    assert "2026年10月のお支払い合計: <strong>1,300円</strong>" in text
    assert "今月" not in text
    assert 'name="month" type="month" value="2026-10"' in text
    assert "month=2026-09" in text and "month=2026-11" in text


@pytest.mark.parametrize(
    "month", ["2026-13", "2026-1", "abc", "2026-11-01", "99999-01", "0000-01", "1999-12", "2100-01"]
)
def test_history_with_a_bad_month_says_so_beside_the_field(client, login, world, month):
    login(world.staff.username)
    response = client.get("/orders/history", query_string={"month": month})
    assert response.status_code == 400
    text = response.text
    # Beside the input, which keeps the typed value for correcting.
    assert text.count(MONTH_MESSAGE) == 1
    assert re.search(rf'id="month-error" role="alert">\s*<p>{MONTH_MESSAGE}</p>', text)
    assert 'aria-describedby="month-error" aria-invalid="true" id="month" name="month"' in text
    assert f'type="month" value="{month}"' in text
    assert "お支払い合計" not in text and "前の月" not in text and "次の月" not in text


def test_history_offers_no_link_to_a_month_the_form_refuses(client, login, world):
    login(world.staff.username)
    last = client.get("/orders/history?month=2099-12").text
    assert "month=2099-11" in last and "次の月" not in last
    first = client.get("/orders/history?month=2000-01").text
    assert "month=2000-02" in first and "前の月" not in first


def tap(client, page, menu, **values):
    """Press 注文する on the one-tap page `page` (the next day offered: Wednesday 11-25)."""
    values = {"delivery_date": "2026-11-25", "menu_id": menu.id, "quantity": "1", **values}
    return post_order(client, page, url="/quick", **values)


def open_quick(client, login, world, clock, at: str = "2026-11-24 09:00"):
    """Make 唐揚げ弁当 the staff member's favourite and open the one-tap page at `at` (JST)."""
    world.staff.default_menu_id = world.karaage.id
    db.session.commit()
    clock.set_jst(at)
    login(world.staff.username)
    return client.get("/quick")


def test_quick_without_a_favourite_sends_the_user_to_choose_one(client, login, world):
    login(world.staff.username)
    response = client.get("/quick")
    assert response.status_code == 303
    assert response.headers["Location"] == "/orders/#favorite"
    page = client.get("/orders/")
    assert "ワンタップ注文にはお気に入りのメニューが必要です。" in page.text
    assert "お気に入りにする" in page.text


def test_choosing_a_favourite_then_one_tap_ordering(app, client, login, world):
    login(world.staff.username)
    page = client.get("/orders/")
    chosen = client.post(
        "/orders/favorite", data={"csrf_token": csrf_token(page), "menu_id": world.sake.id}
    )
    assert chosen.status_code == 303 and chosen.headers["Location"] == "/quick"
    db.session.refresh(world.staff)
    assert world.staff.default_menu_id == world.sake.id

    quick = client.get("/quick")
    assert quick.status_code == 200
    assert "2026年11月25日(水) お届け" in quick.text and "焼き鮭弁当" in quick.text
    assert "注文締切: 2026年11月24日(火) 14:00" in quick.text
    assert ">注文する</button>" in quick.text
    ordered = tap(client, quick, world.sake, form_token="quick-1")
    assert ordered.status_code == 303
    order = db.session.scalar(db.select(Order).where(Order.user_id == world.staff.id))
    assert ordered.headers["Location"] == f"/orders/{order.id}"
    assert (order.delivery_date, order.menu_id, order.quantity) == (
        date(2026, 11, 25),
        world.sake.id,
        1,
    )
    assert [event.action for event in events_of(order)] == [OrderAction.PLACED]
    assert "<h1>ご注文内容</h1>" in client.get(ordered.headers["Location"]).text

    again = client.get("/quick")  # the second tap of the day
    assert "2026年11月25日(水)分はご注文済みです" in again.text
    assert ">注文する</button>" not in again.text
    assert f'action="/orders/{order.id}/cancel"' in again.text
    assert order_count(user_id=world.staff.id) == 1


def test_quick_after_the_deadline_offers_the_next_day(client, login, world, clock):
    page = open_quick(client, login, world, clock, "2026-11-24 13:59:59")
    assert "2026年11月25日(水) お届け" in page.text
    clock.set_jst("2026-11-24 14:00:00")  # the button is pressed a second too late
    late = tap(client, page, world.karaage)
    assert late.status_code == 422
    assert late.text.count("締め切りました（注文締切: 2026年11月24日(火) 14:00）") == 1
    assert "2026年11月26日(木) お届け" in late.text
    assert order_count() == 0


def test_a_tap_refused_above_the_next_days_order_still_says_why(
    client, login, world, clock, make_order
):
    """The day shown was closed meanwhile and the next one is already ordered: the page then
    shows that order, and the reason the tap was refused above it (it used to be lost)."""
    make_order(world.staff, world.sake, delivery_date=date(2026, 11, 26))
    page = open_quick(client, login, world, clock)
    assert "2026年11月25日(水) お届け" in page.text
    db.session.add(ShopClosedDay(shop_id=world.shop.id, day=date(2026, 11, 25), reason=""))
    db.session.commit()
    refused = tap(client, page, world.karaage)
    assert refused.status_code == 422
    assert "2026年11月26日(木)分はご注文済みです" in refused.text
    assert "注文を受け付けられませんでした。" in refused.text
    assert refused.text.count("2026年11月25日(水)は店舗の休業日です。") == 1
    assert order_count() == 1


def test_quick_with_an_inactive_favourite_asks_for_a_new_one(client, login, world):
    world.staff.default_menu_id = world.inactive.id
    db.session.commit()
    login(world.staff.username)
    assert client.get("/quick").headers["Location"] == "/orders/#favorite"


def test_a_foreign_menu_cannot_become_the_favourite(client, login, world, make_menu):
    foreign = make_menu()
    login(world.staff.username)
    page = client.get("/orders/")
    response = client.post(
        "/orders/favorite", data={"csrf_token": csrf_token(page), "menu_id": foreign.id}
    )
    assert response.status_code == 422
    assert "選ばれたメニューは見つかりません。" in response.text
    db.session.refresh(world.staff)
    assert world.staff.default_menu_id is None


def test_quick_shows_the_orders_already_placed_beside_the_next_day(client, login, world, clock):
    page = open_quick(client, login, world, clock, "2026-11-24 13:00")
    assert "ご注文済み:" not in page.text
    tapped = tap(client, page, world.karaage, form_token="tap-1")
    assert tapped.status_code == 303
    [wednesday] = db.session.scalars(db.select(Order).where(Order.user_id == world.staff.id))

    again = client.get("/quick")  # the same day, before the deadline: that order, in full
    assert "2026年11月25日(水)分はご注文済みです" in again.text
    assert "ご注文済み:" not in again.text  # not listed a second time

    clock.set_jst("2026-11-24 14:30")  # Wednesday is closed; Thursday is offered
    later = client.get("/quick")
    assert later.status_code == 200
    assert "2026年11月26日(木) お届け" in later.text and ">注文する</button>" in later.text
    assert (
        f'ご注文済み: <a href="/orders/{wednesday.id}">2026年11月25日(水)</a> 唐揚げ弁当 1個'
        in later.text
    )
    assert order_count(user_id=world.staff.id) == 1


def test_quick_lists_every_upcoming_order_but_not_cancelled_ones(
    client, login, world, make_order, clock
):
    make_order(world.staff, world.sake, delivery_date=date(2026, 11, 26), quantity=2)
    make_order(world.staff, world.karaage, delivery_date=date(2026, 11, 27))
    make_order(
        world.staff, world.sake, delivery_date=date(2026, 11, 30), status=OrderStatus.CANCELLED
    )
    text = open_quick(client, login, world, clock).text
    assert "2026年11月25日(水) お届け" in text  # the next orderable day is still offered
    assert "2026年11月26日(木)</a> 焼き鮭弁当 2個" in text
    assert "2026年11月27日(金)</a> 唐揚げ弁当 1個" in text
    assert "2026年11月30日(月)" not in text
