"""Data tables on a phone: each row a card whose cells say which column they are; no sideways
scrolling. On a desktop screen and in print the tables stay tables."""

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from obento.extensions import db
from obento.models import OrderAction, OrderStatus, Role
from obento.services.audit import record_event
from obento.services.closures import CONFIRM_LABEL
from tests.e2e.conftest import PHONE, assert_no_horizontal_scroll, jst_today

# Tables wider than the box they sit in (that box would scroll sideways), and card cells whose
# content sticks out of the card.
WIDE_TABLES = """() => [
  ...[...document.querySelectorAll('table')]
    .filter(table => table.offsetWidth > table.parentElement.clientWidth),
  ...[...document.querySelectorAll('table.phone-cards td')]
    .filter(cell => cell.scrollWidth > cell.clientWidth),
].map(element => element.outerHTML.slice(0, 80))"""

# Cells of card tables whose data-label is not their column's header; a cell without one must
# span several columns (a message) or be empty.
MISLABELLED_CELLS = """() => {
  const wrong = [];
  for (const table of document.querySelectorAll('table.phone-cards')) {
    const headers = [];
    for (const th of table.tHead.rows[0].cells) {
      for (let i = 0; i < th.colSpan; i++) headers.push(th.textContent.trim());
    }
    for (const row of table.querySelectorAll('tbody tr, tfoot tr')) {
      let column = 0;
      for (const cell of row.cells) {
        const label = cell.dataset.label;
        const ok = cell.tagName === 'TH' || (label === undefined
          ? cell.colSpan > 1 || cell.textContent.trim() === ''
          : label === headers[column]);
        if (!ok) wrong.push(`${label} / ${headers[column]}: ${cell.outerHTML.slice(0, 80)}`);
        column += cell.colSpan;
      }
    }
  }
  return wrong;
}"""

LABEL = "cell => getComputedStyle(cell, '::before').content"


@pytest.fixture
def busy_day(make_user, make_order, open_world):
    """Several orders for today, one cancelled with a fee, from people with long names."""
    today = jst_today()
    world = open_world
    colleagues = [
        make_user(company=world.company, name=name, employee_code=code)
        for name, code in [("長谷川 健太郎左衛門", "00124"), ("石井 花子", "00125")]
    ]
    placed = make_order(world.staff, world.karaage, today, quantity=2)
    record_event(placed, world.staff, OrderAction.PLACED)
    db.session.commit()
    make_order(colleagues[0], world.saba, today, quantity=3)
    make_order(colleagues[1], world.saba, today, status=OrderStatus.CANCELLED, cancel_fee=300)
    return today


def assert_cards(page: Page, url: str) -> None:
    """Open `url` and check that it fits the phone and that its cards are labelled right."""
    page.goto(url)
    assert_no_horizontal_scroll(page)
    assert page.evaluate(WIDE_TABLES) == [], url
    assert page.evaluate(MISLABELLED_CELLS) == [], url


def test_shop_orders_are_cards_with_big_checkboxes(
    phone_page, live_server, browser_login, busy_day, open_world
):
    page = phone_page
    browser_login(page, open_world.shop_user.username)
    assert_cards(page, f"{live_server.url}/shop/orders?date={busy_day.isoformat()}")
    table = page.locator("table.order-table")
    assert table.first.locator("thead").bounding_box()["height"] <= 1  # for screen readers only
    name = table.locator('td[data-label="氏名"]').filter(has_text="長谷川 健太郎左衛門")
    assert name.evaluate(LABEL) == '"氏名"'
    expect(table.locator("tbody tr").first).to_contain_text("未確認")
    # One card under another, about as wide as the phone.
    first, second = (table.locator("tbody tr").nth(n).bounding_box() for n in (0, 1))
    assert second["y"] >= first["y"] + first["height"]
    assert first["width"] > PHONE["width"] - 48
    boxes = page.locator('input[type="checkbox"][name="order_id"]')
    expect(boxes).to_have_count(2)  # the cancelled order has none
    for box in boxes.all():
        size = box.bounding_box()
        assert size["width"] >= 44 and size["height"] >= 44
    # すべて選択 and a tap on a name still tick the boxes.
    page.get_by_label("すべて選択").check()
    for box in boxes.all():
        expect(box).to_be_checked()
    page.get_by_text("長谷川 健太郎左衛門").click()
    expect(page.get_by_label("長谷川 健太郎左衛門")).not_to_be_checked()


