"""A shop user's own settings, calendar and menus, and what they may not touch."""

from datetime import date, time

import pytest
import sqlalchemy as sa

from obento.extensions import db
from obento.filter_forms import DATE_MESSAGE, MONTH_MESSAGE
from obento.models import Menu, Role, ShopClosedDay
from tests.admin.test_admin_shops import RULES
from tests.conftest import csrf_token, post_during


def _shop_user(login, make_user, make_shop):
    shop = make_shop()
    login(make_user(role=Role.SHOP, shop=shop).username)
    return shop


def test_shop_edits_its_own_rules(client, login, make_user, make_shop, submit):
    shop = _shop_user(login, make_user, make_shop)
    page = client.get("/shop/settings")
    assert page.status_code == 200 and shop.name in page.text
    response = submit("/shop/settings", {**RULES, "name": "改名はできない"})
    assert response.status_code == 303
    db.session.refresh(shop)
    assert shop.order_deadline_time == time(15, 30) and shop.cancel_fee == 250
    assert shop.name != "改名はできない"


def test_bad_settings_write_nothing(client, login, make_user, make_shop, submit):
    shop = _shop_user(login, make_user, make_shop)
    response = submit(
        "/shop/settings", {**RULES, "cancel_deadline_time": "", "cancel_fee": "9" * 40}
    )
    assert response.status_code == 422
    assert "時刻を入力してください。" in response.text
    assert "桁数が多すぎます。" in response.text
    db.session.refresh(shop)
    assert shop.cancel_fee == 300


def test_calendar_shows_open_days_holidays_and_closed_days(
    client, login, make_user, make_shop, submit
):
    _shop_user(login, make_user, make_shop)
    response = submit("/shop/calendar", {"day": "2026-11-27", "reason": "臨時休業"})
    assert response.status_code == 303
    page = client.get("/shop/calendar?month=2026-11")
    assert "2026年11月" in page.text
    assert "勤労感謝の日" in page.text and "祝日休業" in page.text
    assert "臨時休業" in page.text and "休業日" in page.text and "営業日" in page.text
    assert "定休日" in page.text  # Saturdays and Sundays of a Mon-Fri shop

    again = submit("/shop/calendar", {"day": "2026-11-27", "reason": ""})
    assert again.status_code == 422
    assert "この日はすでに休業日に登録されています。" in again.text
    bad = submit("/shop/calendar", {"day": "2026-02-31", "reason": ""})
    assert bad.status_code == 422
    assert DATE_MESSAGE in bad.text
    assert db.session.scalar(sa.select(sa.func.count(ShopClosedDay.id))) == 1


@pytest.mark.real_commits
def test_the_same_closed_day_sent_twice_at_once_is_a_409(app, client, login, make_user, make_shop):
    """The later of two simultaneous submissions passes the service's check (the earlier one
    has not committed yet), waits on the unique index, and then meets the earlier row."""
    shop = _shop_user(login, make_user, make_shop)
    form = {"day": "2026-11-27", "reason": "後", "csrf_token": csrf_token(client.get("/account"))}
    earlier = sa.insert(ShopClosedDay).values(shop_id=shop.id, day=date(2026, 11, 27), reason="先")
    response = post_during(
        app, client, "/shop/calendar", form, lambda other: other.execute(earlier)
    )
    assert response.status_code == 409
    assert "同じ内容がすでに登録されています" in response.text
    assert db.session.scalars(sa.select(ShopClosedDay.reason)).all() == ["先"]


def test_another_shops_closed_day_cannot_be_removed(client, login, make_user, make_shop, submit):
    _shop_user(login, make_user, make_shop)
    other = make_shop()
    closed = ShopClosedDay(shop_id=other.id, day=date(2026, 12, 1), reason="他店")
    db.session.add(closed)
    db.session.commit()
    response = submit(f"/shop/calendar/{closed.id}/delete")
    assert response.status_code == 404
    assert db.session.get(ShopClosedDay, closed.id) is not None


def test_shop_creates_and_edits_its_menus(client, login, make_user, make_shop, make_menu, submit):
    shop = _shop_user(login, make_user, make_shop)
    data = {
        "name": "唐揚げ弁当",
        "price": "550",
        "description": "人気",
        "allergens": "小麦",
        "sort_order": "1",
    }
    assert submit("/shop/menus/new", data, form_page="/shop/menus/new").status_code == 303
    menu = db.session.scalar(sa.select(Menu).where(Menu.shop_id == shop.id))
    assert (menu.name, menu.price, menu.allergens) == ("唐揚げ弁当", 550, "小麦")

    twice = submit("/shop/menus/new", {**data, "price": "600"})
    assert twice.status_code == 422
    assert "同じ名前のメニューがこの店舗にすでにあります。" in twice.text
    make_menu(shop=make_shop(), name="唐揚げ弁当")  # the same name at another shop is fine

    response = submit(f"/shop/menus/{menu.id}", {**data, "price": "580"})
    assert response.status_code == 303
    db.session.refresh(menu)
    assert menu.price == 580
    assert "580円" in client.get("/shop/menus").text


