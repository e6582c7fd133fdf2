"""Every main page on a phone: one column, no sideways scrolling, big enough targets; ordering
without JavaScript."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from obento.extensions import db
from obento.models import Order, Role
from tests.conftest import PASSWORD
from tests.e2e.conftest import PHONE, assert_no_horizontal_scroll, jst_today

PAGES = {
    "staff": ["/orders/", "/quick", "/orders/history", "/account"],
    "shop": ["/shop/orders", "/shop/sheet", "/shop/settings", "/shop/calendar", "/shop/menus"],
    "manager": [
        "/company/orders",
        "/company/sheet",
        "/company/billing",
        "/company/on-behalf",
        "/company/users",
        "/company/users/new",
    ],
    "admin": [
        "/admin/",
        "/admin/companies",
        "/admin/shops/new",
        "/admin/menus",
        "/admin/users",
        "/admin/users/new",
        "/admin/holidays",
        "/shop/orders",
    ],
}

# Visible buttons, links styled as buttons, menu links, links standing alone or in a card
# (一覧に戻る, ← 前の月, a user's name) and text inputs lower than 44px. Checkboxes and radios
# are left out: each sits in a label row that is 44px high.
SMALL_TARGETS = """() => [...document.querySelectorAll(
    'a.button, button, select, .site-nav a, .quick-links a, .phone-cards td a, .link-row a, '
    + '.pager a, .calendar-month-nav a, form > a, '
    + 'input:not([type=hidden]):not([type=checkbox]):not([type=radio])')]
  .filter(el => el.offsetParent !== null && el.getBoundingClientRect().height < 44)
  .map(el => el.outerHTML.slice(0, 80))"""
UNLABELLED_INPUTS = """() => [...document.querySelectorAll(
    'input:not([type=hidden]), select, textarea')]
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
  .map(el => el.outerHTML.slice(0, 80))"""


@pytest.fixture
def users(make_user, make_order, open_world):
    today = jst_today()
    make_order(open_world.staff, open_world.karaage, today, quantity=2)
    return {
        "staff": open_world.staff,
        "shop": open_world.shop_user,
        "manager": open_world.manager,
        "admin": make_user(role=Role.ADMIN, name="管理者"),
    }


@pytest.mark.parametrize("role", PAGES)
def test_main_pages_fit_a_phone(phone_page, live_server, browser_login, users, role):
    page = phone_page
    browser_login(page, users[role].username)
    for path in PAGES[role]:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        assert_no_horizontal_scroll(page)
        expect(page.locator("h1").first).to_be_visible()
        small = page.evaluate(SMALL_TARGETS)
        assert small == [], (path, small)
        unlabelled = page.evaluate(UNLABELLED_INPUTS)
        assert unlabelled == [], (path, unlabelled)


def test_phone_layout_is_one_column(phone_page, live_server, browser_login, open_world):
    page = phone_page
    browser_login(page, open_world.staff.username)
    cards = page.locator(".day-card")
    expect(cards.nth(1)).to_be_visible()
    first, second = cards.nth(0).bounding_box(), cards.nth(1).bounding_box()
    assert second["y"] >= first["y"] + first["height"]  # stacked, not side by side
    assert first["width"] > PHONE["width"] - 48


def test_ordering_works_without_javascript(browser, live_server, open_world):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE, locale="ja-JP")
    try:
        page = context.new_page()
        page.goto(live_server.url + "/login")
        page.get_by_label("ユーザー名").fill(open_world.staff.username)
        page.get_by_label("パスワード").fill(PASSWORD)
        page.get_by_role("button", name="ログイン").click()
        card = page.locator(".day-card").first
        card.locator(f'input[value="{open_world.saba.id}"]').check()
        card.get_by_label("数量").select_option("2")
        card.get_by_role("button").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("ご注文内容")
    finally:
        context.close()
    db.session.expire_all()
    [order] = db.session.scalars(sa.select(Order)).all()
    assert (order.user_id, order.menu_id, order.quantity) == (
        open_world.staff.id,
        open_world.saba.id,
        2,
    )
