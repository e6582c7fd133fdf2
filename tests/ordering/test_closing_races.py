"""Order writes meeting the closing of their day (services.closures), made deterministic with
post_during: whichever comes second waits for the other's lock and then sees what it committed,
so no order is left live on a closed day, none is cancelled twice, and nobody gets a 500."""

from datetime import date

import pytest
import sqlalchemy as sa

from obento.extensions import db
from obento.models import (
    Holiday,
    Order,
    OrderAction,
    OrderEvent,
    OrderStatus,
    Role,
    Shop,
    ShopClosedDay,
)
from tests.conftest import csrf_token, post_during
from tests.ordering.conftest import events_of, order_count, order_data

pytestmark = pytest.mark.real_commits

DAY = date(2026, 11, 26)  # a Thursday, orderable and free to change until Wednesday 14:00
REASON = "まごころ弁当の休業日（臨時休業）"


def closing(shop, day: date = DAY, holiday: bool = False):
    """The other transaction: a closing of `day` as services.closures runs it, uncommitted."""

    def close(other) -> None:
        other.execute(sa.text("LOCK TABLE orders IN EXCLUSIVE MODE"))
        if holiday:
            other.execute(sa.insert(Holiday).values(day=day, name="臨時休業"))
        else:
            other.execute(sa.insert(ShopClosedDay).values(shop_id=shop.id, day=day, reason=""))
        cancelled = other.scalars(
            sa.update(Order)
            .where(Order.shop_id == shop.id, Order.delivery_date == day, Order.status == "ordered")
            .values(status=OrderStatus.CANCELLED, cancel_fee=0)
            .returning(Order.id)
        ).all()
        for order_id in cancelled:
            other.execute(
                sa.insert(OrderEvent).values(
                    order_id=order_id,
                    action=OrderAction.CANCELLED,
                    detail={"cancel_fee": 0, "reason": REASON},
                )
            )

    return close


def _change(client, world, order) -> tuple[str, dict]:
    page = client.get(f"/orders/{order.id}")
    return f"/orders/{order.id}", {
        "csrf_token": csrf_token(page),
        "menu_id": world.sake.id,
        "quantity": "3",
    }


def _cancel(client, world, order) -> tuple[str, dict]:
    page = client.get(f"/orders/{order.id}")
    return f"/orders/{order.id}/cancel", {"csrf_token": csrf_token(page)}


@pytest.mark.parametrize("request_for", [_change, _cancel], ids=["change", "cancel"])
def test_a_change_or_cancel_meeting_the_closing_is_refused(
    app, client, login, world, make_order, request_for
):
    order = make_order(world.staff, world.karaage, DAY)
    login(world.staff.username)
    url, data = request_for(client, world, order)
    response = post_during(app, client, url, data, closing(world.shop))
    assert response.status_code == 409
    assert "このご注文はすでにキャンセルされています。" in response.text
    assert f"{REASON}のため、キャンセル料なしでキャンセルされました。" in response.text
    db.session.refresh(order)
    assert (order.status, order.cancel_fee, order.menu_id, order.quantity) == (
        OrderStatus.CANCELLED,
        0,
        world.karaage.id,
        1,
    )
    assert [event.action for event in events_of(order)] == [OrderAction.CANCELLED]


def test_the_shops_check_meeting_the_closing_leaves_the_cancelled_orders(
    app, client, login, world, make_order, make_user
):
    order = make_order(world.staff, world.karaage, DAY)
    login(make_user(role=Role.SHOP, shop=world.shop).username)
    page = client.get("/shop/orders?date=2026-11-26")
    data = {"csrf_token": csrf_token(page), "order_id": str(order.id), "checked": "1"}
    response = post_during(app, client, "/shop/orders/check", data, closing(world.shop))
    assert response.status_code == 303
    shown = client.get(response.headers["Location"]).text
    assert "0件の注文を確認済みにしました。（キャンセル済みの1件は対象外です）" in shown
    db.session.refresh(order)
    assert (order.status, order.checked) == (OrderStatus.CANCELLED, False)
    assert [event.action for event in events_of(order)] == [OrderAction.CANCELLED]


