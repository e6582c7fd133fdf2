"""The company representative's orders, FAX order sheet and monthly billing."""

from datetime import date

import pytest

from obento.extensions import db
from obento.models import OrderStatus, Role
from tests.report_world import TODAY, TOMORROW


@pytest.fixture
def manager(make_user, world):
    return make_user(role=Role.MANAGER, company=world.sakura, name="佐藤 課長")


@pytest.fixture
def orders(clock, make_order, make_menu, make_user, world):
    clock.set_jst("2026-11-25 09:00")
    aoki, ishii, ueda = world.staff
    kato = make_user(company=world.sakura, name="加藤 三郎", employee_code="00125")
    make_menu(shop=world.shop, name="幕の内弁当", price=800, sort_order=3)  # nobody ordered it
    make_menu(shop=world.shop, name="季節限定弁当", price=900, active=False)  # not on the sheet
    return [
        make_order(aoki, world.karaage, TOMORROW, quantity=2),
        make_order(ishii, world.karaage, TOMORROW),
        make_order(kato, world.saba, TOMORROW),
        make_order(
            kato, world.karaage, TOMORROW, quantity=3, status=OrderStatus.CANCELLED, cancel_fee=300
        ),
        make_order(ueda, world.karaage, TOMORROW, quantity=5),  # みどり工業
        make_order(aoki, world.karaage, TODAY),
    ]


def test_company_orders_by_shop_and_employee(client, login, world, manager, orders):
    login(manager.username)
    page = client.get("/company/orders?date=2026-11-26")
    assert page.status_code == 200
    text = page.text
    assert "<h1>会社の注文</h1>" in text
    assert "合計 <strong>4個・2,150円</strong>（注文3件）" in text
    assert "まごころ弁当 <small>4個・2,150円</small>" in text
    subtotal = '<th scope="row" colspan="2">{} 小計</th><td class="num" data-label="数量">{}</td>'
    assert subtotal.format("青木 一郎", 2) in text
    assert subtotal.format("加藤 三郎", 1) in text
    assert '<th scope="col">お届け日</th>' not in text  # one day: no date column
    assert "上田 次郎" not in text  # another company's employee
    assert "<s>唐揚げ弁当</s>" in text  # the cancelled order, struck through
    assert "/company/sheet?date=2026-11-26&amp;shop=" in text
    two_days = client.get("/company/orders?date=2026-11-26&days_ago=1").text
    assert "合計 <strong>5個・2,650円</strong>（注文4件）" in two_days
    assert '<th scope="col">お届け日</th>' in two_days
    assert '<th scope="row" colspan="3">青木 一郎 小計</th>' in two_days


def test_fax_sheet_numbers(client, login, clock, world, manager, orders):
    clock.set_jst("2026-11-25 16:30")
    login(manager.username)
    page = client.get(f"/company/sheet?date=2026-11-26&shop={world.shop.id}")
    assert page.status_code == 200
    text = page.text
    assert "<h1>注文書</h1>" in text and "まごころ弁当 御中" in text
    assert "FAX: <strong>0398765432</strong>" in text
    assert "<dt>ご注文日</dt><dd>2026年11月25日(水)</dd>" in text
    assert "<dt>お届け日</dt><dd><strong>2026年11月26日(木)</strong></dd>" in text
    assert "<dt>施設名（ご担当）</dt><dd>さくら商事（佐藤 課長）</dd>" in text
    rows = [
        ("唐揚げ弁当", "500円", "3", "1,500円"),
        ("鯖の塩焼き弁当", "650円", "1", "650円"),
        ("幕の内弁当", "800円", "0", "0円"),
    ]
    for name, price, count, amount in rows:
        assert (
            f'<tr><td>{name}</td><td class="num">{price}</td><td class="num">{count}</td>'
            f'<td class="num">{amount}</td></tr>'
        ) in text
    assert "季節限定弁当" not in text
    assert "合計金額: <strong>2,150円</strong>" in text
    assert "data-print" in text