def test_bad_menu_input_writes_nothing(client, login, make_user, make_shop, submit):
    shop = _shop_user(login, make_user, make_shop)
    response = submit("/shop/menus/new", {"name": "", "price": "-5"})
    assert response.status_code == 422
    assert "メニュー名を入力してください。" in response.text
    assert "0円から100,000円までで入力してください。" in response.text
    response = submit("/shop/menus/new", {"name": "x" * 101, "price": "abc"})
    assert response.status_code == 422
    assert "100文字以内で入力してください。" in response.text
    assert db.session.scalar(sa.select(Menu.id).where(Menu.shop_id == shop.id)) is None


def test_another_shops_menu_is_404_and_unchanged(
    client, login, make_user, make_shop, make_menu, submit
):
    _shop_user(login, make_user, make_shop)
    foreign = make_menu(shop=make_shop(), name="よその弁当", price=700)
    assert client.get(f"/shop/menus/{foreign.id}").status_code == 404
    response = submit(f"/shop/menus/{foreign.id}", {"name": "乗っ取り", "price": "1"})
    assert response.status_code == 404
    assert submit(f"/shop/menus/{foreign.id}/state", {"active": "0"}).status_code == 404
    assert submit(f"/shop/menus/{foreign.id}/state", {"delete": "1"}).status_code == 404
    db.session.refresh(foreign)
    assert (foreign.name, foreign.price, foreign.active) == ("よその弁当", 700, True)


def test_menu_with_orders_is_deactivated_not_deleted_and_keeps_prices(
    client, login, make_user, make_shop, make_menu, make_order, submit
):
    shop = _shop_user(login, make_user, make_shop)
    menu = make_menu(shop=shop, price=500)
    order = make_order(make_user(company=None), menu=menu)
    response = submit(f"/shop/menus/{menu.id}/state", {"delete": "1"})
    assert response.status_code == 303
    assert "注文のあるメニューは削除できません" in client.get("/shop/menus").text
    assert db.session.get(Menu, menu.id) is not None

    assert submit(f"/shop/menus/{menu.id}/state", {"active": "0"}).status_code == 303
    submit(f"/shop/menus/{menu.id}", {"name": menu.name, "price": "900"})
    db.session.refresh(menu)
    db.session.refresh(order)
    assert (menu.active, menu.price, order.unit_price) == (False, 900, 500)


def test_menu_never_ordered_can_be_deleted(client, login, make_user, make_shop, make_menu, submit):
    shop = _shop_user(login, make_user, make_shop)
    menu_id = make_menu(shop=shop).id
    assert submit(f"/shop/menus/{menu_id}/state", {"delete": "1"}).status_code == 303
    db.session.expire_all()
    assert db.session.get(Menu, menu_id) is None


def test_other_roles_cannot_use_shop_pages(client, login, make_user, submit):
    login(make_user(role=Role.STAFF).username)
    for path in ("/shop/settings", "/shop/calendar", "/shop/menus", "/shop/menus/new"):
        assert client.get(path).status_code == 403
    assert submit("/shop/calendar", {"day": "2026-12-01"}).status_code == 403
    assert db.session.scalar(sa.select(ShopClosedDay.id)) is None


@pytest.mark.parametrize("month", ["0001-01", "9999-12", "2026-13", "abc", "2026-1"])
def test_a_bad_calendar_month_is_explained_beside_the_field(
    client, login, make_user, make_shop, month
):
    _shop_user(login, make_user, make_shop)
    page = client.get("/shop/calendar", query_string={"month": month})
    assert page.status_code == 400
    assert MONTH_MESSAGE in page.text
    assert f'value="{month}"' in page.text  # what was typed stays in the field
    assert "2026年11月" in page.text  # this month is shown meanwhile


def test_the_calendar_links_stop_at_the_accepted_months(client, login, make_user, make_shop):
    _shop_user(login, make_user, make_shop)
    last = client.get("/shop/calendar?month=2099-12").text
    assert "month=2099-11" in last and "month=2100-01" not in last
    first = client.get("/shop/calendar?month=2000-01").text
    assert "month=2000-02" in first and "month=1999-12" not in first