@pytest.mark.parametrize("where", ["on-behalf", "quick"])
def test_a_placement_on_behalf_or_by_one_tap_meeting_the_closing_is_refused(
    app, client, login, world, make_user, where
):
    if where == "on-behalf":
        login(make_user(role=Role.MANAGER, company=world.company).username)
        url = f"/company/on-behalf/{world.staff.id}"
    else:
        world.staff.default_menu_id = world.karaage.id
        db.session.commit()
        login(world.staff.username)
        url = "/quick"
    form = order_data(
        client.get(url), delivery_date="2026-11-26", menu_id=world.karaage.id, quantity="1"
    )
    response = post_during(app, client, url, form, closing(world.shop))
    assert response.status_code == 409
    assert "2026年11月26日(木)は店舗の休業日です。" in response.text
    assert order_count() == 0


def test_a_closing_waits_for_a_change_and_cancels_the_changed_order(
    app, client, login, world, make_order, make_user
):
    """No lost update: the change commits first, and the closing cancels what it left."""
    order = make_order(world.staff, world.karaage, DAY)
    login(make_user(role=Role.SHOP, shop=world.shop).username)
    form = {
        "day": "2026-11-26",
        "reason": "臨時休業",
        "cancel_orders": "y",
        "csrf_token": csrf_token(client.get("/shop/calendar")),
    }

    def change(other) -> None:
        other.execute(sa.select(Order.id).where(Order.id == order.id).with_for_update())
        other.execute(
            sa.update(Order).where(Order.id == order.id).values(quantity=3, menu_id=world.sake.id)
        )

    response = post_during(app, client, "/shop/calendar", form, change)
    assert response.status_code == 303
    db.session.refresh(order)
    assert (order.status, order.cancel_fee, order.quantity) == (OrderStatus.CANCELLED, 0, 3)
    (event,) = events_of(order)
    assert event.detail == {"cancel_fee": 0, "reason": REASON}


@pytest.mark.parametrize(
    ("url", "form", "holiday", "message"),
    [
        (
            "/shop/calendar",
            {"day": "2026-11-26", "reason": "臨時休業"},
            False,
            "この日はすでに休業日に登録されています。",
        ),
        (
            "/admin/holidays",
            {"day": "2026-11-26", "name": "臨時休業"},
            True,
            "この日はすでに登録されています。",
        ),
    ],
    ids=["closed-day", "holiday"],
)
def test_a_double_submitted_closing_finds_the_day_closed(
    app, client, login, world, make_order, make_user, url, form, holiday, message
):
    """The second submission of a double click waits for the first one's lock; it is then
    told beside the date that the day is closed, not shown the constraint's error page."""
    order = make_order(world.staff, world.karaage, DAY)
    role = {"role": Role.ADMIN} if holiday else {"role": Role.SHOP, "shop": world.shop}
    login(make_user(**role).username)
    data = {**form, "cancel_orders": "y", "csrf_token": csrf_token(client.get(url))}
    response = post_during(app, client, url, data, closing(world.shop, holiday=holiday))
    assert response.status_code == 422
    assert 'id="day-error"' in response.text and message in response.text
    assert "同時に送信された" not in response.text
    assert db.session.scalar(sa.select(sa.func.count(ShopClosedDay.id))) == int(not holiday)
    assert db.session.scalar(sa.select(sa.func.count(Holiday.id))) == int(holiday)
    db.session.refresh(order)
    assert order.status == OrderStatus.CANCELLED and len(events_of(order)) == 1


# A shop that stops opening on holidays meeting a holiday being added ----------------------
#
# Each reads what the other writes: the holiday's check counts the orders of the shops that
# close on holidays, and the settings' notice names the holidays that now close the shop.
# Unserialised, each could read before the other committed: the day closed for the shop, its
# orders still live, and neither asking nor telling anyone.

