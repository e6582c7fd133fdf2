"""Every bad input on the order form: a clear message, a 4xx status, nothing written."""

from datetime import date

import pytest

from obento.extensions import db
from obento.models import OrderEvent, ShopClosedDay
from obento.ordering.forms import DELIVERY_DATE_MESSAGE
from tests.ordering.conftest import order_count, post_order

GOOD = {"delivery_date": "2026-11-26", "quantity": "1"}
QUANTITY_MESSAGE = "数量は1〜10個の中から選んでください。"


def _count_events() -> int:
    return db.session.scalar(db.select(db.func.count(OrderEvent.id)))


def assert_refused(client, message: str, status: int = 422, **values):
    """Post the order form with `values`: refused with `message`, nothing written."""
    response = post_order(client, client.get("/orders/"), **values)
    assert response.status_code == status
    assert message in response.text
    assert order_count() == 0
    assert _count_events() == 0
    return response


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("quantity", None, QUANTITY_MESSAGE),
        ("quantity", "", QUANTITY_MESSAGE),
        ("quantity", "abc", QUANTITY_MESSAGE),
        ("quantity", "-1", QUANTITY_MESSAGE),
        ("quantity", "0", QUANTITY_MESSAGE),
        ("quantity", "11", QUANTITY_MESSAGE),
        ("quantity", str(10**9), QUANTITY_MESSAGE),
        ("quantity", "1.5", QUANTITY_MESSAGE),
        ("quantity", "１", QUANTITY_MESSAGE),  # full-width digit
        ("menu_id", None, "メニューを選んでください。"),
        ("menu_id", "", "メニューを選んでください。"),
        ("menu_id", "abc", "選ばれたメニューは見つかりません。"),
        ("menu_id", "-3", "選ばれたメニューは見つかりません。"),
        ("menu_id", "0", "選ばれたメニューは見つかりません。"),
        ("menu_id", str(10**9), "選ばれたメニューは見つかりません。"),
        ("menu_id", str(10**20), "選ばれたメニューは見つかりません。"),
        ("delivery_date", None, "お届け日を選んでください。"),
        ("delivery_date", "", "お届け日を選んでください。"),
        ("delivery_date", "2026-02-30", DELIVERY_DATE_MESSAGE),
        ("delivery_date", "tomorrow", DELIVERY_DATE_MESSAGE),
        ("delivery_date", "<script>", DELIVERY_DATE_MESSAGE),
        ("delivery_date", "9999-12-31", DELIVERY_DATE_MESSAGE),  # jpholiday overflowed: a 500
        ("delivery_date", "2100-01-01", DELIVERY_DATE_MESSAGE),
        ("delivery_date", "1999-12-31", DELIVERY_DATE_MESSAGE),
        ("delivery_date", "2026-W48-4", DELIVERY_DATE_MESSAGE),  # fromisoformat: 2026-11-26
        ("delivery_date", "20261126", DELIVERY_DATE_MESSAGE),
        ("delivery_date", "２０２６-１１-２６", DELIVERY_DATE_MESSAGE),
        ("delivery_date", "2099-12-31", "注文できるのは2026年12月8日(火)のお届け分までです。"),
        ("delivery_date", "2026-11-20", "過去の日付は注文できません。"),
        ("delivery_date", "2026-11-28", "2026年11月28日(土)は定休日（土曜日）です。"),
        ("delivery_date", "2026-11-23", "過去の日付は注文できません。"),
        ("delivery_date", "2026-12-23", "注文できるのは2026年12月8日(火)のお届け分までです。"),
    ],
)
def test_bad_field_is_refused_with_a_message(client, login, world, field, value, message):
    login(world.staff.username)
    data = {**GOOD, "menu_id": str(world.karaage.id), field: value}
    response = assert_refused(client, message, **data)
    assert "注文を受け付けられませんでした。" in response.text
    # The summary gives the message alone: each one names its field.
    assert f"<li>{message}</li>" in response.text


