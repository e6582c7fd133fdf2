"""The shop's order list: JST periods, totals, counters, scoping and bad filters."""

import pytest

from obento.models import OrderStatus, Role
from tests.report_world import TODAY, TOMORROW, YESTERDAY
from tests.security.test_security_log import _app_log

DAYS_AGO_MESSAGE = "さかのぼる日数は0から366までの半角数字で入力してください。"


@pytest.mark.parametrize("now", ["2026-11-25 00:05", "2026-11-25 23:55"])
def test_today_is_one_jst_day_at_both_ends(client, login, clock, make_order, world, now):
    clock.set_jst(now)
    make_order(world.staff[0], world.karaage, TODAY)
    make_order(world.staff[1], world.karaage, YESTERDAY)
    login(world.shop_user.username)
    page = client.get("/shop/orders?days_ago=0")
    assert page.status_code == 200
    assert "青木 一郎" in page.text
    assert "石井 花子" not in page.text
    assert "2026年11月25日(水)" in page.text
    # The default is today as well.
    assert "青木 一郎" in client.get("/shop/orders").text
    wider = client.get("/shop/orders?days_ago=1")
    assert "青木 一郎" in wider.text and "石井 花子" in wider.text


def test_the_filter_fields_show_the_period_on_screen(client, login, clock, world):
    clock.set_jst("2026-11-25 23:55")
    login(world.shop_user.username)
    page = client.get("/shop/orders")
    assert 'name="date" type="date" value="2026-11-25"' in page.text
    assert 'name="days_ago"' in page.text and 'value="0"' in page.text
    sheet = client.get("/shop/sheet")
    assert 'name="date" type="date" value="2026-11-25"' in sheet.text


def test_totals_leave_out_cancelled_orders(client, login, clock, make_order, world):
    clock.set_jst("2026-11-25 09:00")
    make_order(world.staff[0], world.karaage, TOMORROW, quantity=2)
    make_order(world.staff[1], world.saba, TOMORROW, checked=True)
    make_order(
        world.staff[2], world.karaage, TOMORROW, quantity=3,
        status=OrderStatus.CANCELLED, cancel_fee=300,
    )  # fmt: skip
    login(world.shop_user.username)
    page = client.get("/shop/orders?date=2026-11-26")
    assert page.status_code == 200
    text = page.text
    assert "合計 <strong>3個・1,650円</strong>" in text
    assert "確認済み <strong>1</strong>件" in text
    assert "未確認 <strong>1</strong>件" in text
    assert "<s>上田 次郎</s>" in text  # shown struck through
    assert "さくら商事 <small>3個・1,650円</small>" in text
    assert "みどり工業 <small>0個・0円</small>" in text
    # No checkbox for the cancelled order.
    assert text.count('name="order_id" value=') == 2 + 1  # 2 boxes + 1 "check all unchecked"


def test_a_period_has_totals_per_menu_and_per_company(client, login, clock, make_order, world):
    clock.set_jst("2026-11-25 09:00")
    make_order(world.staff[0], world.karaage, TODAY, quantity=2)
    make_order(world.staff[0], world.karaage, TOMORROW)
    make_order(world.staff[1], world.saba, TOMORROW)
    make_order(world.staff[2], world.karaage, TOMORROW, status=OrderStatus.CANCELLED)
    login(world.shop_user.username)
    text = client.get("/shop/orders?date=2026-11-26&days_ago=1").text
    companies = text[text.index("期間中の会社別集計") :]
    assert '<td>さくら商事</td><td class="num">4</td><td class="num">2,150円</td>' in companies
    assert '<td>みどり工業</td><td class="num">0</td><td class="num">0円</td>' in companies
    assert "期間中のメニュー別集計" in text
    assert "期間中の会社別集計" not in client.get("/shop/orders?date=2026-11-26").text


def test_a_shop_sees_only_its_own_orders(client, login, clock, make_order, world):
    clock.set_jst("2026-11-25 09:00")
    make_order(world.staff[0], world.karaage, TODAY)
    make_order(world.staff[2], world.other_menu, TODAY)
    login(world.other_shop_user.username)
    page = client.get("/shop/orders")
    assert "上田 次郎" in page.text and "青木 一郎" not in page.text
    assert client.get(f"/shop/orders?shop={world.shop.id}").status_code == 403
    assert client.get(f"/shop/orders.csv?shop={world.shop.id}").status_code == 403
    assert client.get(f"/shop/sheet?shop={world.shop.id}").status_code == 403
    assert client.get(f"/shop/orders?shop={world.other_shop.id}").status_code == 200


