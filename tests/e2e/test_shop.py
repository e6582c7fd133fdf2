"""The shop's morning in a real browser: today's list, checks, CSV and the delivery sheet."""

from pathlib import Path

import sqlalchemy as sa
from playwright.sync_api import expect

from obento.calendar import format_date
from obento.extensions import db
from obento.models import Order, OrderStatus
from tests.e2e.conftest import assert_no_horizontal_scroll, jst_today


def test_today_checks_csv_and_sheet(
    page, live_server, browser_login, make_user, make_order, open_world
):
    world, today = open_world, jst_today()
    colleagues = [
        make_user(company=world.company, name="石井 花子", employee_code="00124"),
        make_user(company=world.company, name="上田 次郎", employee_code="00125"),
    ]
    orders = [make_order(world.staff, world.karaage, today, quantity=2)] + [
        make_order(user, world.saba, today) for user in colleagues
    ]
    make_order(world.staff, world.karaage, today.fromordinal(today.toordinal() + 1))
    browser_login(page, world.shop_user.username)
    page.get_by_role("link", name="今日", exact=True).click()
    summary = page.locator(".summary")
    expect(summary.get_by_role("heading")).to_have_text(format_date(today))
    expect(summary).to_contain_text("合計 4個・2,500円")
    expect(summary).to_contain_text("未確認 3件")

    page.get_by_label("青木 一郎").check()
    page.get_by_label("石井 花子").check()
    page.get_by_role("button", name="選択した注文を確認済みにする").click()
    expect(page.get_by_role("status")).to_have_text("2件の注文を確認済みにしました。")
    expect(summary).to_contain_text("確認済み 2件")
    expect(summary).to_contain_text("未確認 1件")

    page.get_by_label("すべて選択").check()
    page.get_by_role("button", name="選択した注文を確認済みにする").click()
    expect(summary).to_contain_text("確認済み 3件")
    expect(summary).to_contain_text("未確認 0件")
    db.session.expire_all()
    assert all(db.session.get(Order, order.id).checked for order in orders)
    assert db.session.scalar(sa.select(sa.func.count(Order.id)).where(Order.checked)) == 3

    with page.expect_download() as download:
        page.get_by_role("link", name="CSVをダウンロード").click()
    data = Path(download.value.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    text = data[3:].decode("utf-8")
    lines = text.split("\r\n")
    assert lines[0].startswith("お届け日,会社名,会社電話番号,社員番号,氏名,メニュー,単価")
    assert len([line for line in lines if line]) == 4  # header and today's three orders
    assert "00124" in text and "石井 花子" in text and "鯖の塩焼き弁当" in text

    page.get_by_role("link", name="配達表を印刷").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("配達表")
    expect(page.locator(".sheet-date")).to_contain_text(format_date(today))
    expect(page.locator(".sheet-block")).to_contain_text("上田 次郎")
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".filter-form")).to_be_hidden()
    expect(page.locator(".grand-total")).to_be_visible()


def test_closing_a_day_with_orders_on_a_phone(
    phone_page, live_server, browser_login, make_user, make_order, open_world
):
    """The shop is told which orders the day has, confirms, and the staff member then sees
    why their lunch was cancelled."""
    page, world = phone_page, open_world
    day = jst_today().fromordinal(jst_today().toordinal() + 3)
    make_order(world.staff, world.karaage, day)
    make_order(make_user(company=world.company, name="石井 花子"), world.saba, day)
    browser_login(page, world.shop_user.username)
    page.get_by_role("link", name="休業日", exact=True).click()
    page.get_by_label("休業日", exact=True).fill(day.isoformat())
    page.get_by_label("理由").fill("臨時休業")
    page.get_by_role("button", name="休業日にする").click()
    confirm = page.get_by_label("この日のご注文をキャンセル料なしでキャンセルする")
    expect(page.locator("#cancel_orders-error")).to_contain_text(
        "この日にはすでにご注文が2件あります（さくら商事 2件）。"
    )
    cancelled = sa.select(sa.func.count(Order.id)).where(Order.status == OrderStatus.CANCELLED)
    assert db.session.scalar(cancelled) == 0
    confirm.check()
    page.get_by_role("button", name="休業日にする").click()
    expect(page.locator(".flash-success")).to_have_text(f"{format_date(day)}を休業日にしました。")
    expect(page.locator(".flash-warning")).to_contain_text(
        "この日のご注文2件をキャンセルしました（さくら商事 2件）。"
    )
    assert_no_horizontal_scroll(page)
    db.session.expire_all()
    assert db.session.scalar(cancelled) == 2

    page.context.clear_cookies()
    browser_login(page, world.staff.username)
    page.goto(live_server.url + "/orders/")
    notice = page.get_by_role("region", name="お休みのためキャンセルされたご注文")
    expect(notice).to_contain_text("まごころ弁当の休業日（臨時休業）のため")
    notice.get_by_role("link", name=format_date(day)).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("キャンセル済みのご注文")
