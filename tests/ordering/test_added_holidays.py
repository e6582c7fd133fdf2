"""Days off the administrator adds (`holidays`) close the shops that close on holidays."""

from datetime import date

import pytest

from obento.calendar import ShopRules, closed_reason, holiday_name
from obento.extensions import db
from obento.models import Holiday
from tests.ordering.conftest import order_count, post_order


@pytest.fixture
def day_off(world):
    """Thursday 2026-11-26 declared a day off (the clock: Tuesday 11-24 09:00)."""
    db.session.add(Holiday(day=date(2026, 11, 26), name="創立記念休業"))
    db.session.commit()


def test_the_order_page_skips_an_added_holiday(client, login, world, day_off):
    login(world.staff.username)
    text = client.get("/orders/").text
    assert "2026年11月25日(水) お届け" in text
    assert "2026年11月26日(木) お届け" not in text
    assert "2026年11月27日(金) お届け" in text


def test_an_order_for_an_added_holiday_is_refused(client, login, world, day_off):
    login(world.staff.username)
    page = client.get("/orders/")
    response = post_order(
        client, page, delivery_date="2026-11-26", menu_id=world.karaage.id, quantity=1
    )
    assert response.status_code == 422
    assert "2026年11月26日(木)は祝日（創立記念休業）のためお休みです。" in response.text
    assert order_count() == 0


def test_a_shop_open_on_holidays_still_delivers(client, login, world, day_off):
    world.shop.opens_on_holidays = True
    db.session.commit()
    login(world.staff.username)
    page = client.get("/orders/")
    assert "2026年11月26日(木) お届け" in page.text
    response = post_order(
        client, page, delivery_date="2026-11-26", menu_id=world.karaage.id, quantity=1
    )
    assert response.status_code == 303
    assert order_count() == 1


def test_the_one_tap_page_offers_the_next_day_that_is_not_off(client, login, clock, world, day_off):
    world.staff.default_menu_id = world.karaage.id
    db.session.commit()
    clock.set_jst("2026-11-24 15:00")  # Wednesday is closed for orders: Thursday would be next
    login(world.staff.username)
    text = client.get("/quick").text
    assert "2026年11月26日(木) お届け" not in text
    assert "2026年11月27日(金) お届け" in text


def test_the_shop_calendar_shows_an_added_holiday(client, login, make_user, world, day_off):
    login(make_user(role="shop", shop=world.shop).username)
    text = client.get("/shop/calendar?month=2026-11").text
    assert "創立記念休業" in text


def test_the_rules_treat_an_added_holiday_like_a_national_one():
    added = {date(2026, 12, 29): "年末年始休業"}
    closes, opens = ShopRules(), ShopRules(opens_on_holidays=True)
    assert closed_reason(closes, date(2026, 12, 29), holidays=added) == (
        "祝日（年末年始休業）のためお休みです。"
    )
    assert closed_reason(opens, date(2026, 12, 29), holidays=added) is None
    assert closed_reason(closes, date(2026, 12, 30), holidays=added) is None
    assert holiday_name(date(2027, 1, 1), added) == "元日"
