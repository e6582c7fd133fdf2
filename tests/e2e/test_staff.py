"""A staff member's day in a real browser: order, change, cancel, history; the one-tap page."""

from datetime import date, timedelta

import sqlalchemy as sa
from playwright.sync_api import expect

from obento.calendar import format_date
from obento.extensions import db
from obento.models import Order, OrderStatus
from tests.e2e.conftest import PHONE, assert_no_horizontal_scroll, jst_today


def orders_of(user) -> list[Order]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Order).where(Order.user_id == user.id)))


def test_order_change_cancel_and_history(page, live_server, browser_login, open_world):
    world = open_world
    browser_login(page, world.staff.username)
    expect(page.get_by_role("heading", level=1)).to_have_text("お弁当の注文")

    card = page.locator(".day-card").first
    day = date.fromisoformat(card.get_attribute("id").removeprefix("day-"))
    expect(card.get_by_role("heading")).to_have_text(f"{format_date(day)} お届け")
    expect(card.locator(f'input[value="{world.karaage.id}"]')).to_be_checked()  # the favourite
    expect(card.get_by_text("注文締切:")).to_be_visible()
    card.get_by_role("button", name=f"{format_date(day)}分を注文する").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("ご注文内容")
    expect(page.get_by_role("status")).to_have_text(
        f"ご注文（{format_date(day)}・唐揚げ弁当 1個）を承りました。"
    )
    expect(page.locator(".order-summary")).to_contain_text("唐揚げ弁当")
    [order] = orders_of(world.staff)
    assert (order.delivery_date, order.menu_id, order.quantity) == (day, world.karaage.id, 1)

    page.get_by_label("数量").select_option("3")
    page.get_by_role("button", name="この内容に変更する").click()
    expect(page.locator(".order-summary .total")).to_have_text("1,800円")
    assert orders_of(world.staff)[0].quantity == 3

    page.get_by_role("link", name="この月の注文履歴").click()
    expect(page.locator(".month-total")).to_contain_text("1,800円")

    page.get_by_role("link", name=format_date(day)).click()
    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="この注文をキャンセルする").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("キャンセル済みのご注文")
    assert questions == [
        f"{format_date(day)}の唐揚げ弁当 3個のご注文をキャンセルします。よろしいですか？"
    ]
    [cancelled] = orders_of(world.staff)
    assert (cancelled.status, cancelled.cancel_fee) == (OrderStatus.CANCELLED, 0)

    page.get_by_role("link", name="この月の注文履歴").click()
    expect(page.locator(".month-total")).to_contain_text("0円")
    expect(page.locator("tr.cancelled")).to_contain_text("キャンセル済み")


def test_one_tap_button_comes_before_the_other_orders_on_a_phone(
    phone_page, live_server, browser_login, make_order, open_world
):
    today = jst_today()
    for days in (0, 2, 3, 4):
        make_order(open_world.staff, open_world.saba, today + timedelta(days=days))
    page = phone_page
    browser_login(page, open_world.staff.username)
    page.goto(live_server.url + "/quick")
    expect(page.locator(".quick-others li")).to_have_count(4)
    button = page.get_by_role("button", name="注文する", exact=True).bounding_box()
    assert button["y"] + button["height"] <= PHONE["height"]  # on the first screen
    assert button["y"] < page.locator(".quick-others").bounding_box()["y"]


def test_one_tap_order_on_a_phone(phone_page, live_server, browser_login, open_world):
    page = phone_page
    browser_login(page, open_world.staff.username)
    page.goto(live_server.url + "/quick")
    expect(page.locator(".quick-menu")).to_contain_text("唐揚げ弁当")
    button = page.get_by_role("button", name="注文する", exact=True)
    box = button.bounding_box()
    assert box["height"] >= 44 and box["width"] > 300  # a big button across the screen
    assert_no_horizontal_scroll(page)
    button.click()

    expect(page.get_by_role("heading", level=1)).to_have_text("ご注文内容")
    [order] = orders_of(open_world.staff)
    assert (order.menu_id, order.quantity, order.status) == (
        open_world.karaage.id,
        1,
        OrderStatus.ORDERED,
    )
    expect(page.locator(".order-summary")).to_contain_text(format_date(order.delivery_date))
    assert_no_horizontal_scroll(page)
