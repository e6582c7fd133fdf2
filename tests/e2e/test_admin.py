"""An administrator sets up a company from nothing, and its first user orders, in a browser."""

from datetime import date, time

import sqlalchemy as sa
from playwright.sync_api import expect

from obento.calendar import WEEKDAYS_JA, format_date, format_datetime, order_deadline
from obento.extensions import db
from obento.models import Company, Menu, Order, Role, Shop, User
from tests.conftest import PASSWORD


def save(page, message: str) -> None:
    page.get_by_role("button", name="保存する").click()
    expect(page.get_by_role("status").first).to_contain_text(message)


def test_admin_sets_up_a_company_whose_user_orders(browser, live_server, browser_login, make_user):
    admin = make_user(role=Role.ADMIN, name="管理者")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP")
    page = context.new_page()
    browser_login(page, admin.username)

    page.goto(live_server.url + "/admin/shops/new")
    page.get_by_label("店舗名").fill("ひまわり弁当")
    page.get_by_label("FAX番号").fill("03-5555-0101")
    page.get_by_label("注文締切（お届け日の何日前）").fill("1")
    page.get_by_label("注文締切の時刻").fill("10:00")
    page.get_by_label("キャンセル締切（お届け日の時刻）").fill("09:00")
    for weekday in WEEKDAYS_JA:
        page.get_by_label(weekday, exact=True).check()
    page.get_by_label("祝日も営業する").check()
    save(page, "店舗「ひまわり弁当」を保存しました。")

    page.goto(live_server.url + "/admin/companies/new")
    page.get_by_label("会社名").fill("つばさ物産")
    page.get_by_label("ひまわり弁当").check()
    save(page, "つばさ物産")

    page.goto(live_server.url + "/admin/menus/new")
    page.get_by_label("店舗").select_option(label="ひまわり弁当")
    page.get_by_label("メニュー名").fill("のり弁当")
    page.get_by_label("価格（円・税込）").fill("480")
    save(page, "のり弁当")

    page.goto(live_server.url + "/admin/users/new")
    page.get_by_label("ユーザー名").fill("tsubasa1")
    page.get_by_label("氏名").fill("木村 さくら")
    page.get_by_label("権限").select_option(label="注文者")
    page.get_by_label("会社（注文者・会社代表）").select_option(label="つばさ物産")
    page.get_by_label("初期パスワード").fill(PASSWORD)
    save(page, "ユーザー「tsubasa1」を登録しました。")
    context.close()

    db.session.expire_all()
    shop = db.session.scalar(sa.select(Shop).where(Shop.name == "ひまわり弁当"))
    assert (shop.order_deadline_days_before, shop.order_deadline_time) == (1, time(10, 0))
    assert shop.open_weekdays == 127 and shop.opens_on_holidays
    company = db.session.scalar(sa.select(Company).where(Company.name == "つばさ物産"))
    assert [s.name for s in company.shops] == ["ひまわり弁当"]
    menu = db.session.scalar(sa.select(Menu).where(Menu.name == "のり弁当"))
    user = db.session.scalar(sa.select(User).where(User.username == "tsubasa1"))
    assert (user.role, user.company_id) == (Role.STAFF, company.id)

    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ja-JP")
    page = context.new_page()
    browser_login(page, "tsubasa1")
    card = page.locator(".day-card").first
    day = date.fromisoformat(card.get_attribute("id").removeprefix("day-"))
    deadline = format_datetime(order_deadline(shop, day))
    assert deadline.endswith(" 10:00")
    expect(card.locator(".deadline")).to_have_text(f"注文締切: {deadline}")
    card.get_by_role("button", name=f"{format_date(day)}分を注文する").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("ご注文内容")
    context.close()

    db.session.expire_all()
    [order] = db.session.scalars(sa.select(Order)).all()
    assert (order.user_id, order.menu_id, order.delivery_date) == (user.id, menu.id, day)
