"""Closing a day whose lunches may already be made or delivered (services.closures).

A day before today (JST) cannot be closed at all. Today's orders past their cancel deadline
are cancelled only with a second confirmation, asked for with a warning that says how many
orders it concerns. Edges: the cancel deadline (the shop's own time, exclusive) and midnight
JST; the suite runs with TZ=America/New_York.
"""

from datetime import date, time

import pytest
import sqlalchemy as sa

from obento.extensions import db
from obento.models import Holiday, Order, OrderStatus, Role, ShopClosedDay
from tests.ordering.conftest import events_of

DAY = date(2026, 12, 3)  # a Thursday
CONFIRM = "この日のご注文をキャンセル料なしでキャンセルする"
LATE_CONFIRM = "キャンセル締切を過ぎたご注文もキャンセルする（お弁当はお届けしません）"
LATE_BOX = 'name="cancel_late_orders" type="checkbox" value="y"'
BOTH = {"cancel_orders": "y", "cancel_late_orders": "y"}


@pytest.fixture
def day_orders(world, make_company, make_user, make_order):
    """Two orders at さくら商事 and one at あおば建設 on DAY, at まごころ弁当 (cancel
    deadline 14:00, so that its edges are 13:59:59 and 14:00:00)."""
    world.shop.cancel_deadline_time = time(14, 0)
    db.session.commit()
    aoba = make_company(shops=[world.shop], name="あおば建設")
    return [
        make_order(world.staff, world.karaage, DAY),
        make_order(make_user(company=world.company), world.sake, DAY),
        make_order(make_user(company=aoba), world.karaage, DAY),
    ]


def _as_shop(world, login, make_user) -> tuple[str, dict]:
    login(make_user(role=Role.SHOP, shop=world.shop).username)
    return "/shop/calendar", {"day": "2026-12-03", "reason": "臨時休業"}


def _as_admin(world, login, make_user) -> tuple[str, dict]:
    login(make_user(role=Role.ADMIN).username)
    return "/admin/holidays", {"day": "2026-12-03", "name": "臨時休業"}


CLOSERS = pytest.mark.parametrize("closer", [_as_shop, _as_admin], ids=["shop", "holiday"])


def _nothing_written(orders: list[Order]) -> None:
    assert db.session.scalar(sa.select(sa.func.count(ShopClosedDay.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(Holiday.id))) == 0
    for order in orders:
        db.session.refresh(order)
        assert (order.status, order.cancel_fee, events_of(order)) == (OrderStatus.ORDERED, 0, [])


def _cancelled(orders: list[Order]) -> bool:
    for order in orders:
        db.session.refresh(order)
    return all(order.status == OrderStatus.CANCELLED for order in orders)


@CLOSERS
@pytest.mark.parametrize("now", ["2026-12-04 00:00:00", "2026-12-05 09:00"])
def test_a_day_before_today_is_refused_beside_the_date_and_nothing_is_written(
    client, world, day_orders, login, make_user, submit, clock, closer, now
):
    clock.set_jst(now)  # 00:00:00 JST: 12-03 is yesterday
    url, form = closer(world, login, make_user)
    response = submit(url, {**form, **BOTH})
    assert response.status_code == 422
    assert 'id="day-error"' in response.text
    assert "過ぎた日は" in response.text and "今日以降の日付を選んでください。" in response.text
    _nothing_written(day_orders)


@CLOSERS
def test_at_2359_the_day_is_today_and_its_late_orders_need_the_second_confirmation(
    client, world, day_orders, login, make_user, submit, clock, closer
):
    clock.set_jst("2026-12-03 23:59")
    url, form = closer(world, login, make_user)
    refused = submit(url, {**form, "cancel_orders": "y"})
    assert refused.status_code == 409
    assert "このうち3件は、キャンセル締切（まごころ弁当 14:00）を過ぎています。" in refused.text
    _nothing_written(day_orders)

    response = submit(url, {**form, **BOTH})
    assert response.status_code == 303
    assert "この日のご注文3件をキャンセルしました" in client.get(response.headers["Location"]).text
    assert _cancelled(day_orders)


@CLOSERS
def test_before_the_cancel_deadline_one_confirmation_is_enough(
    client, world, day_orders, login, make_user, submit, clock, closer
):
    clock.set_jst("2026-12-03 13:59:59")
    url, form = closer(world, login, make_user)
    assert LATE_BOX not in client.get(url).text  # the second box only once it is needed
    response = submit(url, {**form, "cancel_orders": "y"})
    assert response.status_code == 303
    assert _cancelled(day_orders)


@CLOSERS
@pytest.mark.parametrize(
    "ticked",
    [{}, {"cancel_orders": "y"}, {"cancel_late_orders": "y"}],
    ids=["none", "first", "late"],
)
def test_at_the_cancel_deadline_the_closing_warns_and_asks_for_both_boxes(
    client, world, day_orders, login, make_user, submit, clock, closer, ticked
):
    clock.set_jst("2026-12-03 14:00:00")
    url, form = closer(world, login, make_user)
    response = submit(url, {**form, **ticked})
    assert response.status_code == 409
    closed = "休業日" if url == "/shop/calendar" else "休日"
    assert (
        "この日にはすでにご注文が3件あります（あおば建設 1件、さくら商事 2件）。"
        "このうち3件は、キャンセル締切（まごころ弁当 14:00）を過ぎています。"
        "お弁当はすでに作られているか、お届け済みかもしれません。"
        f"お届けしないことを確かめたうえで{closed}にするには、「{CONFIRM}」と"
        f"「{LATE_CONFIRM}」の両方にチェックを入れてください。"
    ) in response.text
    assert 'id="cancel_late_orders-error"' in response.text  # beside the second box
    assert LATE_BOX in response.text and LATE_CONFIRM in response.text
    _nothing_written(day_orders)


def test_a_holiday_today_counts_only_the_orders_past_their_own_shops_deadline(
    client, world, day_orders, login, make_user, make_shop, make_menu, make_order, submit, clock
):
    """Shops keep their own cancel deadlines: at 14:30 まごころ弁当's (14:00) has passed,
    キッチン花's (15:00) not yet; both close, so both shops' orders are cancelled."""
    hana = make_shop(name="キッチン花", cancel_deadline_time=time(15, 0))
    world.company.shops.append(hana)
    db.session.commit()
    hana_order = make_order(make_user(company=world.company), make_menu(hana), DAY)
    clock.set_jst("2026-12-03 14:30")
    url, form = _as_admin(world, login, make_user)
    refused = submit(url, {**form, "cancel_orders": "y"})
    assert refused.status_code == 409
    assert "この日にはすでにご注文が4件あります（あおば建設 1件、さくら商事 3件）。" in refused.text
    assert "このうち3件は、キャンセル締切（まごころ弁当 14:00）を過ぎています。" in refused.text
    _nothing_written([*day_orders, hana_order])

    assert submit(url, {**form, **BOTH}).status_code == 303
    assert _cancelled([*day_orders, hana_order])


def test_tomorrow_after_the_order_deadline_needs_no_second_confirmation(
    client, world, day_orders, login, make_user, submit, clock
):
    """The day before, the lunches are not made yet: the usual confirmation is enough."""
    clock.set_jst("2026-12-02 16:00")
    url, form = _as_shop(world, login, make_user)
    refused = submit(url, form)
    assert refused.status_code == 409 and 'id="cancel_orders-error"' in refused.text
    assert "を過ぎています" not in refused.text and LATE_BOX not in refused.text
    assert submit(url, {**form, "cancel_orders": "y"}).status_code == 303
    assert _cancelled(day_orders)
