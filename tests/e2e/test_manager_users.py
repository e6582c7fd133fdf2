"""A company representative creates a staff account, which can then log in and order."""

import sqlalchemy as sa
from playwright.sync_api import expect

from obento.extensions import db
from obento.models import Role, User
from tests.conftest import PASSWORD


def test_manager_creates_a_staff_user(browser, page, live_server, browser_login, open_world):
    browser_login(page, open_world.manager.username)
    page.goto(live_server.url + "/company/users/new")
    page.get_by_label("ユーザー名").fill("sakura-new")
    page.get_by_label("氏名").fill("新井 太郎")
    page.get_by_label("社員番号").fill("00042")
    page.get_by_label("初期パスワード").fill(PASSWORD)
    page.get_by_role("button", name="保存する").click()
    expect(page.get_by_role("status").first).to_have_text("社員「sakura-new」を登録しました。")

    db.session.expire_all()
    user = db.session.scalar(sa.select(User).where(User.username == "sakura-new"))
    assert (user.name, user.role, user.company_id, user.employee_code) == (
        "新井 太郎",
        Role.STAFF,
        open_world.company.id,
        "00042",
    )

    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ja-JP")
    try:
        staff_page = context.new_page()
        browser_login(staff_page, "sakura-new")
        expect(staff_page.get_by_role("heading", level=1)).to_have_text("お弁当の注文")
        expect(staff_page.locator(".day-card").first).to_contain_text("唐揚げ弁当")
    finally:
        context.close()