HOLIDAY_OFF = {
    "order_deadline_days_before": "1",
    "order_deadline_time": "14:00",
    "cancel_deadline_time": "10:30",
    "cancel_fee": "300",
    "open_weekdays": ["0", "1", "2", "3", "4"],
    "max_days_ahead": "14",
}  # "opens_on_holidays" left out: the box unticked


def test_switching_off_holidays_waits_for_a_holiday_being_added_and_names_its_orders(
    app, client, login, world, make_order, make_user
):
    world.shop.opens_on_holidays = True
    db.session.commit()
    order = make_order(world.staff, world.karaage, DAY)
    login(make_user(role=Role.SHOP, shop=world.shop).username)
    data = {**HOLIDAY_OFF, "csrf_token": csrf_token(client.get("/shop/settings"))}

    def add_holiday(other) -> None:
        """services.holidays.add_holiday, uncommitted: the shop still opened on holidays
        when it looked, so none of its orders were counted or cancelled."""
        other.execute(sa.text("LOCK TABLE orders IN EXCLUSIVE MODE"))
        other.execute(sa.insert(Holiday).values(day=DAY, name="創立記念日"))

    response = post_during(app, client, "/shop/settings", data, add_holiday)
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).text
    assert "店舗の設定を保存しました。" in page
    assert "お休みになった日にご注文が残っています（2026年11月26日(木) 1件）。" in page
    db.session.refresh(world.shop)
    db.session.refresh(order)
    assert world.shop.opens_on_holidays is False
    assert (order.status, events_of(order)) == (OrderStatus.ORDERED, [])


def _switch_off_holidays(shop):
    """The other transaction: services.shops.update_shop_rules switching off
    「祝日も営業する」, uncommitted."""

    def switch_off(other) -> None:
        other.execute(sa.text("LOCK TABLE orders IN EXCLUSIVE MODE"))
        other.execute(sa.update(Shop).where(Shop.id == shop.id).values(opens_on_holidays=False))

    return switch_off


def _holiday_during_switch_off(app, client, login, world, make_order, make_user, form):
    world.shop.opens_on_holidays = True
    db.session.commit()
    order = make_order(world.staff, world.karaage, DAY)
    login(make_user(role=Role.ADMIN).username)
    data = {"day": "2026-11-26", "name": "創立記念日", **form}
    data["csrf_token"] = csrf_token(client.get("/admin/holidays"))
    response = post_during(app, client, "/admin/holidays", data, _switch_off_holidays(world.shop))
    db.session.refresh(order)
    return response, order


def test_a_holiday_added_while_a_shop_switches_off_holidays_asks_about_its_orders(
    app, client, login, world, make_order, make_user
):
    """The holiday waited for the switch: the shop's order needs the confirmation."""
    response, order = _holiday_during_switch_off(
        app, client, login, world, make_order, make_user, {}
    )
    assert response.status_code == 409
    assert "この日にはすでにご注文が1件あります（さくら商事 1件）。" in response.text
    assert db.session.scalar(sa.select(sa.func.count(Holiday.id))) == 0
    assert (order.status, events_of(order)) == (OrderStatus.ORDERED, [])


def test_a_confirmed_holiday_added_while_a_shop_switches_off_holidays_cancels_its_orders(
    app, client, login, world, make_order, make_user
):
    response, order = _holiday_during_switch_off(
        app, client, login, world, make_order, make_user, {"cancel_orders": "y"}
    )
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).text
    assert "この日のご注文1件をキャンセルしました（さくら商事 1件）。" in page
    assert db.session.scalar(sa.select(sa.func.count(Holiday.id))) == 1
    assert (order.status, order.cancel_fee) == (OrderStatus.CANCELLED, 0)
    assert [event.detail for event in events_of(order)] == [
        {"cancel_fee": 0, "reason": "休日（創立記念日）"}
    ]
