"""Refusals a user meets in a real browser: an order after the deadline."""

from datetime import date, time

import sqlalchemy as sa
from playwright.sync_api import expect

from obento.calendar import format_date, format_datetime, local_instant
from obento.extensions import db
from obento.models import Order, Shop
from tests.e2e.conftest import jst_today


def test_an_order_after_the_deadline_is_refused_with_the_deadline(
    page, live_server, browser_login, open_world
):
    browser_login(page, open_world.staff.username)
    card = page.locator(".day-card").first
    day = date.fromisoformat(card.get_attribute("id").removeprefix("day-"))

    # The shop closes the day while the page is open: today 00:00 is already past.
    today = jst_today()
    shop = db.session.get(Shop, open_world.shop.id)
    shop.order_deadline_days_before = (day - today).days
    shop.order_deadline_time = time(0, 0)
    db.session.commit()
    card.get_by_role("button", name=f"{format_date(day)}分を注文する").click()

    deadline = format_datetime(local_instant(today, time(0, 0)))
    expect(page.get_by_role("alert").first).to_contain_text(
        f"{format_date(day)}のお届け分は締め切りました（注文締切: {deadline}）。"
    )
    assert db.session.scalar(sa.select(sa.func.count(Order.id))) == 0