def test_fax_sheet_keeps_the_price_each_order_was_placed_at(
    client, login, world, manager, make_order
):
    make_order(world.staff[0], world.karaage, TOMORROW, unit_price=480)
    make_order(world.staff[1], world.karaage, TOMORROW)
    login(manager.username)
    text = client.get(f"/company/sheet?date=2026-11-26&shop={world.shop.id}").text
    assert '<td>唐揚げ弁当</td><td class="num">480円</td><td class="num">1</td>' in text
    assert '<td>唐揚げ弁当</td><td class="num">500円</td><td class="num">1</td>' in text
    assert "合計金額: <strong>980円</strong>" in text


def test_fax_sheet_shop_choice(client, login, clock, world, manager, make_user):
    clock.set_jst("2026-11-25 09:00")
    login(manager.username)
    # さくら商事 has one shop: it is the default.
    assert "まごころ弁当 御中" in client.get("/company/sheet?date=2026-11-26").text
    foreign = client.get(f"/company/sheet?shop={world.other_shop.id}")
    assert foreign.status_code == 404 and "キッチン花" not in foreign.text
    assert client.get("/company/sheet?shop=999999999").status_code == 404
    bad = client.get("/company/sheet?shop=abc")
    assert bad.status_code == 400 and "店舗の指定が正しくありません。" in bad.text
    # みどり工業 has two shops: the page asks which.
    login(make_user(role=Role.MANAGER, company=world.midori).username)
    page = client.get("/company/sheet")
    assert page.status_code == 200
    assert "店舗とお届け日を選んで「表示」を押してください。" in page.text
    assert 'name="date" type="date" value="2026-11-25"' in page.text  # today, shown
    assert "data-print" not in page.text  # nothing to print yet
    assert "キッチン花 御中" in client.get(f"/company/sheet?shop={world.other_shop.id}").text


def test_billing_per_employee_counts_fees_but_not_cancelled_lunches(
    client, login, world, manager, orders, make_order
):
    make_order(world.staff[0], world.saba, date(2026, 12, 1))  # next month
    make_order(world.staff[0], world.saba, date(2026, 10, 31))  # last month
    login(manager.username)
    page = client.get("/company/billing?month=2026-11")
    assert page.status_code == 200
    text = page.text
    assert "<h2>2026年11月</h2>" in text
    assert (
        '<tr><td data-label="社員番号">00123</td><td data-label="氏名">青木 一郎</td>'
        '<td class="num" data-label="給与天引き額"><strong>1,500円</strong></td>'
        '<td class="num" data-label="数量">3</td><td class="num" data-label="金額">1,500円</td>'
        '<td class="num" data-label="キャンセル料">0円</td></tr>'
    ) in text
    assert (
        '<tr><td data-label="社員番号">00125</td><td data-label="氏名">加藤 三郎</td>'
        '<td class="num" data-label="給与天引き額"><strong>950円</strong></td>'
        '<td class="num" data-label="数量">1</td><td class="num" data-label="金額">650円</td>'
        '<td class="num" data-label="キャンセル料">300円（1件）</td></tr>'
    ) in text
    assert "上田 次郎" not in text
    assert (
        '<tr><td data-label="店舗">まごころ弁当</td><td class="num" data-label="数量">5</td>'
        '<td class="num" data-label="金額">2,650円</td>'
        '<td class="num" data-label="キャンセル料">300円</td>'
        '<td class="num" data-label="請求額">2,950円</td></tr>'
    ) in text
    assert (
        '<td class="num" data-label="請求額"><strong>2,950円</strong></td></tr>\n    </tfoot>'
    ) in text
    assert '<th scope="row" colspan="2">合計（3人）</th>' in text  # the employees' table too


def test_billing_defaults_to_this_month(client, login, clock, world, manager, orders):
    clock.set_jst("2026-11-30 23:59")
    login(manager.username)
    assert "<h2>2026年11月</h2>" in client.get("/company/billing").text
    clock.set_jst("2026-12-01 00:00")
    page = client.get("/company/billing").text
    assert "<h2>2026年12月</h2>" in page and "この月の注文はありません。" in page