def test_admin_picks_any_shop(client, login, clock, make_order, make_user, world):
    clock.set_jst("2026-11-25 09:00")
    make_order(world.staff[0], world.karaage, TODAY)
    make_order(world.staff[2], world.other_menu, TODAY)
    login(make_user(role=Role.ADMIN).username)
    page = client.get(f"/shop/orders?shop={world.other_shop.id}")
    assert page.status_code == 200
    assert "上田 次郎" in page.text and "青木 一郎" not in page.text
    assert f'<option value="{world.other_shop.id}" selected>' in page.text
    assert "青木 一郎" in client.get(f"/shop/orders?shop={world.shop.id}").text
    missing = client.get("/shop/orders?shop=99999999")
    assert missing.status_code == 404 and "指定された店舗が見つかりません。" in missing.text
    assert client.get("/shop/orders?shop=abc").status_code == 400


@pytest.mark.parametrize("role", [Role.STAFF, Role.MANAGER])
@pytest.mark.parametrize("path", ["/shop/orders", "/shop/orders.csv", "/shop/sheet"])
def test_other_roles_are_refused(client, login, make_user, role, path):
    login(make_user(role=role).username)
    assert client.get(path).status_code == 403


def test_logged_out_users_go_to_login(client):
    response = client.get("/shop/orders")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("date=2026-13-01", "日付は「2026-11-25」のような形式"),
        ("date=yesterday", "日付は「2026-11-25」のような形式"),
        ("date=0001-01-01", "2000年から2099年までの日付"),
        ("date=2026-11-25T00:00", "日付は「2026-11-25」のような形式"),
        ("days_ago=-1", DAYS_AGO_MESSAGE),
        ("days_ago=abc", DAYS_AGO_MESSAGE),
        ("days_ago=100000000000000000000", DAYS_AGO_MESSAGE),
        ("days_ago=367", DAYS_AGO_MESSAGE),
        ("days_ago=1.5", DAYS_AGO_MESSAGE),
    ],
)
@pytest.mark.parametrize("path", ["/shop/orders", "/shop/orders.csv"])
def test_bad_filters_get_a_message(client, login, world, path, query, message):
    login(world.shop_user.username)
    page = client.get(f"{path}?{query}")
    assert page.status_code == 400
    assert message in page.text
    assert page.mimetype == "text/html"


def test_bad_sheet_date_gets_a_message(client, login, world):
    login(world.shop_user.username)
    page = client.get("/shop/sheet?date=2026-02-30")
    assert page.status_code == 400
    assert "日付は「2026-11-25」のような形式" in page.text


def test_the_chart_counts_live_lunches_per_day(client, login, clock, make_order, world):
    clock.set_jst("2026-11-25 09:00")
    make_order(world.staff[0], world.karaage, TODAY, quantity=3)
    make_order(world.staff[1], world.karaage, TODAY, status=OrderStatus.CANCELLED)
    make_order(world.staff[2], world.karaage, YESTERDAY, quantity=2)
    login(world.shop_user.username)
    page = client.get("/shop/orders").text
    assert "<svg" in page
    assert "<title>2026年11月25日(水): 3個</title>" in page
    assert "<title>2026年11月24日(火): 2個</title>" in page
    assert "<title>2026年10月27日(火): 0個</title>" in page  # 30 days back, inclusive
    assert "2026年10月26日(月):" not in page


def test_asking_for_another_shop_is_logged(app, client, login, world):
    login(world.shop_user.username)
    assert client.get(f"/shop/orders.csv?shop={world.other_shop.id}").status_code == 403
    expected = f"forbidden path=/shop/orders.csv user={world.shop_user.username} address=127.0.0.1"
    assert expected in _app_log(app)


def test_names_in_the_rows_are_escaped(
    client, login, clock, make_user, make_menu, make_order, world
):
    # The rows write their numbers unescaped for speed; every text in them must still be escaped.
    clock.set_jst("2026-11-25 09:00")
    employee = make_user(company=world.sakura, name="<b>太郎</b>", employee_code="<i>9</i>")
    menu = make_menu(shop=world.shop, name="<u>特製</u>弁当", price=800)
    make_order(employee, menu, TOMORROW)
    make_order(employee, world.karaage, TOMORROW, status=OrderStatus.CANCELLED, cancel_fee=100)
    manager = make_user(role=Role.MANAGER, company=world.sakura)
    login(world.shop_user.username)
    text = client.get("/shop/orders?date=2026-11-26").text
    assert "<b>" not in text and "<u>" not in text
    assert "&lt;b&gt;太郎&lt;/b&gt;</label>" in text  # the live row
    assert "<s>&lt;b&gt;太郎&lt;/b&gt;</s>" in text  # the cancelled row
    assert '<td data-label="メニュー">&lt;u&gt;特製&lt;/u&gt;弁当</td>' in text
    login(manager.username)
    text = client.get("/company/billing?month=2026-11").text
    assert "<b>" not in text and "<i>" not in text
    assert (
        '<td data-label="社員番号">&lt;i&gt;9&lt;/i&gt;</td>'
        '<td data-label="氏名">&lt;b&gt;太郎&lt;/b&gt;</td>'
    ) in text
