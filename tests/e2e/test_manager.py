"""The company representative in a real browser: orders, the FAX sheet and the billing CSV."""

from pathlib import Path

from playwright.sync_api import expect

from obento.calendar import format_date
from tests.e2e.conftest import jst_today


def test_company_orders_fax_sheet_and_billing_csv(
    page, live_server, browser_login, make_user, make_order, open_world
):
    world, today = open_world, jst_today()
    colleague = make_user(company=world.company, name="石井 花子", employee_code="00124")
    make_order(world.staff, world.karaage, today, quantity=2)
    make_order(colleague, world.saba, today)
    browser_login(page, world.manager.username)
    expect(page.get_by_role("heading", level=1)).to_have_text("会社の注文")

    page.goto(live_server.url + "/company/orders")
    page.get_by_role("link", name="今日", exact=True).click()
    expect(page.locator(".summary")).to_contain_text("合計 3個・1,850円")
    expect(page.locator(".shop-block")).to_contain_text("石井 花子")

    page.get_by_role("link", name="FAX注文書を表示").click()
    sheet = page.locator(".fax-sheet")
    expect(sheet.get_by_role("heading", level=1)).to_have_text("注文書")
    expect(sheet.locator(".fax-addressee")).to_have_text("まごころ弁当 御中")
    expect(sheet).to_contain_text("FAX: 0398765432")
    expect(sheet).to_contain_text(format_date(today))
    expect(sheet.locator(".grand-total")).to_have_text("合計金額: 1,850円")
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".filter-form")).to_be_hidden()
    page.emulate_media(media="screen")

    page.get_by_role("link", name="月次集計").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="CSVをダウンロード").click()
    data = Path(download.value.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data[3:].decode("utf-8").split("\r\n")
    assert lines[0] == "対象月,社員番号,氏名,数量,金額,キャンセル件数,キャンセル料,給与天引き額"
    assert any("00124" in line and "石井 花子" in line and "650" in line for line in lines)