@pytest.mark.parametrize(
    "form, message",
    [
        ({"day": "9999-12-31"}, DATE_MESSAGE),
        ({"day": "0001-01-01"}, DATE_MESSAGE),
        ({"day": "2026-11-23"}, "過ぎた日は休業日にできません。今日以降の日付を選んでください。"),
        ({"day": "2026-12-01", "reason": "年末\n休業"}, "理由に改行や制御文字は使えません。"),
    ],
)
def test_closed_days_out_of_range_past_or_multiline_are_refused(
    client, login, make_user, make_shop, submit, clock, form, message
):
    clock.set_jst("2026-11-24 09:00")
    _shop_user(login, make_user, make_shop)
    response = submit("/shop/calendar", form)
    assert response.status_code == 422
    assert message in response.text
    assert db.session.scalar(sa.select(sa.func.count(ShopClosedDay.id))) == 0


@pytest.mark.parametrize(
    "rules, field, message",
    [
        (
            {"order_deadline_days_before": "0", "order_deadline_time": "12:00"},
            "order_deadline_time",
            "当日締切にする場合、注文締切の時刻はキャンセル締切（10:30）より後にはできません。",
        ),
        (
            {"order_deadline_days_before": "14", "max_days_ahead": "1"},
            "max_days_ahead",
            "注文締切が14日前のため、14日先以上まで受け付けないと注文できる日がありません。",
        ),
    ],
)
def test_deadlines_that_contradict_each_other_are_refused(
    client, login, make_user, make_shop, submit, rules, field, message
):
    shop = _shop_user(login, make_user, make_shop)
    base = {**RULES, "cancel_deadline_time": "10:30"}
    response = submit("/shop/settings", {**base, **rules})
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.text and message in response.text
    db.session.refresh(shop)
    assert (shop.order_deadline_days_before, shop.max_days_ahead) == (1, 14)


def test_the_same_day_deadline_may_equal_the_cancel_deadline(
    client, login, make_user, make_shop, submit
):
    shop = _shop_user(login, make_user, make_shop)
    rules = {"order_deadline_days_before": "0", "order_deadline_time": "10:30"}
    response = submit("/shop/settings", {**RULES, "cancel_deadline_time": "10:30", **rules})
    assert response.status_code == 303
    db.session.refresh(shop)
    assert (shop.order_deadline_days_before, shop.order_deadline_time) == (0, time(10, 30))


@pytest.mark.parametrize("typed", ["14:00abc", "14:00:99", "1400", "１４:００"])
def test_a_time_with_anything_more_is_refused(client, login, make_user, make_shop, submit, typed):
    shop = _shop_user(login, make_user, make_shop)
    response = submit("/shop/settings", {**RULES, "order_deadline_time": typed})
    assert response.status_code == 422
    assert "時刻は「14:00」の形で入力してください。" in response.text
    db.session.refresh(shop)
    assert shop.order_deadline_time == time(14, 0)


def test_a_time_with_zero_seconds_is_accepted(client, login, make_user, make_shop, submit):
    shop = _shop_user(login, make_user, make_shop)
    assert submit("/shop/settings", {**RULES, "order_deadline_time": "15:45:00"}).status_code == 303
    db.session.refresh(shop)
    assert shop.order_deadline_time == time(15, 45)


def test_a_number_that_does_not_parse_gets_one_message(client, login, make_user, make_shop, submit):
    _shop_user(login, make_user, make_shop)
    response = submit("/shop/settings", {**RULES, "cancel_fee": "9" * 40})
    assert response.status_code == 422
    assert "桁数が多すぎます。" in response.text
    assert "0円から100,000円までで入力してください。" not in response.text


@pytest.mark.parametrize("value", ["x", "", "2"])
def test_a_menu_switch_other_than_1_or_0_changes_nothing(
    client, login, make_user, make_shop, make_menu, submit, value
):
    shop = _shop_user(login, make_user, make_shop)
    menu = make_menu(shop=shop)
    response = submit(f"/shop/menus/{menu.id}/state", {"active": value})
    assert response.status_code == 400
    assert "操作の指定が正しくありません。" in response.text
    db.session.refresh(menu)
    assert menu.active


def test_a_past_closed_day_stays(client, login, make_user, make_shop, submit, clock):
    """A closed day that has passed cannot be added again, so it is not removed either."""
    clock.set_jst("2026-11-24 09:00")
    shop = _shop_user(login, make_user, make_shop)
    closed = ShopClosedDay(shop_id=shop.id, day=date(2026, 11, 20), reason="臨時休業")
    db.session.add(closed)
    db.session.commit()
    closed_id = closed.id
    page = client.get("/shop/calendar?month=2026-11").text
    assert "臨時休業" in page and f"/shop/calendar/{closed_id}/delete" not in page
    response = submit(f"/shop/calendar/{closed_id}/delete")
    assert response.status_code == 303
    assert "過ぎた日の休業日は解除できません。" in client.get(response.headers["Location"]).text
    assert db.session.get(ShopClosedDay, closed_id) is not None