@pytest.mark.parametrize("url", ["/orders/", "/quick", "/company/on-behalf/{staff}"])
def test_a_date_beyond_the_apps_bounds_is_refused_on_every_order_form(
    client, login, world, make_user, url
):
    world.staff.default_menu_id = world.karaage.id
    manager = make_user(role="manager", company=world.company)
    db.session.commit()
    login(manager.username if "on-behalf" in url else world.staff.username)
    url = url.format(staff=world.staff.id)
    response = post_order(
        client,
        client.get("/orders/"),
        url=url,
        delivery_date="9999-12-31",
        menu_id=world.karaage.id,
        quantity="1",
    )
    assert response.status_code == 422
    assert response.text.count(DELIVERY_DATE_MESSAGE) == 1
    assert order_count() == 0 and _count_events() == 0


def test_a_date_past_its_deadline_names_the_deadline(client, login, world, clock):
    clock.set_jst("2026-11-24 14:00")
    login(world.staff.username)
    response = assert_refused(
        client,
        "2026年11月25日(水)のお届け分は締め切りました（注文締切: 2026年11月24日(火) 14:00）。",
        delivery_date="2026-11-25",
        menu_id=world.karaage.id,
        quantity=1,
    )
    assert "2026年11月25日(水) お届け" not in response.text  # no longer offered


def test_a_closed_day_is_refused(client, login, world):
    db.session.add(ShopClosedDay(shop_id=world.shop.id, day=date(2026, 11, 26)))
    db.session.commit()
    login(world.staff.username)
    assert_refused(
        client,
        "2026年11月26日(木)は店舗の休業日です。",
        delivery_date="2026-11-26",
        menu_id=world.karaage.id,
        quantity=1,
    )


def test_a_holiday_is_refused(client, login, world, clock):
    clock.set_jst("2027-01-08 09:00")
    login(world.staff.username)
    assert_refused(
        client,
        "2027年1月11日(月)は祝日（成人の日）のためお休みです。",
        delivery_date="2027-01-11",
        menu_id=world.karaage.id,
        quantity=1,
    )


def test_an_inactive_menu_is_refused(client, login, world):
    login(world.staff.username)
    assert_refused(
        client,
        "「販売終了弁当」は現在ご注文を受け付けていません。",
        delivery_date="2026-11-26",
        menu_id=world.inactive.id,
        quantity=1,
    )


@pytest.mark.parametrize("whose", ["another shop of nobody", "another company's shop"])
def test_a_menu_of_a_shop_not_serving_the_company_is_refused(
    client, login, world, make_menu, make_company, make_shop, whose
):
    other_shop = make_shop()
    if whose == "another company's shop":
        make_company(shops=[other_shop])
    foreign = make_menu(other_shop, name="よその弁当")
    login(world.staff.username)
    response = assert_refused(
        client,
        "選ばれたメニューは見つかりません。",
        delivery_date="2026-11-26",
        menu_id=foreign.id,
        quantity=1,
    )
    assert "よその弁当" not in response.text


def test_an_inactive_shop_takes_no_orders(client, login, world):
    world.shop.active = False
    db.session.commit()
    login(world.staff.username)
    assert "現在ご注文いただける日はありません。" in client.get("/orders/").text
    assert_refused(
        client,
        "「まごころ弁当」は現在ご注文を受け付けていません。",
        delivery_date="2026-11-26",
        menu_id=world.karaage.id,
        quantity=1,
    )


def test_a_disabled_company_takes_no_orders(client, login, world):
    world.company.disabled = True
    db.session.commit()
    login(world.staff.username)
    assert_refused(
        client,
        "このアカウントでは現在ご注文いただけません。",
        status=403,
        delivery_date="2026-11-26",
        menu_id=world.karaage.id,
        quantity=1,
    )


def test_an_overlong_form_token_is_refused(client, login, world):
    login(world.staff.username)
    assert_refused(
        client,
        "送信内容が正しくありません。ページを開き直してください。",
        delivery_date="2026-11-26",
        menu_id=world.karaage.id,
        quantity=1,
        form_token="x" * 65,
    )


def test_without_csrf_token_nothing_is_written(client, login, world):
    login(world.staff.username)
    response = client.post(
        "/orders/", data={"delivery_date": "2026-11-26", "menu_id": world.karaage.id, "quantity": 1}
    )
    assert response.status_code == 400
    assert order_count() == 0
