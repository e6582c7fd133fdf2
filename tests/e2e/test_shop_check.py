"""The shop's すべて選択 and bulk check in a real browser (the script runs under the CSP)."""

import sqlalchemy as sa
from playwright.sync_api import expect

from obento.extensions import db
from obento.models import Order, OrderEvent
from tests.report_world import TOMORROW, world  # noqa: F401 (fixture)


def test_select_all_then_check(page, live_server, browser_login, make_order, world):  # noqa: F811
    ids = [make_order(user, world.karaage, TOMORROW).id for user in world.staff]
    browser_login(page, world.shop_user.username)
    page.goto(f"{live_server.url}/shop/orders?date={TOMORROW.isoformat()}")
    select_all = page.get_by_label("すべて選択")
    expect(select_all).to_be_visible()  # revealed by static/js/select-all.js
    select_all.check()
    for box in page.locator('input[type="checkbox"][name="order_id"]').all():
        expect(box).to_be_checked()
    page.get_by_role("button", name="選択した注文を確認済みにする").click()
    expect(page.get_by_role("status")).to_have_text("3件の注文を確認済みにしました。")
    expect(page.locator(".summary .totals")).to_contain_text("確認済み 3件")
    db.session.expire_all()
    assert all(db.session.get(Order, order_id).checked for order_id in ids)
    assert db.session.scalar(sa.select(sa.func.count(OrderEvent.id))) == 3