def test_billing_csv_bytes(client, login, world, manager, orders):
    login(manager.username)
    response = client.get("/company/billing.csv?month=2026-11")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="billing-2026-11.csv"' in response.headers["Content-Disposition"]
    assert response.data.startswith(b"\xef\xbb\xbf")
    assert response.data.decode("utf-8-sig").split("\r\n") == [
        "対象月,社員番号,氏名,数量,金額,キャンセル件数,キャンセル料,給与天引き額",
        '"=""2026-11""","=""00123""",青木 一郎,3,1500,0,0,1500',
        '"=""2026-11""","=""00124""",石井 花子,1,500,0,0,500',
        '"=""2026-11""","=""00125""",加藤 三郎,1,650,1,300,950',
        "",
    ]


@pytest.mark.parametrize("path", ["/company/billing", "/company/billing.csv"])
@pytest.mark.parametrize("month", ["2026-13", "2026-1", "abc", "1999-12", "2026-11-01"])
def test_bad_month_gets_a_message(client, login, manager, path, month):
    login(manager.username)
    page = client.get(f"{path}?month={month}")
    assert page.status_code == 400
    assert "月は「2026-11」のような形式" in page.text


@pytest.mark.parametrize(
    "query", ["date=2026-02-29", "days_ago=-3", "days_ago=x", "days_ago=9999999"]
)
def test_bad_period_gets_a_message(client, login, manager, query):
    login(manager.username)
    page = client.get(f"/company/orders?{query}")
    assert page.status_code == 400
    assert "日付は" in page.text or "0から366までの半角数字" in page.text


def test_bad_sheet_date_gets_a_message(client, login, manager):
    login(manager.username)
    page = client.get("/company/sheet?date=26-11-26")
    assert page.status_code == 400 and "日付は「2026-11-25」のような形式" in page.text


@pytest.mark.parametrize("role", [Role.STAFF, Role.SHOP, Role.ADMIN])
@pytest.mark.parametrize(
    "path", ["/company/orders", "/company/sheet", "/company/billing", "/company/billing.csv"]
)
def test_other_roles_are_refused(client, login, make_user, role, path):
    login(make_user(role=role).username)
    assert client.get(path).status_code == 403


def test_a_manager_never_sees_another_company(client, login, world, orders, make_user):
    login(make_user(role=Role.MANAGER, company=world.midori).username)
    page = client.get("/company/orders?date=2026-11-26").text
    assert "上田 次郎" in page and "青木 一郎" not in page
    billing = client.get("/company/billing.csv?month=2026-11").data.decode("utf-8-sig")
    assert "上田 次郎" in billing and "青木 一郎" not in billing
    sheet = client.get(f"/company/sheet?date=2026-11-26&shop={world.shop.id}").text
    assert "合計金額: <strong>2,500円</strong>" in sheet  # only みどり工業's 5 lunches


def test_an_employee_who_moved_away_is_the_new_companys_business(
    client, login, world, manager, orders, submit
):
    """Aoki ordered while at さくら, then moved to みどり: さくら's manager may no longer
    cancel that order, nor see みどり's orders on Aoki's page."""
    aoki, old_order = world.staff[0], orders[0]
    aoki.company_id = world.midori.id
    db.session.commit()
    login(manager.username)
    response = submit(f"/company/on-behalf/orders/{old_order.id}/cancel")
    assert response.status_code == 404
    assert "青木 一郎" not in response.text
    db.session.refresh(old_order)
    assert old_order.status == OrderStatus.ORDERED


@pytest.mark.parametrize("value", ["x", ""])
def test_a_user_switch_other_than_1_or_0_changes_nothing(
    client, login, world, manager, submit, value
):
    login(manager.username)
    aoki = world.staff[0]
    response = submit(f"/company/users/{aoki.id}/state", {"active": value})
    assert response.status_code == 400
    assert "操作の指定が正しくありません。" in response.text
    db.session.refresh(aoki)
    assert aoki.active


def test_the_new_company_is_not_offered_the_old_companys_orders(
    client, login, world, orders, make_user
):
    """Aoki moved from さくら to みどり: みどり's manager sees no cancel button for the order
    さくら placed (the server would refuse it)."""
    aoki, old_order = world.staff[0], orders[0]
    aoki.company_id = world.midori.id
    db.session.commit()
    login(make_user(role=Role.MANAGER, company=world.midori).username)
    page = client.get(f"/company/on-behalf/{aoki.id}")
    assert page.status_code == 200
    assert f"/company/on-behalf/orders/{old_order.id}/cancel" not in page.text
