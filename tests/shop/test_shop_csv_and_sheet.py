"""The shop's CSV download and printable delivery sheet."""

import pytest
import sqlalchemy as sa

from obento.csvutil import excel_text
from obento.extensions import db
from obento.models import OrderStatus
from obento.services import reports
from obento.shop.views import LISTINGS
from tests.report_world import TODAY, TOMORROW

CSV_HEADER = (
    "お届け日,会社名,会社電話番号,社員番号,氏名,メニュー,単価,数量,金額,状態,キャンセル料,確認状況"
)


@pytest.fixture
def orders(clock, make_order, world):
    clock.set_jst("2026-11-25 09:00")
    return [
        make_order(world.staff[0], world.karaage, TOMORROW, quantity=2, checked=True),
        make_order(world.staff[1], world.saba, TOMORROW),
        make_order(
            world.staff[2], world.karaage, TOMORROW, status=OrderStatus.CANCELLED, cancel_fee=300
        ),
        make_order(world.staff[0], world.karaage, TODAY),
        make_order(world.staff[2], world.other_menu, TOMORROW),  # another shop's
    ]


def test_csv_bytes_open_in_japanese_excel(client, login, world, orders):
    login(world.shop_user.username)
    response = client.get("/shop/orders.csv?date=2026-11-26")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.data
    assert body.startswith(b"\xef\xbb\xbf")
    assert body.endswith(b"\r\n") and b"\n" not in body.replace(b"\r\n", b"")
    lines = body[3:].decode("utf-8").split("\r\n")
    assert lines[0] == CSV_HEADER
    sakura = '2026-11-26,さくら商事,"=""0312345678""",'
    midori = '2026-11-26,みどり工業,"=""0455550000""",'
    assert lines[1:] == [
        sakura + '"=""00123""",青木 一郎,唐揚げ弁当,500,2,1000,注文済み,0,確認済み',
        sakura + '"=""00124""",石井 花子,鯖の塩焼き弁当,650,1,650,注文済み,0,未確認',
        midori + '"=""0007""",上田 次郎,唐揚げ弁当,500,1,0,キャンセル済み,300,未確認',
        "",
    ]


def test_csv_follows_the_period_and_never_another_shop(client, login, world, orders):
    login(world.other_shop_user.username)
    lines = client.get("/shop/orders.csv?date=2026-11-26&days_ago=1").data.decode("utf-8-sig")
    assert "花弁当" in lines and "唐揚げ弁当" not in lines
    login(world.shop_user.username)
    both_days = client.get("/shop/orders.csv?date=2026-11-26&days_ago=1").data.decode("utf-8-sig")
    assert both_days.count("\r\n") == 1 + 4
    assert "花弁当" not in both_days


def test_csv_neutralises_formulas_in_names(client, login, world, orders):
    world.staff[1].name = "=HYPERLINK(1)"
    db.session.commit()
    login(world.shop_user.username)
    text = client.get("/shop/orders.csv?date=2026-11-26").data.decode("utf-8-sig")
    assert ",'=HYPERLINK(1)," in text


def test_delivery_sheet_has_one_block_per_company_and_a_grand_total(client, login, world, orders):
    login(world.shop_user.username)
    page = client.get("/shop/sheet?date=2026-11-26")
    assert page.status_code == 200
    text = page.text
    assert "<h1>配達表 <small>まごころ弁当</small></h1>" in text
    assert "お届け日: <strong>2026年11月26日(木)</strong>" in text
    assert "東京都港区1-1　電話 0312345678" in text
    assert (
        '<th scope="row" colspan="2">さくら商事 計</th><td class="num">3</td>'
        '<td class="num">1,650円</td>'
    ) in text
    # Each company's menu lines are marked as subtotals, not rows of a nameless person.
    assert '<tr class="subtotal"><th scope="row">小計</th><td>唐揚げ弁当</td>' in text
    # みどり工業's only order is cancelled: no block for it, nothing counted.
    assert "みどり工業" not in text and "上田 次郎" not in text
    assert "総合計: <strong>3個・1,650円</strong>（1社）" in text
    assert "花弁当" not in text
    assert "data-print" in text and "js/print.js" in text


def test_sheet_of_a_day_without_orders(client, login, world, orders):
    login(world.shop_user.username)
    page = client.get("/shop/sheet?date=2026-11-30")
    assert page.status_code == 200
    assert "この日の注文はありません。" in page.text
    assert "総合計: <strong>0個・0円</strong>（0社）" in page.text


def test_list_page_costs_the_same_queries_for_few_or_many_orders(
    client, login, world, make_order, make_user
):
    """Count SQL statements per page load: no query per order, company or menu."""
    login(world.shop_user.username)

    def queries_for(path):
        # Cold: the worker's caches of rendered rows and settled chart days are empty, so
        # the page runs every query it can.
        LISTINGS.clear()
        reports._SETTLED_LUNCHES.clear()
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        engine = db.session.get_bind()
        sa.event.listen(engine, "before_cursor_execute", listener)
        try:
            assert client.get(path).status_code == 200
        finally:
            sa.event.remove(engine, "before_cursor_execute", listener)
        return len(statements)

    make_order(world.staff[0], world.karaage, TOMORROW)
    few = queries_for("/shop/orders?date=2026-11-26"), queries_for("/shop/sheet?date=2026-11-26")
    for _ in range(6):
        company = world.midori if _ % 2 else world.sakura
        make_order(make_user(company=company), world.saba, TOMORROW, quantity=2)
    many = queries_for("/shop/orders?date=2026-11-26"), queries_for("/shop/sheet?date=2026-11-26")
    assert few == many
    assert min(few) >= 3  # the listener did see the page's queries


@pytest.mark.parametrize(
    "typed, written",
    [
        ("00E1", '="00E1"'),  # Excel: 0.00E+00
        ("1/2", '="1/2"'),  # Excel: a date
        ("1:30", '="1:30"'),  # Excel: a time
        ("00.5", '="00.5"'),
        ("１２３", '="１２３"'),  # full-width digits become a number too
        ("03-1234-5678", '="03-1234-5678"'),
        ("A-001", "A-001"),  # a letter first: Excel keeps it as text
        ("-1", "'-1"),  # a formula start is neutralised, not quoted as a number
    ],
)
def test_number_like_codes_stay_text_in_excel(typed, written):
    assert excel_text(typed) == written