def test_billing_history_and_admin_lists_are_cards(
    phone_page, live_server, browser_login, make_user, busy_day, open_world
):
    page = phone_page
    browser_login(page, open_world.manager.username)
    assert_cards(page, f"{live_server.url}/company/billing?month={busy_day.strftime('%Y-%m')}")
    total = page.locator("table.billing tfoot tr").first
    expect(total.locator("th")).to_have_text("合計（3人）")
    expect(total.locator('td[data-label="給与天引き額"]')).to_have_text("3,450円")
    assert total.locator("td").first.evaluate(LABEL) == '"給与天引き額"'
    assert_cards(page, live_server.url + "/company/orders")
    expect(page.locator("tr.subtotal").first).to_be_hidden()  # one order each: no 小計 card
    assert_cards(page, live_server.url + "/company/users")

    page.context.clear_cookies()
    browser_login(page, open_world.staff.username)
    assert_cards(page, live_server.url + "/orders/history")
    amount = page.locator('td[data-label="金額"]').first
    expect(amount).to_have_text("1,200円")
    assert amount.evaluate(LABEL) == '"金額"'

    page.context.clear_cookies()
    browser_login(page, make_user(role=Role.ADMIN, name="管理者").username)
    assert_cards(page, live_server.url + "/admin/users")
    role = page.locator('td[data-label="権限"]').first
    expect(role).to_be_visible()
    assert role.evaluate(LABEL) == '"権限"'
    for path in [
        "/admin/companies",
        "/admin/shops",
        "/admin/menus",
        "/admin/logs",
        "/admin/holidays",
        "/admin/audit",  # last: its rows are checked below
    ]:
        assert_cards(page, live_server.url + path)
    expect(page.locator('td[data-label="注文者"]')).to_contain_text(open_world.staff.name)


def test_tables_stay_tables_on_a_desktop_and_in_print(
    page, phone_page, live_server, browser_login, busy_day, open_world
):
    browser_login(page, open_world.manager.username)
    page.goto(f"{live_server.url}/company/billing?month={busy_day.strftime('%Y-%m')}")
    table = page.locator("table.billing").first
    expect(table.locator("thead")).to_be_visible()
    assert table.evaluate("table => getComputedStyle(table).display") == "table"
    assert table.locator("td").first.evaluate(LABEL) == "none"

    browser_login(phone_page, open_world.manager.username)
    phone_page.goto(page.url)
    phone_page.emulate_media(media="print")
    table = phone_page.locator("table.billing").first
    assert table.evaluate("table => getComputedStyle(table).display") == "table"
    assert table.locator("td").first.evaluate(LABEL) == "none"


def test_long_menu_names_wrap_inside_the_tables(
    phone_page, live_server, browser_login, make_menu, make_order, busy_day, open_world
):
    """A long menu name wraps in its cell: the amounts stay in the box, even 360px wide."""
    world = open_world
    long_name = "特製国産黒毛和牛すき焼き風重と季節の彩り野菜の炊き合わせ御膳"
    menu = make_menu(shop=world.shop, name=long_name, price=1280, sort_order=3)
    make_order(world.manager, menu, busy_day, quantity=2)
    day = busy_day.isoformat()
    page = phone_page
    for user, paths in [
        (world.shop_user, [f"/shop/orders?date={day}", f"/shop/sheet?date={day}"]),
        (
            world.manager,
            [f"/company/orders?date={day}", f"/company/sheet?date={day}&shop={world.shop.id}"],
        ),
    ]:
        page.context.clear_cookies()
        browser_login(page, user.username)
        for width in (PHONE["width"], 360):
            page.set_viewport_size({"width": width, "height": PHONE["height"]})
            for path in paths:
                assert_cards(page, live_server.url + path)
                expect(page.get_by_text(long_name).first).to_be_visible()


def test_a_closings_reason_fits_the_company_list_and_the_history_on_a_phone(
    phone_page, live_server, browser_login, make_user, make_order, open_world
):
    """The shop closes tomorrow on its phone; the representative's list and the staff
    member's history then say why each order was cancelled, inside the cards."""
    world, page = open_world, phone_page
    tomorrow = jst_today() + timedelta(days=1)
    colleague = make_user(company=world.company, name="長谷川 健太郎左衛門")
    make_order(world.staff, world.karaage, tomorrow)
    make_order(colleague, world.saba, tomorrow, quantity=3)
    browser_login(page, world.shop_user.username)
    page.goto(live_server.url + "/shop/calendar")
    page.get_by_label("休業日", exact=True).fill(tomorrow.isoformat())
    page.get_by_label("理由").fill("冷蔵設備の故障による臨時休業")
    page.get_by_label(CONFIRM_LABEL).check()
    page.get_by_role("button", name="休業日にする").click()
    expect(page.locator(".flash").last).to_contain_text("この日のご注文2件をキャンセルしました")

    note = "（まごころ弁当の休業日（冷蔵設備の故障による臨時休業）のため、キャンセル料なし）"
    for user, path in [
        (world.manager, f"/company/orders?date={tomorrow.isoformat()}"),
        (world.staff, f"/orders/history?month={tomorrow:%Y-%m}"),
    ]:
        page.context.clear_cookies()
        browser_login(page, user.username)
        for width in (PHONE["width"], 360):
            page.set_viewport_size({"width": width, "height": PHONE["height"]})
            assert_cards(page, live_server.url + path)
            status = page.locator('td[data-label="状態"]').filter(has_text=note).first
            expect(status).to_be_visible()
            expect(status).to_contain_text("キャンセル済み" + note)
